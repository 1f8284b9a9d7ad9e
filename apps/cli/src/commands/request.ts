import { writeFileSync } from 'node:fs';
import {
  type ClientAuth,
  CpixClient,
  CpixClientError,
  type CpixDialect,
  type ContentKeysResult,
  type EncryptionScheme,
  toPallyConJson,
} from '@cpixkit/client';
import { serializeCpix } from '@cpixkit/cpix-model';
import { normalizeUuid } from '@cpixkit/pssh';
import { privateKeyInput } from '../credentials.js';
import { writeVersionOf } from '../cpix-document.js';
import { CliError, EXIT, type ExitCode } from '../errors.js';
import { HIDDEN, readFile, readSecret, writeJson, writeResult } from '../io.js';
import { stdoutStyle } from '../style.js';
import { formatTable } from '../table.js';
import { parseIndex } from '../values.js';

/** Options of `cpixkit request`. */
export interface RequestOptions {
  url: string;
  contentId: string;
  dialect: CpixDialect;
  drm?: string[];
  scheme?: EncryptionScheme;
  trackTypes?: string[];
  period?: string[];
  kid?: string[];
  token?: string;
  user?: string;
  sigv4?: boolean;
  header?: string[];
  ca?: string;
  recipientCert?: string;
  privateKey?: string;
  pkcs12?: string;
  password?: string;
  timeout?: string;
  out?: string;
  json?: boolean;
  format?: 'pallycon';
  showKeys?: boolean;
}

/** Client errors that mean the key server could not be reached or said no: the command failed (3). */
const FAILURES = new Set([
  'ERR_CLIENT_SIGV4_CONFIG',
  'ERR_CLIENT_HTTP_STATUS',
  'ERR_CLIENT_NETWORK',
  'ERR_CLIENT_TLS',
  'ERR_CLIENT_TIMEOUT',
  'ERR_CLIENT_ABORTED',
  'ERR_CLIENT_VENDOR_ERROR',
]);

/**
 * `cpixkit request`: asks a key server for content keys in one of the client's dialects and prints the
 * keys and their signalling (keys `****` unless `--show-keys`): a table, `--json` (the client's result),
 * or `--format pallycon` (PallyCon's client JSON). `--out` saves the CPIX answer.
 */
export async function request(options: RequestOptions): Promise<void> {
  const drmSystems = options.drm ?? [];
  if (drmSystems.length === 0)
    throw new CliError('ERR_CLI_USAGE', 'give --drm, e.g. --drm widevine,playready,fairplay');
  const client = new CpixClient({
    url: options.url,
    dialect: options.dialect,
    ...authOf(options),
    ...(options.header !== undefined && { headers: headersOf(options.header) }),
    ...(options.ca !== undefined && { tls: { ca: readFile(options.ca).bytes } }),
    ...(options.timeout !== undefined && { timeoutMs: parseIndex(options.timeout, '--timeout') }),
    ...((options.privateKey !== undefined || options.pkcs12 !== undefined) && { privateKey: privateKeyInput(options) }),
  });
  let result: ContentKeysResult;
  try {
    result = await client.requestKeys({
      contentId: options.contentId,
      drmSystems,
      ...(options.scheme !== undefined && { scheme: options.scheme }),
      ...(options.trackTypes !== undefined && { tracks: options.trackTypes }),
      ...(options.period !== undefined && { periods: options.period.map((index) => parseIndex(index, '--period')) }),
      ...(options.kid !== undefined && { kids: options.kid.map(normalizeUuid) }),
      ...(options.recipientCert !== undefined && {
        recipientCertificate: Uint8Array.from(readFile(options.recipientCert).bytes),
      }),
    });
  } catch (error) {
    throw asCliError(error);
  } finally {
    await client.close();
  }

  if (options.out !== undefined) {
    writeFileSync(
      options.out,
      serializeCpix(result.document, { version: writeVersionOf(result.document), unrepresentable: 'keep' }),
    );
  }
  const show = options.showKeys === true;
  if (options.format === 'pallycon') {
    const json = toPallyConJson(result);
    writeJson(
      show
        ? json
        : {
            ...json,
            content_key_list: json.content_key_list.map((key) => ({ ...key, key_hex: HIDDEN, key_b64: HIDDEN })),
          },
    );
  } else if (options.json) {
    const { document: _document, ...rest } = result;
    writeJson(
      show ? rest : { ...rest, keys: rest.keys.map((key) => ({ ...key, key: { hex: HIDDEN, base64: HIDDEN } })) },
    );
  } else {
    writeResult(render(result, show));
  }
}

