/**
 * Whose rules a SPEKE request is read by: AWS's (the SPEKE specification, on AWS's and the CPIX
 * routes) or Axinom Key Service's (its `/Speke` and `/SpekeV2`: USP's CPIX 2.2 requests too, and
 * FairPlay on `cenc` keys answered with a warning).
 */
export type SpekeRules = 'aws' | 'axinom';

/** Which protocol a key request speaks; decides how the request is read and how the answer is written. */
export type Dialect = 'speke-v1' | 'speke-v2' | 'pallycon-v1' | 'pallycon-v2' | 'anevia';

/** The PlayReady header versions the engine can write. */
export type PlayReadyHeaderVersion = '4.0.0.0' | '4.1.0.0' | '4.2.0.0' | '4.3.0.0';

/** Per-tenant signalling settings; every field has a default (see {@link defaultTenantSettings}). */
export interface TenantSettings {
  /** What goes into the PlayReady WRM header. */
  playReady: {
    headerVersion: PlayReadyHeaderVersion;
    laUrl?: string;
    luiUrl?: string;
    dsId?: string;
    /** XML fragment written into `CUSTOMATTRIBUTES`. */
    customAttributes?: string;
    /** Write the key checksum (`CHECKSUM`) for each KID. */
    includeChecksum: boolean;
  };
  /** What goes into the Widevine PSSH data. */
  widevine: {
    provider?: string;
    /** `cpix-id`: the CPIX contentId; `content-id-and-period`: contentId plus the period index (16 hex digits). */
    contentId: 'none' | 'cpix-id' | 'content-id-and-period';
    protectionScheme: boolean;
    algorithm: boolean;
    trackType: boolean;
  };
  /** The form of the FairPlay `skd://` key URI. */
  fairPlay: {
    uriForm: 'kid' | 'kid-iv' | 'kid-base64' | 'content-period' | 'template';
    /** With `uriForm: 'template'`: placeholders as in `@cpixkit/hls-signaling`'s `buildFairPlayUri`: `{kid}`, `{kidHex}`, `{kidBase64}`, `{ivHex}`, `{contentId}`, `{periodIndexHex}`. */
    uriTemplate?: string;
  };
  /** HLS AES-128 (clear-key) delivery. */
  aes128: {
    enabled: boolean;
    /** Base of key-delivery URLs; undefined → the server's own `${baseUrl}/keys` route. */
    keyUriBase?: string;
    /** Lifetime of a signed key-delivery URL, in seconds (default one year: packaged VOD playlists keep their URLs). */
    keyUrlTtlSeconds: number;
    /**
     * Deliver over the clear-key URL a key that also serves Widevine, PlayReady or FairPlay (default
     * `false`: such requests are refused, since anyone holding the playlist could fetch the DRM key).
     */
    allowDrmKeys: boolean;
    /** HMAC secret of key-delivery URLs (≥ 30 bytes); absent → the derivation secret. Rotating it stops every URL issued. */
    keyUrlSecret?: Uint8Array;
  };
  /** SPEKE: `keep` the request's KIDs, or `derive` them from the content id, track type and period. */
  kidPolicy: 'keep' | 'derive';
  /**
   * Where the server derives KIDs (PallyCon, ATEME, `derive`, KID override): a key of a scheme
   * other than `cenc` gets a KID (and key) of its own, so `cenc` and `cbcs` packages of one content
   * do not share a key. `false` gives every scheme the `cenc` KID.
   */
  kidPerScheme: boolean;
  /** Requests asking for more content keys than this are refused (413). */
  maxKeysPerRequest: number;
  /**
   * Requests whose answer could exceed this many bytes are refused (413) before any key is issued
   * or signalling written; the bound is computed from the request's plan (see `answerSizeBound`).
   */
  maxAnswerBytes: number;
  /** ATEME/Anevia GET requests. */
  anevia: { hlsAes128: boolean };
  /** W3C ClearKey: keys issued for it alone, and served by the licence route. */
  clearKey: { enabled: boolean };
  /** Cross-origin browser access to the key URL and licence routes. */
  cors: {
    /** Origins (`https://player.example.com`) allowed to call from a browser; `*` allows any. */
    allowedOrigins: string[];
  };
}

