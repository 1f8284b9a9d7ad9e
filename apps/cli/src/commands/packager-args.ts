import { type CpixDocument, decryptContentKeys, type DrmSystem, parseCpix } from '@cpixkit/cpix-model';
import { buildFairPlayUri, parseHlsKeyLine } from '@cpixkit/hls-signaling';
import { decodePlayReadyObject, parseWrmHeader } from '@cpixkit/playready-header';
import {
  AES128_SYSTEM_ID,
  decodeWidevinePsshData,
  FAIRPLAY_SYSTEM_ID,
  normalizeUuid,
  parsePsshBox,
  PLAYREADY_SYSTEM_ID,
  WIDEVINE_SYSTEM_ID,
} from '@cpixkit/pssh';
import type { Packager } from '../choices.js';
import { readCpixInput } from '../cpix-document.js';
import { privateKeyInput, type PrivateKeyOptions } from '../credentials.js';
import { CliError } from '../errors.js';
import { HIDDEN, writeJson, writeResult } from '../io.js';
import { toBase64, toHex } from '../values.js';

/** Options of `cpixkit packager-args`. */
export interface PackagerArgsOptions extends PrivateKeyOptions {
  for: Packager;
  kid?: string[];
  scheme?: string;
  json?: boolean;
  showKeys?: boolean;
}

/** A content key as the packagers want it: hex without dashes. */
interface PackagingKey {
  kid: string;
  kidHex: string;
  keyHex: string;
  keyBase64: string;
  ivHex: string | undefined;
  ivBase64: string | undefined;
  /** The `intendedTrackType`s of the usage rules that point at the key. */
  trackTypes: string[];
}

/** What the document says about one key's DRM systems. */
interface Signaling {
  /** Whole `pssh` boxes, by system id. */
  pssh: Map<string, Uint8Array>;
  fairPlayUri: string | undefined;
  aes128Uri: string | undefined;
  playReadyLaUrl: string | undefined;
}

/**
 * `cpixkit packager-args --for <packager> <file>`: what a packager takes to encrypt with the keys of a
 * CPIX response, ready to paste: command-line arguments (raw keys, PSSH, IVs, key URIs), or for
 * nginx-vod-module the answer its DRM upstream returns. Encrypted keys are opened with
 * `--private-key`/`--pkcs12`. Keys are `****` unless `--show-keys`. Keys a packager cannot take
 * (several keys where it takes one, per-key signaling it takes once) are refused with
 * `ERR_CLI_PACKAGER_UNSUPPORTED` rather than written wrong.
 */
export async function packagerArgs(argument: string, options: PackagerArgsOptions): Promise<void> {
  const input = await readCpixInput(argument);
  let { document } = parseCpix(input.xml);
  if (options.privateKey !== undefined || options.pkcs12 !== undefined) {
    document = await decryptContentKeys(document, { privateKey: privateKeyInput(options) });
  }
  const keys = selectKeys(document, options.kid);
  const scheme = options.scheme ?? schemeOf(document, keys);
  const signaling = (kid: string) => signalingOf(document, kid);
  if (options.for === 'nginx-vod') {
    const answer = nginxVodDrmAnswer(keys, signaling);
    const shown = options.showKeys ? answer : answer.map((entry) => ({ ...entry, key: HIDDEN }));
    writeJson(options.json ? { packager: options.for, scheme, response: shown } : shown);
    return;
  }
  const args = build(options.for, keys, scheme, signaling);
  const shown = options.showKeys ? args : maskKeys(args, keys);
  if (options.json) writeJson({ packager: options.for, scheme, args: shown });
  else writeResult(commandLines(shown).join(' \\\n  '));
}

/** The keys of the document cannot be given to this packager as they are. */
function unsupported(message: string): CliError {
  return new CliError('ERR_CLI_PACKAGER_UNSUPPORTED', message);
}