function authOf(options: RequestOptions): { auth?: ClientAuth } {
  const given = [options.token !== undefined, options.user !== undefined, options.sigv4 === true].filter(
    Boolean,
  ).length;
  if (given > 1) throw new CliError('ERR_CLI_USAGE', 'give only one of --token, --user, --sigv4');
  if (options.sigv4) return { auth: { type: 'aws-sigv4' } };
  if (options.user !== undefined) {
    const credentials = readSecret(options.user, '--user');
    const colon = credentials.indexOf(':');
    if (colon < 0) throw new CliError('ERR_CLI_USAGE', '--user takes user:password');
    return { auth: { type: 'basic', username: credentials.slice(0, colon), password: credentials.slice(colon + 1) } };
  }
  if (options.token !== undefined) {
    const token = readSecret(options.token, '--token');
    // PallyCon and ATEME carry their KMS token in the URL; SPEKE servers take a bearer token.
    const type =
      options.dialect === 'pallycon-v1' || options.dialect === 'pallycon-v2' || options.dialect === 'anevia'
        ? 'enc-token'
        : 'bearer';
    return { auth: { type, token } };
  }
  return {};
}

function headersOf(headers: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const header of headers) {
    const colon = header.indexOf(':');
    if (colon <= 0)
      throw new CliError('ERR_CLI_USAGE', `--header takes "Name: value", got ${JSON.stringify(header.slice(0, 40))}`);
    out[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
  }
  return out;
}

function asCliError(error: unknown): unknown {
  if (!(error instanceof CpixClientError)) return error;
  const exitCode: ExitCode =
    error.code === 'ERR_CLIENT_INVALID_OPTION'
      ? EXIT.USAGE
      : FAILURES.has(error.code)
        ? EXIT.FAILED
        : EXIT.INVALID_INPUT;
  const server = [
    error.status !== undefined ? `HTTP ${error.status}` : undefined,
    error.serverCode,
    error.serverMessage,
  ].filter(Boolean);
  const detail =
    server.length > 0 && !error.message.includes(error.serverMessage ?? '\u0000')
      ? ` (server: ${server.join(', ')})`
      : '';
  return new CliError(error.code, `${error.message}${detail}`, { exitCode, cause: error });
}

function render(result: ContentKeysResult, show: boolean): string {
  const style = stdoutStyle();
  const head = [`content ${result.contentId}`, `dialect ${result.dialect}`];
  if (result.spekeVersion) head.push(`SPEKE ${result.spekeVersion}`);
  if (result.serverUserAgent) head.push(`server ${result.serverUserAgent}`);
  const rows = result.keys.map((key) => [
    key.kid.uuid,
    key.trackType ?? '-',
    key.period?.index === undefined ? '-' : String(key.period.index),
    show ? key.key.hex : HIDDEN,
    key.iv?.hex ?? '-',
    key.drm.map((drm) => drm.name).join(', ') || '-',
  ]);
  const lines = [
    style.bold(head.join('  ·  ')),
    '',
    formatTable([['KID', 'TRACK TYPE', 'PERIOD', 'KEY', 'IV', 'DRM'], ...rows], style.dim),
  ];
  for (const key of result.keys) {
    for (const drm of key.drm) {
      const parts: Array<[string, string | undefined]> = [
        ['PSSH', drm.pssh],
        ['HLS media', drm.hlsMediaLine],
        ['HLS master', drm.hlsMasterLine],
        ['Key URI', drm.hlsMediaLine === undefined ? drm.keyUri : undefined],
        ['Licence URL', drm.licenseUrl],
      ];
      const present = parts.filter((part): part is [string, string] => part[1] !== undefined);
      if (present.length === 0) continue;
      lines.push(
        '',
        style.bold(`${key.kid.uuid} ${drm.name}`),
        ...present.map(([name, value]) => `  ${name}: ${value}`),
      );
    }
  }
  if (result.warnings.length > 0) {
    lines.push('', style.bold(`Warnings (${result.warnings.length})`));
    for (const warning of result.warnings)
      lines.push(`  ${style.yellow(warning.code)}  ${warning.path}: ${warning.message}`);
  }
  return lines.join('\n');
}
