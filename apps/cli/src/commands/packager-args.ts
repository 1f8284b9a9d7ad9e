import { type CpixDocument, decryptContentKeys, type DrmSystem, parseCpix } from '@cpixkit/cpix-model';
import { parseHlsKeyLine } from '@cpixkit/hls-signaling';
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
import { parseKid, toBase64, toHex } from '../values.js';

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
  ivHex: string | undefined;
  /** The `intendedTrackType`s of the usage rules that point at the key. */
  trackTypes: string[];
}

/** What the document says about one key's DRM systems. */
interface Signalling {
  /** Whole `pssh` boxes, by system id. */
  pssh: Map<string, Uint8Array>;
  fairPlayUri: string | undefined;
  aes128Uri: string | undefined;
  playReadyLaUrl: string | undefined;
}

/**
 * `cpixkit packager-args --for <packager> <file>`: the arguments a packager takes to encrypt with the keys
 * of a CPIX response (raw keys, PSSH, IVs, key URIs), ready to paste. Encrypted keys are opened with
 * `--private-key`/`--pkcs12`. Keys are `****` unless `--show-keys`.
 */
export async function packagerArgs(argument: string, options: PackagerArgsOptions): Promise<void> {
  const input = await readCpixInput(argument);
  let { document } = parseCpix(input.xml);
  if (options.privateKey !== undefined || options.pkcs12 !== undefined) {
    document = await decryptContentKeys(document, { privateKey: privateKeyInput(options) });
  }
  const keys = selectKeys(document, options.kid);
  const scheme = options.scheme ?? schemeOf(document, keys);
  const args = build(options.for, keys, scheme, (kid) => signallingOf(document, kid));
  const shown = options.showKeys ? args : maskKeys(args, keys);
  if (options.json) writeJson({ packager: options.for, scheme, args: shown });
  else writeResult(commandLines(shown).join(' \\\n  '));
}

function selectKeys(document: CpixDocument, only: string[] | undefined): PackagingKey[] {
  const wanted = only?.map(parseKid);
  const rules = document.contentKeyUsageRuleList?.contentKeyUsageRules ?? [];
  const keys: PackagingKey[] = [];
  for (const key of document.contentKeyList?.contentKeys ?? []) {
    const kid = normalizeUuid(key.kid);
    if (wanted && !wanted.includes(kid)) continue;
    const secret = key.data?.secret;
    if (!secret?.plainValue) {
      const reason = secret?.encryptedValue ? 'is encrypted: give --private-key or --pkcs12' : 'has no value (a request, not a response?)';
      throw new CliError('ERR_CLI_INVALID_DOCUMENT', `content key ${kid} ${reason}`);
    }
    const trackTypes = [
      ...new Set(rules.filter((rule) => normalizeUuid(rule.kid) === kid).flatMap((rule) => (rule.intendedTrackType ? [rule.intendedTrackType] : []))),
    ];
    keys.push({
      kid,
      kidHex: kid.replace(/-/g, ''),
      keyHex: toHex(secret.plainValue),
      ivHex: key.explicitIV ? toHex(key.explicitIV) : undefined,
      trackTypes,
    });
  }
  if (keys.length === 0) {
    throw new CliError('ERR_CLI_INVALID_DOCUMENT', wanted ? 'no content key with the KIDs given by --kid' : 'the document has no content key');
  }
  return keys;
}

function schemeOf(document: CpixDocument, keys: PackagingKey[]): string {
  const schemes = new Set(
    (document.contentKeyList?.contentKeys ?? [])
      .filter((key) => keys.some((k) => k.kid === normalizeUuid(key.kid)))
      .map((key) => key.commonEncryptionScheme ?? 'cenc'),
  );
  if (schemes.size > 1) throw new CliError('ERR_CLI_INVALID_DOCUMENT', `the keys use several schemes (${[...schemes].join(', ')}); select keys with --kid`);
  return [...schemes][0] ?? 'cenc';
}