function selectKeys(document: CpixDocument, only: string[] | undefined): PackagingKey[] {
  const wanted = only?.map(normalizeUuid);
  const rules = document.contentKeyUsageRuleList?.contentKeyUsageRules ?? [];
  const keys: PackagingKey[] = [];
  for (const key of document.contentKeyList?.contentKeys ?? []) {
    const kid = normalizeUuid(key.kid);
    if (wanted && !wanted.includes(kid)) continue;
    const secret = key.data?.secret;
    if (!secret?.plainValue) {
      const reason = secret?.encryptedValue
        ? 'is encrypted: give --private-key or --pkcs12'
        : 'has no value (a request, not a response?)';
      throw new CliError('ERR_CLI_INVALID_DOCUMENT', `content key ${kid} ${reason}`);
    }
    const trackTypes = [
      ...new Set(
        rules
          .filter((rule) => normalizeUuid(rule.kid) === kid)
          .flatMap((rule) => (rule.intendedTrackType ? [rule.intendedTrackType] : [])),
      ),
    ];
    keys.push({
      kid,
      kidHex: kid.replace(/-/g, ''),
      keyHex: toHex(secret.plainValue),
      keyBase64: toBase64(secret.plainValue),
      ivHex: key.explicitIV ? toHex(key.explicitIV) : undefined,
      ivBase64: key.explicitIV ? toBase64(key.explicitIV) : undefined,
      trackTypes,
    });
  }
  if (keys.length === 0) {
    throw new CliError(
      'ERR_CLI_INVALID_DOCUMENT',
      wanted ? 'no content key with the KIDs given by --kid' : 'the document has no content key',
    );
  }
  return keys;
}

function schemeOf(document: CpixDocument, keys: PackagingKey[]): string {
  const schemes = new Set(
    (document.contentKeyList?.contentKeys ?? [])
      .filter((key) => keys.some((k) => k.kid === normalizeUuid(key.kid)))
      .map((key) => key.commonEncryptionScheme ?? 'cenc'),
  );
  if (schemes.size > 1)
    throw new CliError(
      'ERR_CLI_INVALID_DOCUMENT',
      `the keys use several schemes (${[...schemes].join(', ')}); select keys with --kid`,
    );
  return [...schemes][0] ?? 'cenc';
}

function signalingOf(document: CpixDocument, kid: string): Signaling {
  const systems = (document.drmSystemList?.drmSystems ?? []).filter((system) => normalizeUuid(system.kid) === kid);
  const bySystem = (id: string): DrmSystem[] => systems.filter((system) => normalizeUuid(system.systemId) === id);
  const pssh = new Map<string, Uint8Array>();
  for (const system of systems) if (system.pssh) pssh.set(normalizeUuid(system.systemId), system.pssh);
  const playReadyBox = pssh.get(PLAYREADY_SYSTEM_ID);
  let playReadyLaUrl: string | undefined;
  if (playReadyBox) {
    const header = decodePlayReadyObject(parsePsshBox(playReadyBox).data).wrmHeader;
    playReadyLaUrl = header === undefined ? undefined : parseWrmHeader(header).laUrl;
  }
  return {
    pssh,
    fairPlayUri: keyUri(bySystem(FAIRPLAY_SYSTEM_ID)),
    aes128Uri: keyUri(bySystem(AES128_SYSTEM_ID)),
    playReadyLaUrl,
  };
}

/** The key URI of an HLS system: the URI of its HLS line, or its `URIExtXKey`. */
function keyUri(systems: DrmSystem[]): string | undefined {
  for (const system of systems) {
    for (const data of system.hlsSignalingData ?? []) {
      const uri = parseHlsKeyLine(Buffer.from(data.value).toString('utf8')).uri;
      if (uri !== undefined) return uri;
    }
    if (system.uriExtXKey) return Buffer.from(system.uriExtXKey).toString('utf8');
  }
  return undefined;
}

function build(
  packager: Exclude<Packager, 'nginx-vod'>,
  keys: PackagingKey[],
  scheme: string,
  signaling: (kid: string) => Signaling,
): string[] {
  switch (packager) {
    case 'shaka-packager':
      return shakaPackager(keys, scheme, signaling);
    case 'mp4split':
      return mp4split(keys, scheme, signaling);
    case 'bento4':
      return bento4(keys, scheme, signaling);
    case 'ffmpeg':
      return ffmpeg(keys, scheme, signaling);
  }
}

/**
 * Shaka Packager raw-key mode: `--enable_raw_key_encryption --keys label=…:key_id=…:key=…[:iv=…]` (the label
 * is the usage rule's track type, matched by the streams' `drm_label`; one key per label), `--protection_scheme`,
 * the key server's PSSH boxes concatenated in hex with `--pssh` (Shaka Packager writes them for every key),
 * and for FairPlay `--protection_systems FairPlay` with the key URI in `--hls_key_uri`, which serves every key.
 */