/** A tenant: its key material and settings. */
export interface Tenant {
  id: string;
  /** ≥ 30 bytes, for the PlayReady key-seed algorithm. */
  keySeed: Uint8Array;
  /** HMAC secret for KID/IV derivation and key-URL signing. */
  derivationSecret: Uint8Array;
  /** `seed`: keys derived from the key seed (stateless); `store`: random keys kept in a {@link KeyStore}. */
  keySource: 'seed' | 'store';
  settings: TenantSettings;
  /** SHA-256 digests (32 bytes each) of the tenant's authentication tokens; checked by the server, not the engine. */
  tokenHashes?: Uint8Array[];
}

/** Persistent content keys, implemented by the server (keys are encrypted at rest there). */
export interface KeyStore {
  /**
   * The key of (tenant, kid); created with `create()` the first time, atomically: one key per (tenant, kid) ever.
   * `kid` is a KID, or `clearkey:<kid>` for the key issued for ClearKey under that KID, kept apart from any other.
   */
  getOrCreateKey(tenantId: string, kid: string, create: () => Uint8Array): Promise<Uint8Array>;
  /** The key of (tenant, kid), if it was ever created. */
  getKey(tenantId: string, kid: string): Promise<Uint8Array | undefined>;
}

/** One key request to answer. */
export interface KeyServiceRequest {
  tenant: Tenant;
  dialect: Dialect;
  /** The CPIX request (absent for an anevia GET). */
  body?: string | Uint8Array;
  /** Anevia path parameters. */
  params?: { format?: 'dash' | 'hls'; contentId?: string };
  /** Public origin of this server (no trailing slash needed), for key-delivery URLs. */
  baseUrl: string;
  /** SPEKE dialects: whose rules the request is read by (default `aws`); see `spekeRequestOptions`. */
  spekeRules?: SpekeRules;
  /** Axinom's `?overrideKeyIds=true`: the server derives the KIDs, as under `kidPolicy: 'derive'`. */
  overrideKeyIds?: boolean;
}

/** A problem the engine read past without refusing the request. */
export interface KeyServiceWarning {
  code: string;
  path?: string;
  message: string;
}

/** The answer to a {@link KeyServiceRequest}. */
export interface KeyServiceAnswer {
  /** The CPIX response XML. */
  body: string;
  /** Response headers, lower-case names: `content-type`, `x-speke-version`, `x-speke-user-agent`, … */
  headers: Record<string, string>;
  /** How many content keys the answer carries. */
  keysIssued: number;
  contentId?: string;
  warnings: KeyServiceWarning[];
}

/** The key engine. */
export interface KeyService {
  /** Answers a key request; throws {@link KeyServiceError} with an HTTP status on refusal. */
  answer(request: KeyServiceRequest): Promise<KeyServiceAnswer>;
  /**
   * The 16-byte key of a signed key-delivery URL (`signedPath` = path and query, e.g. `/keys/t1/<kid>?exp=…&sig=…`).
   * Verifies the signature and expiry; any fault (missing, malformed, wrong or expired signature, another tenant,
   * AES-128 off, a stored key never issued) is the same 403 `ERR_KEY_SERVICE_INVALID_KEY_URL`, its reason in `cause`.
   */
  deliverKey(tenant: Tenant, signedPath: string, now?: Date): Promise<Uint8Array>;
  /**
   * The W3C EME ClearKey licence (a JSON Web Key set) answering a licence request body
   * (`{"kids":[…],"type":"temporary"}`), with keys that were issued for ClearKey only.
   * 400 for a malformed request, 403 when the tenant does not enable ClearKey, 404 when a KID
   * has no ClearKey key of this tenant, 413 for too many KIDs.
   */
  clearKeyLicense(tenant: Tenant, body: string | Uint8Array | undefined): Promise<ClearKeyLicense>;
}

/** A ClearKey licence: the JSON text and how many keys it carries. */
export interface ClearKeyLicense {
  /** `{"keys":[{"kty":"oct","kid":…,"k":…}],"type":"temporary"}`, base64url without padding. Secret. */
  body: string;
  keys: number;
}

/** Options of {@link createKeyService}. */
export interface KeyServiceOptions {
  /** Required for tenants with `keySource: 'store'`. */
  store?: KeyStore;
  /** Sent as `X-Speke-User-Agent` / `Speke-User-Agent`. */
  userAgent?: string;
  /** The clock (for key-URL expiry). */
  now?: () => Date;
}