function signallingOf(document: CpixDocument, kid: string): Signalling {
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

function build(packager: Packager, keys: PackagingKey[], scheme: string, signalling: (kid: string) => Signalling): string[] {
  switch (packager) {
    case 'shaka-packager':
      return shakaPackager(keys, scheme, signalling);
    case 'mp4split':
      return mp4split(keys, scheme, signalling);
    case 'bento4':
      return bento4(keys, scheme, signalling);
    case 'ffmpeg':
      return ffmpeg(keys, scheme, signalling);
  }
}

/**
 * Shaka Packager raw-key mode: `--enable_raw_key_encryption --keys label=…:key_id=…:key=…[:iv=…]` (the label
 * is the usage rule's track type, matched by the streams' `drm_label`), `--protection_scheme`, the key
 * server's PSSH boxes concatenated in hex with `--pssh`, and `--hls_key_uri` for FairPlay.
 */
function shakaPackager(keys: PackagingKey[], scheme: string, signalling: (kid: string) => Signalling): string[] {
  const entries = keys.flatMap((key) => {
    const fields = `key_id=${key.kidHex}:key=${key.keyHex}${key.ivHex ? `:iv=${key.ivHex}` : ''}`;
    return key.trackTypes.length === 0 ? [fields] : key.trackTypes.map((label) => `label=${label}:${fields}`);
  });
  const args = ['--enable_raw_key_encryption', '--keys', entries.join(','), '--protection_scheme', scheme];
  const boxes = keys.flatMap((key) => [...signalling(key.kid).pssh.values()]);
  if (boxes.length > 0) args.push('--pssh', boxes.map(toHex).join(''));
  const fairPlay = keys.map((key) => signalling(key.kid).fairPlayUri).find((uri) => uri !== undefined);
  if (fairPlay !== undefined) args.push('--hls_key_uri', fairPlay);
  return args;
}

/**
 * Unified Streaming mp4split, one key per DRM as in its documentation and Axinom's USP script:
 * `--widevine.key=KID:CEK --widevine.drm_specific_data=<Widevine PSSH data>`, `--iss.key=KID:CEK
 * --iss.drm_specific_data=<PlayReady Object>` (plus `--iss.license_server_url`), and for HLS
 * `--hls.key=:CEK --hls.key_iv=IV --hls.license_server_url=<skd:// or key URL>`.
 */
function mp4split(keys: PackagingKey[], scheme: string, signalling: (kid: string) => Signalling): string[] {
  if (keys.length > 1) {
    throw new CliError(
      'ERR_CLI_INVALID_DOCUMENT',
      `mp4split takes one key per DRM on its command line and the document has ${keys.length}: select one with --kid, or give mp4split the document itself (--mpd.cpix=<file>)`,
    );
  }
  const key = keys[0]!;
  const found = signalling(key.kid);
  const args: string[] = [];
  const widevine = found.pssh.get(WIDEVINE_SYSTEM_ID);
  if (widevine) args.push(`--widevine.key=${key.kidHex}:${key.keyHex}`, `--widevine.drm_specific_data=${toBase64(parsePsshBox(widevine).data)}`);
  const playready = found.pssh.get(PLAYREADY_SYSTEM_ID);
  if (playready) {
    args.push(`--iss.key=${key.kidHex}:${key.keyHex}`, `--iss.drm_specific_data=${toBase64(parsePsshBox(playready).data)}`);
    if (found.playReadyLaUrl !== undefined) args.push(`--iss.license_server_url=${found.playReadyLaUrl}`);
  }
  const hlsUri = found.fairPlayUri ?? found.aes128Uri;
  if (hlsUri !== undefined) {
    if (!key.ivHex) throw new CliError('ERR_CLI_INVALID_DOCUMENT', `content key ${key.kid} has no explicitIV, which HLS needs`);
    args.push(`--hls.key=:${key.keyHex}`, `--hls.key_iv=${key.ivHex}`, `--hls.license_server_url=${hlsUri}`);
    if (found.fairPlayUri !== undefined) args.push('--hls.playout=sample_aes_streamingkeydelivery');
  }
  if (args.length === 0) args.push(`--iss.key=${key.kidHex}:${key.keyHex}`);
  if (scheme !== 'cenc' && found.fairPlayUri === undefined) {
    throw new CliError('ERR_CLI_INVALID_DOCUMENT', `mp4split takes the ${scheme} scheme from a CPIX document only: use --mpd.cpix=<file>`);
  }
  return args;
}

/**
 * Bento4 mp4dash: `--encryption-key=[audio:|video:]KID:KEY[:IV]` (comma-separated), `--encryption-cenc-scheme`,
 * `--widevine-header=#<Widevine PSSH data>` (with `--hls`, the `provider:…#content_id:…` form mp4dash requires
 * there), `--playready-header=#<PlayReady Object>`, and for FairPlay `--hls --fairplay-key-uri=<skd://…>`.
 */
function bento4(keys: PackagingKey[], scheme: string, signalling: (kid: string) => Signalling): string[] {
  const specs = keys.flatMap((key) => {
    const spec = `${key.kidHex}:${key.keyHex}${key.ivHex ? `:${key.ivHex}` : ''}`;
    const filters = [...new Set(key.trackTypes.map((type) => (/audio/i.test(type) ? 'audio' : 'video')))];
    return filters.length === 0 || filters.length === 2 ? [spec] : [`${filters[0]}:${spec}`];
  });
  const args = [`--encryption-key=${specs.join(',')}`, `--encryption-cenc-scheme=${scheme}`];
  const first = signalling(keys[0]!.kid);
  const hls = first.fairPlayUri !== undefined;
  if (hls && scheme !== 'cbcs') throw new CliError('ERR_CLI_INVALID_DOCUMENT', 'mp4dash --hls (FairPlay) needs the cbcs scheme');
  const widevine = first.pssh.get(WIDEVINE_SYSTEM_ID);
  if (widevine) {
    const data = parsePsshBox(widevine).data;
    const header = hls ? widevineHeaderFields(data) : `#${toBase64(data)}`;
    // With --hls, mp4dash takes only the name:value form, which cannot carry data without those fields.
    if (header !== undefined) args.push(`--widevine-header=${header}`);
  }
  const playready = first.pssh.get(PLAYREADY_SYSTEM_ID);
  if (playready) args.push(`--playready-header=#${toBase64(parsePsshBox(playready).data)}`);
  if (hls) args.push('--hls', `--fairplay-key-uri=${first.fairPlayUri}`);
  return args;
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

/**
 * ffmpeg: for an HLS AES-128 key, the HLS muxer's `-hls_enc 1 -hls_enc_key -hls_enc_key_url -hls_enc_iv`;
 * otherwise the MP4 muxer's common encryption, `-encryption_scheme cenc-aes-ctr -encryption_key
 * -encryption_kid` (one key, AES-CTR only; ffmpeg writes no PSSH box).
 */
function ffmpeg(keys: PackagingKey[], scheme: string, signalling: (kid: string) => Signalling): string[] {
  if (keys.length > 1) {
    throw new CliError('ERR_CLI_INVALID_DOCUMENT', `ffmpeg encrypts with one key and the document has ${keys.length}: select one with --kid`);
  }
  const key = keys[0]!;
  const aes128 = signalling(key.kid).aes128Uri;
  if (aes128 !== undefined) {
    return ['-hls_enc', '1', '-hls_enc_key', key.keyHex, '-hls_enc_key_url', aes128, ...(key.ivHex ? ['-hls_enc_iv', key.ivHex] : [])];
  }
  if (scheme !== 'cenc') {
    throw new CliError('ERR_CLI_INVALID_DOCUMENT', `ffmpeg's MP4 muxer encrypts with cenc (AES-CTR) only, the key uses ${scheme}`);
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
    const isValue = !arg.startsWith('-') && previous !== undefined && previous.startsWith('-') && !previous.includes('=');
    if (isValue && lines.length > 0) lines[lines.length - 1] += ` ${shellQuote(arg)}`;
    else lines.push(shellQuote(arg));
  }
  return lines;
}

/** The argument as a POSIX shell word: bare when it is safe, else single-quoted. */
function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-][\w@%+=:,./#-]*$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