function shakaPackager(keys: PackagingKey[], scheme: string, signaling: (kid: string) => Signaling): string[] {
  const labelled = keys.flatMap((key) =>
    key.trackTypes.length === 0 ? [{ label: '', key }] : key.trackTypes.map((label) => ({ label, key })),
  );
  for (const { label } of labelled) {
    const sharing = labelled.filter((entry) => entry.label === label);
    if (sharing.length > 1) {
      const streams = label === '' ? 'streams without a drm_label' : `drm_label ${label}`;
      throw unsupported(
        `Shaka Packager picks a stream's key by its drm_label, and there are ${sharing.length} keys for ${streams} (${sharing.map((entry) => entry.key.kid).join(', ')}): select keys with --kid`,
      );
    }
  }
  const entries = labelled.map(({ label, key }) => {
    const fields = `key_id=${key.kidHex}:key=${key.keyHex}${key.ivHex ? `:iv=${key.ivHex}` : ''}`;
    return label === '' ? fields : `label=${label}:${fields}`;
  });
  const args = ['--enable_raw_key_encryption', '--keys', entries.join(','), '--protection_scheme', scheme];
  const boxes = [...new Set(keys.flatMap((key) => [...signaling(key.kid).pssh.values()].map(toHex)))];
  if (boxes.length > 0) args.push('--pssh', boxes.join(''));
  args.push(...shakaFairPlay(keys, signaling));
  return args;
}

/**
 * FairPlay for Shaka Packager: `--protection_systems FairPlay`, and the key URI. Its `--hls_key_uri` is one
 * URI for every key; without it Shaka Packager writes `skd://<base64 of the KID>` for each key, which is
 * right when that is the key server's URI for every key (PallyCon's form).
 */
function shakaFairPlay(keys: PackagingKey[], signaling: (kid: string) => Signaling): string[] {
  const uris = keys.map((key) => signaling(key.kid).fairPlayUri);
  if (uris.every((uri) => uri === undefined)) return [];
  if (uris.some((uri) => uri === undefined)) {
    throw unsupported(
      'Shaka Packager signals FairPlay for every key, and the document has a FairPlay key URI for only some of the keys: select keys with --kid',
    );
  }
  const distinct = [...new Set(uris)];
  if (distinct.length === 1) return ['--protection_systems', 'FairPlay', '--hls_key_uri', distinct[0]!];
  if (keys.every((key, index) => uris[index] === buildFairPlayUri({ form: 'kid-base64', kid: key.kid })))
    return ['--protection_systems', 'FairPlay'];
  throw unsupported(
    `Shaka Packager takes one --hls_key_uri for all keys, and the keys' FairPlay URIs differ (${distinct.join(', ')}): select one key with --kid and run the packager once per key`,
  );
}

/**
 * Unified Streaming mp4split, one key per DRM as in its documentation and Axinom's USP script:
 * `--widevine.key=KID:CEK --widevine.drm_specific_data=<Widevine PSSH data>`, `--iss.key=KID:CEK
 * --iss.drm_specific_data=<PlayReady Object>` (plus `--iss.license_server_url`), and for HLS
 * `--hls.key=:CEK --hls.key_iv=IV --hls.license_server_url=<skd:// or key URL>`.
 */
function mp4split(keys: PackagingKey[], scheme: string, signaling: (kid: string) => Signaling): string[] {
  if (keys.length > 1) {
    throw unsupported(
      `mp4split takes one key per DRM on its command line and the document has ${keys.length}: select one with --kid, or give mp4split the document itself (--mpd.cpix=<file>)`,
    );
  }
  const key = keys[0]!;
  const found = signaling(key.kid);
  const args: string[] = [];
  const widevine = found.pssh.get(WIDEVINE_SYSTEM_ID);
  if (widevine)
    args.push(
      `--widevine.key=${key.kidHex}:${key.keyHex}`,
      `--widevine.drm_specific_data=${toBase64(parsePsshBox(widevine).data)}`,
    );
  const playready = found.pssh.get(PLAYREADY_SYSTEM_ID);
  if (playready) {
    args.push(
      `--iss.key=${key.kidHex}:${key.keyHex}`,
      `--iss.drm_specific_data=${toBase64(parsePsshBox(playready).data)}`,
    );
    if (found.playReadyLaUrl !== undefined) args.push(`--iss.license_server_url=${found.playReadyLaUrl}`);
  }
  const hlsUri = found.fairPlayUri ?? found.aes128Uri;
  if (hlsUri !== undefined) {
    if (!key.ivHex)
      throw new CliError('ERR_CLI_INVALID_DOCUMENT', `content key ${key.kid} has no explicitIV, which HLS needs`);
    args.push(`--hls.key=:${key.keyHex}`, `--hls.key_iv=${key.ivHex}`, `--hls.license_server_url=${hlsUri}`);
    if (found.fairPlayUri !== undefined) args.push('--hls.playout=sample_aes_streamingkeydelivery');
  }
  if (args.length === 0) args.push(`--iss.key=${key.kidHex}:${key.keyHex}`);
  if (scheme !== 'cenc' && found.fairPlayUri === undefined) {
    throw new CliError(
      'ERR_CLI_INVALID_DOCUMENT',
      `mp4split takes the ${scheme} scheme from a CPIX document only: use --mpd.cpix=<file>`,
    );
  }
  return args;
}

