import { KeyServiceError, oneLine } from './errors.js';
import type { KeyServiceAnswer, KeyServiceWarning } from './types.js';

/** An HTTP answer a front end (the fastify server, the Lambda) sends as is. */
export interface HttpAnswer {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}

/** The response header that lists the codes of an answer's warnings (see {@link warningCodes}). */
export const WARNINGS_HEADER = 'x-cpixkit-warnings';

/**
 * The distinct codes of an answer's warnings, in the order they first occur: what the
 * `X-Cpixkit-Warnings` header lists and what the front ends log.
 */
export function warningCodes(warnings: readonly KeyServiceWarning[]): string[] {
  return [...new Set(warnings.map((warning) => warning.code))];
}

/**
 * How every cpixkit front end sends the engine's answer to a key exchange: 200, the engine's
 * headers, `Cache-Control: no-store` (the body carries content keys) and, when the request was
 * read past something (an empty placeholder removed, a value read leniently), `X-Cpixkit-Warnings`
 * with the warning codes, comma-separated.
 */
export function keyExchangeAnswer(answer: KeyServiceAnswer): HttpAnswer {
  const headers: Record<string, string> = { 'cache-control': 'no-store', ...answer.headers };
  if (answer.warnings.length > 0) headers[WARNINGS_HEADER] = warningCodes(answer.warnings).join(', ');
  return { status: 200, headers, body: answer.body };
}

/** The answer to a key-delivery request: the 16 raw key bytes, never cached. */
export interface KeyDeliveryAnswer {
  status: 200;
  headers: Record<string, string>;
  body: Uint8Array;
}

/**
 * The answer to a verified key-delivery URL (`KeyService.deliverKey`), as the Lambda sends it; the
 * server's `/keys` route sets the same headers on its own reply.
 */
export function keyDeliveryAnswer(key: Uint8Array): KeyDeliveryAnswer {
  return {
    status: 200,
    headers: { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' },
    body: key,
  };
}

/** Why a request is refused: an HTTP status, a stable code and a one-line reason safe to show. */
export interface Refusal {
  status: number;
  code: string;
  message: string;
}

/** Seconds a client is asked to wait (`Retry-After`) before retrying a 503. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * How every cpixkit front end answers a refusal: its status, a `text/plain` body
 * `CODE: reason` (SPEKE clients log the body as text), the code again in `X-Cpixkit-Error`, and
 * `Retry-After` on 503. The reason is folded onto one line and cut at 300 characters.
 */
export function refusalAnswer(refusal: Refusal): HttpAnswer {
  return {
    status: refusal.status,
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'x-cpixkit-error': refusal.code,
      ...(refusal.status === 503 ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : {}),
    },
    body: `${refusal.code}: ${oneLine(refusal.message)}\n`,
  };
}

/** The refusal a {@link KeyServiceError} stands for; `undefined` for any other error. */
export function refusalOf(error: unknown): Refusal | undefined {
  if (!(error instanceof KeyServiceError)) return undefined;
  return { status: error.status, code: error.code, message: error.message };
}

/** The refusal of a request no route matches (404). */
export function noSuchRoute(): KeyServiceError {
  return new KeyServiceError('ERR_KEY_SERVICE_NOT_FOUND', 404, 'no such route');
}

/** The refusal of a request body over the front end's limit (413). */
export function bodyTooLarge(): KeyServiceError {
  return new KeyServiceError(
    'ERR_KEY_SERVICE_BODY_TOO_LARGE',
    413,
    'the request body is larger than the server accepts',
  );
}
