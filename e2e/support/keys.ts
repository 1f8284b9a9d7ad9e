import { normalizeUuid } from '@cpixkit/pssh';
import { cpixkitJson } from './cli.js';
import { E2eError } from './errors.js';

/** A key server and the tenant token to call it with. */
export interface KeyServerEndpoint {
  origin: string;
  token: string;
}

/** What to ask for: a content id, DRM systems by name, optionally the KIDs (SPEKE v2 keeps the client's). */
export interface KeyRequestOptions {
  contentId: string;
  drm: string[];
  kids?: string[];
}

/** The one content key of an answer, with the signalling these tests use. */
export interface IssuedKey {
  kid: string;
  key: Buffer;
  /** The explicit IV (AES-128 HLS). */
  iv?: Buffer;
  /** The AES-128 key URL (the URI of the AES-128 system's HLS key line). */
  keyUri?: string;
  /** The whole `pssh` box per DRM system id (lower-case UUID). */
  pssh: Map<string, Uint8Array>;
  /** The `ContentProtectionData` XML fragment per DRM system id. */
  contentProtectionData: Map<string, string>;
  /** The ClearKey licence URL (the `dashif:Laurl` of its `ContentProtectionData`). */
  licenseUrl?: string;
}

/** The `--json` output of `cpixkit request` (the client's result), as far as these tests read it. */
interface RequestJson {
  keys: {
    kid: { uuid: string };
    key: { hex: string };
    iv?: { hex: string };
    drm: { systemId: string; pssh?: string; keyUri?: string; contentProtectionData?: string; licenseUrl?: string }[];
  }[];
}

/** The SPEKE v2 endpoint of the key server. */
const SPEKE_V2_PATH = '/speke/v2.0/copyProtection';

/**
 * Asks the key server for one content key with `cpixkit request --dialect speke-v2 --json --show-keys`, as a
 * user would. The token goes through the environment (`--token env:NAME`), so it never appears on a command line.
 */
export async function requestKeys(endpoint: KeyServerEndpoint, options: KeyRequestOptions): Promise<IssuedKey> {
  const args = [
    'request',
    ...['--url', `${endpoint.origin}${SPEKE_V2_PATH}`, '--token', 'env:CPIXKIT_E2E_TOKEN'],
    ...['--dialect', 'speke-v2', '--content-id', options.contentId, '--drm', options.drm.join(',')],
    ...(options.kids ?? []).flatMap((kid) => ['--kid', kid]),
    '--show-keys',
  ];
  const answer = await cpixkitJson<RequestJson>(args, { CPIXKIT_E2E_TOKEN: endpoint.token });
  if (answer.keys.length !== 1) {
    throw new E2eError('ERR_E2E_PROCESS_FAILED', `cpixkit request answered ${answer.keys.length} keys, expected 1`);
  }
  const content = answer.keys[0]!;
  const pssh = new Map<string, Uint8Array>();
  const contentProtectionData = new Map<string, string>();
  for (const system of content.drm) {
    if (system.pssh !== undefined) pssh.set(normalizeUuid(system.systemId), Buffer.from(system.pssh, 'base64'));
    if (system.contentProtectionData !== undefined) {
      contentProtectionData.set(
        normalizeUuid(system.systemId),
        Buffer.from(system.contentProtectionData, 'base64').toString('utf8'),
      );
    }
  }
  const keyUri = content.drm.find((system) => system.keyUri !== undefined)?.keyUri;
  const licenseUrl = content.drm.find((system) => system.licenseUrl !== undefined)?.licenseUrl;
  return {
    kid: normalizeUuid(content.kid.uuid),
    key: Buffer.from(content.key.hex, 'hex'),
    ...(content.iv !== undefined && { iv: Buffer.from(content.iv.hex, 'hex') }),
    ...(keyUri !== undefined && { keyUri }),
    ...(licenseUrl !== undefined && { licenseUrl }),
    pssh,
    contentProtectionData,
  };
}