/**
 * Bento4 mp4dash: `--encryption-key=[audio:|video:]KID:KEY[:IV]` (comma-separated; mp4dash gives every track
 * of a type the one key whose filter names that type), `--encryption-cenc-scheme`, `--widevine-header=#<Widevine
 * PSSH data>` (with `--hls`, the `provider:…#content_id:…` form mp4dash requires there),
 * `--playready-header=#<PlayReady Object>`, and for FairPlay `--hls --fairplay-key-uri=<skd://…>`. The headers
 * and the key URI are written into every file, so with several keys they must be the same for all of them.
 */
function bento4(keys: PackagingKey[], scheme: string, signaling: (kid: string) => Signaling): string[] {
  const filtered = keys.map((key) => ({ key, filter: mp4dashFilter(key) }));
  for (const type of ['video', 'audio'] as const) {
    const serving = filtered.filter(({ filter }) => filter === undefined || filter === type);
    if (serving.length > 1) {
      throw unsupported(
        `mp4dash encrypts all ${type} tracks with one key, and ${serving.length} keys are for ${type} (${serving.map(({ key }) => describeKey(key)).join(', ')}): select one key with --kid and run mp4dash once per key`,
      );
    }
  }
  const specs = filtered.map(
    ({ key, filter }) => `${filter ? `${filter}:` : ''}${key.kidHex}:${key.keyHex}${key.ivHex ? `:${key.ivHex}` : ''}`,
  );
  const args = [`--encryption-key=${specs.join(',')}`, `--encryption-cenc-scheme=${scheme}`];
  const found = keys.map((key) => signaling(key.kid));
  const payload = (systemId: string) =>
    found.map((s) => s.pssh.get(systemId)).map((box) => (box ? toBase64(parsePsshBox(box).data) : undefined));
  const fairPlayUri = oneForAll(
    found.map((s) => s.fairPlayUri),
    '--fairplay-key-uri',
    'FairPlay key URIs',
  );
  const hls = fairPlayUri !== undefined;
  if (hls && scheme !== 'cbcs')
    throw new CliError('ERR_CLI_INVALID_DOCUMENT', 'mp4dash --hls (FairPlay) needs the cbcs scheme');
  const widevine = oneForAll(payload(WIDEVINE_SYSTEM_ID), '--widevine-header', 'Widevine PSSH data');
  if (widevine !== undefined) {
    const header = hls ? widevineHeaderFields(Buffer.from(widevine, 'base64')) : `#${widevine}`;
    // With --hls, mp4dash takes only the name:value form, which cannot carry data without those fields.
    if (header !== undefined) args.push(`--widevine-header=${header}`);
  }
  const playready = oneForAll(payload(PLAYREADY_SYSTEM_ID), '--playready-header', 'PlayReady headers');
  if (playready !== undefined) args.push(`--playready-header=#${playready}`);
  if (hls) args.push('--hls', `--fairplay-key-uri=${fairPlayUri}`);
  return args;
}

/** mp4dash's track filter for a key: `audio` or `video` when its track types are all of one kind, else none (both). */
function mp4dashFilter(key: PackagingKey): 'audio' | 'video' | undefined {
  const types = new Set(key.trackTypes.map((type) => (/audio/i.test(type) ? 'audio' : 'video')));
  return types.size === 1 ? [...types][0] : undefined;
}

/** The one value an mp4dash option takes for every track: the same for every key, or none. */
function oneForAll(values: (string | undefined)[], option: string, what: string): string | undefined {
  const distinct = new Set(values);
  if (distinct.size > 1) {
    throw unsupported(
      `mp4dash takes one ${option} for all tracks, and the keys' ${what} differ: select one key with --kid and run mp4dash once per key`,
    );
  }
  return values[0];
}

function describeKey(key: PackagingKey): string {
  return key.trackTypes.length > 0 ? `${key.kid} (${key.trackTypes.join(', ')})` : key.kid;
}

