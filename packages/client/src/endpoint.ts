import { CpixClientError } from './errors.js';
import type { PreparedKeyRequest } from './request.js';

/** AWS SigV4 signing for key servers behind Amazon API Gateway (IAM authorization). */
export interface SigV4Auth {
  type: 'aws-sigv4';
  /** Default `AWS_ACCESS_KEY_ID`. */
  accessKeyId?: string;
  /** Default `AWS_SECRET_ACCESS_KEY`. */
  secretAccessKey?: string;
  /** Default `AWS_SESSION_TOKEN` (temporary credentials). */
  sessionToken?: string;
  /** Default `AWS_REGION`, then `AWS_DEFAULT_REGION`, then the region in an `execute-api` host name. */
  region?: string;
  /** Default `execute-api`. */
  service?: string;
}

/**
 * How the client authenticates:
 * - `bearer`: `Authorization: Bearer <token>`.
 * - `basic`: `Authorization: Basic` (Axinom-style `/Speke` endpoints, our server's `tenant:token`).
 * - `enc-token`: a PallyCon KMS token — replaces `{enc-token}` in the URL, else becomes the last path
 *   segment (`pallycon-v1`, `pallycon-v2`), the `{encToken}` segment (`anevia`) or the `enc-token` query parameter (SPEKE).
 * - `aws-sigv4`: signs each attempt with AWS Signature Version 4.
 */
export type ClientAuth =
  | { type: 'bearer'; token: string }
  | { type: 'basic'; username: string; password: string }
  | { type: 'enc-token'; token: string }
  | SigV4Auth;

/** What is sent, before any signing. */
export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

const TOKEN_PLACEHOLDERS = ['{enc-token}', '{encToken}'];
const CONTENT_ID_PLACEHOLDERS = ['{contentId}', '{cid}'];
const FORMAT_PLACEHOLDERS = ['{format}', '{streamingFormat}'];

function hasPlaceholder(template: string, placeholders: readonly string[]): boolean {
  return placeholders.some((placeholder) => template.includes(placeholder));
}

function fill(template: string, placeholders: readonly string[], value: string): string {
  return placeholders.reduce((text, placeholder) => text.replaceAll(placeholder, value), template);
}

function invalid(message: string): CpixClientError {
  return new CpixClientError('ERR_CLIENT_INVALID_OPTION', message);
}

function nonEmpty(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw invalid(`${what} must be a non-empty string`);
  return value;
}

/** Checks an auth option's shape; the values are never echoed. */
export function checkAuth(auth: ClientAuth | undefined): void {
  if (auth === undefined) return;
  if (auth === null || typeof auth !== 'object') throw invalid('auth must be an object');
  switch (auth.type) {
    case 'bearer':
    case 'enc-token':
      nonEmpty(auth.token, `the ${auth.type} token`);
      if (/[\r\n]/.test(auth.token)) throw invalid(`the ${auth.type} token must be one line`);
      return;
    case 'basic':
      nonEmpty(auth.username, 'the Basic username');
      if (auth.username.includes(':')) throw invalid('the Basic username must not contain a colon');
      if (typeof auth.password !== 'string') throw invalid('the Basic password must be a string');
      return;
    case 'aws-sigv4':
      return;
    default:
      throw invalid(`unknown auth type ${JSON.stringify(String((auth as { type?: unknown }).type).slice(0, 32))}`);
  }
}

/** The secret values an auth option holds, to redact from anything the key server echoes back. */
export function secretsOf(auth: ClientAuth | undefined): string[] {
  if (auth === undefined) return [];
  switch (auth.type) {
    case 'bearer':
    case 'enc-token':
      return [auth.token, encodeURIComponent(auth.token)];
    case 'basic':
      return [auth.password, Buffer.from(`${auth.username}:${auth.password}`).toString('base64')].filter(
        (s) => s !== '',
      );
    case 'aws-sigv4':
      return [auth.secretAccessKey, auth.sessionToken].filter((s): s is string => typeof s === 'string' && s !== '');
  }
}

function withPath(url: URL, ...segments: string[]): void {
  const base = url.pathname.replace(/\/+$/, '');
  url.pathname = `${base}/${segments.map(encodeURIComponent).join('/')}`;
}

/**
 * The HTTP request for a prepared key request: the URL (placeholders `{enc-token}`, `{contentId}`,
 * `{format}` filled in, or the dialect's token placement), and the headers: content type, SPEKE v2
 * version header, Basic/Bearer credentials, then the caller's own headers.
 */
export function httpRequestOf(
  baseUrl: string,
  prepared: PreparedKeyRequest,
  auth: ClientAuth | undefined,
  extraHeaders: Record<string, string> = {},
): HttpRequest {
  checkAuth(auth);
  const token = auth?.type === 'enc-token' ? auth.token : undefined;
  let template = baseUrl;
  if (typeof template !== 'string') throw invalid('url must be a string');
  const hasTokenPlaceholder = hasPlaceholder(template, TOKEN_PLACEHOLDERS);
  const hasContentId = hasPlaceholder(template, CONTENT_ID_PLACEHOLDERS);
  const hasFormat = hasPlaceholder(template, FORMAT_PLACEHOLDERS);
  if (hasTokenPlaceholder) {
    if (token === undefined) throw invalid('the URL has an {enc-token} placeholder but auth is not an enc-token');
    template = fill(template, TOKEN_PLACEHOLDERS, encodeURIComponent(token));
  }
  template = fill(template, CONTENT_ID_PLACEHOLDERS, encodeURIComponent(prepared.contentId));
  if (hasFormat) {
    if (prepared.format === undefined) throw invalid('the {format} placeholder applies to the anevia dialect only');
    template = fill(template, FORMAT_PLACEHOLDERS, prepared.format);
  }

  let url: URL;
  try {
    url = new URL(template);
  } catch (cause) {
    throw new CpixClientError('ERR_CLIENT_INVALID_OPTION', 'url is not an absolute URL', { cause });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('url must be http: or https:');

  if (prepared.dialect === 'anevia') {
    if (!hasTokenPlaceholder && !hasFormat && !hasContentId) {
      if (token === undefined)
        throw invalid('the anevia dialect needs an enc-token (auth) or a URL with the token in it');
      withPath(url, prepared.format!, token, prepared.contentId);
    } else if (!hasContentId) {
      throw invalid('an anevia URL with placeholders must have {contentId}');
    }
  } else if (token !== undefined && !hasTokenPlaceholder) {
    if (prepared.dialect === 'pallycon-v1' || prepared.dialect === 'pallycon-v2') withPath(url, token);
    else url.searchParams.set('enc-token', token);
  }

  const headers: Record<string, string> = { accept: 'application/xml, text/xml;q=0.9, */*;q=0.1' };
  if (prepared.method === 'POST') headers['content-type'] = 'application/xml; charset=utf-8';
  if (prepared.dialect === 'speke-v2') headers['x-speke-version'] = '2.0';
  if (auth?.type === 'bearer') headers.authorization = `Bearer ${auth.token}`;
  if (auth?.type === 'basic') {
    headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  }
  for (const [name, value] of Object.entries(extraHeaders)) {
    if (typeof value !== 'string' || /[\r\n]/.test(value)) throw invalid(`header ${name} must be a one-line string`);
    headers[name.toLowerCase()] = value;
  }
  return {
    method: prepared.method,
    url: url.toString(),
    headers,
    ...(prepared.body !== undefined ? { body: prepared.body } : {}),
  };
}

/** A URL safe to show: its origin only, since paths and queries may hold tokens. */
export function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'the key server';
  }
}