/** mp4dash's `name:value#name:value` Widevine header (provider, content_id in hex, policy), when the data has them. */
function widevineHeaderFields(data: Uint8Array): string | undefined {
  const decoded = decodeWidevinePsshData(data);
  const fields = [
    decoded.provider !== undefined ? `provider:${decoded.provider}` : undefined,
    decoded.contentId !== undefined ? `content_id:${toHex(decoded.contentId)}` : undefined,
    decoded.policy !== undefined ? `policy:${decoded.policy}` : undefined,
  ].filter((field) => field !== undefined);
  return fields.length > 0 ? fields.join('#') : undefined;
}

/** One element of the JSON array nginx-vod-module's DRM upstream answers with (`vod_drm_upstream_location`). */
interface NginxVodDrmInfo {
  /** The content key, base64. */
  key: string;
  /** The KID's 16 bytes (RFC 4122 order), base64. */
  key_id: string;
  /** The IV, base64; the module uses it for FairPlay HLS. */
  iv?: string;
  /** Per DRM system, the PSSH box's data (the box payload, PallyCon's ContentProtectionData), base64. */
  pssh: { uuid: string; data: string }[];
}

/**
 * nginx-vod-module (`vod_drm_enabled on`) asks its DRM upstream (`vod_drm_upstream_location`,
 * `vod_drm_request_uri`) for each sequence and reads a one-element array: `key`, `key_id`, optional `iv`,
 * and `pssh` entries `{ uuid, data }` that it wraps into `pssh` boxes itself. One key per answer.
 */
function nginxVodDrmAnswer(keys: PackagingKey[], signaling: (kid: string) => Signaling): NginxVodDrmInfo[] {
  if (keys.length > 1) {
    throw unsupported(
      `nginx-vod-module takes one key per DRM upstream answer (one request per sequence, vod_drm_request_uri), and the document has ${keys.length}: select the key of each answer with --kid`,
    );
  }
  const key = keys[0]!;
  const pssh = [...signaling(key.kid).pssh].map(([uuid, box]) => ({ uuid, data: toBase64(parsePsshBox(box).data) }));
  return [
    {
      key: key.keyBase64,
      key_id: Buffer.from(key.kidHex, 'hex').toString('base64'),
      ...(key.ivBase64 ? { iv: key.ivBase64 } : {}),
      pssh,
    },
  ];
}

/**
 * ffmpeg: for an HLS AES-128 key, the HLS muxer's `-hls_enc 1 -hls_enc_key -hls_enc_key_url -hls_enc_iv`;
 * otherwise the MP4 muxer's common encryption, `-encryption_scheme cenc-aes-ctr -encryption_key
 * -encryption_kid` (one key, AES-CTR only; ffmpeg writes no PSSH box).
 */
function ffmpeg(keys: PackagingKey[], scheme: string, signaling: (kid: string) => Signaling): string[] {
  if (keys.length > 1) {
    throw unsupported(`ffmpeg encrypts with one key and the document has ${keys.length}: select one with --kid`);
  }
  const key = keys[0]!;
  const aes128 = signaling(key.kid).aes128Uri;
  if (aes128 !== undefined) {
    return [
      '-hls_enc',
      '1',
      '-hls_enc_key',
      key.keyHex,
      '-hls_enc_key_url',
      aes128,
      ...(key.ivHex ? ['-hls_enc_iv', key.ivHex] : []),
    ];
  }
  if (scheme !== 'cenc') {
    throw new CliError(
      'ERR_CLI_INVALID_DOCUMENT',
      `ffmpeg's MP4 muxer encrypts with cenc (AES-CTR) only, the key uses ${scheme}`,
    );
  }
  return ['-encryption_scheme', 'cenc-aes-ctr', '-encryption_key', key.keyHex, '-encryption_kid', key.kidHex];
}

function maskKeys(args: string[], keys: PackagingKey[]): string[] {
  return args.map((arg) => keys.reduce((masked, key) => masked.split(key.keyHex).join(HIDDEN), arg));
}

/** One line per option, its value on the same line, for a `\`-continued command. */
function commandLines(args: string[]): string[] {
  const lines: string[] = [];
  for (const [index, arg] of args.entries()) {
    const previous = args[index - 1];
    const isValue =
      !arg.startsWith('-') && previous !== undefined && previous.startsWith('-') && !previous.includes('=');
    if (isValue && lines.length > 0) lines[lines.length - 1] += ` ${shellQuote(arg)}`;
    else lines.push(shellQuote(arg));
  }
  return lines;
}

/** The argument as a POSIX shell word: bare when it is safe, else single-quoted. */
function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-][\w@%+=:,./#-]*$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
