import { setTimeout as sleep } from 'node:timers/promises';
import { type Dispatcher, fetch as undiciFetch } from 'undici';
import { type HttpRequest, safeOrigin } from './endpoint.js';
import { CpixClientError, type CpixClientErrorCode } from './errors.js';
import { redact, serverMessageOf } from './server-message.js';

/** Bounded retries with exponential backoff and jitter, on 5xx answers, network errors and timeouts (never on 4xx). */
export interface RetryOptions {
  /** Retries after the first attempt. Default 2 (three attempts in all). */
  retries?: number;
  /** Delay before the first retry; doubled for each further retry. Default 200 ms. */
  baseDelayMs?: number;
  /** Longest delay between attempts, also the cap on a server's `Retry-After`. Default 5000 ms. */
  maxDelayMs?: number;
}

/** How requests are sent. */
export interface TransportOptions {
  /** Time allowed for each attempt, answer body included. Default 30000 ms. */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** Aborts the whole exchange, retries and waits included. */
  signal?: AbortSignal;
  /** The undici dispatcher passed to `fetch` (custom CA, client certificate, proxy...). */
  dispatcher?: Dispatcher;
  /** The fetch to use; default the global `fetch`, or undici's own with a `dispatcher`. */
  fetch?: typeof globalThis.fetch;
  /** Largest answer accepted, in bytes. Default 16 MiB. */
  maxResponseBytes?: number;
  /** Values to blank out of anything the server echoes into an error (tokens, passwords). */
  secrets?: readonly string[];
  /** Signs each attempt (SigV4); called again on every retry. */
  sign?: (request: HttpRequest) => Promise<HttpRequest>;
}

/** A successful (2xx) answer. */
export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
  /** Attempts made, this one included. */
  attempts: number;
}

const DEFAULTS = {
  timeoutMs: 30_000,
  retries: 2,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  maxResponseBytes: 16 * 1024 * 1024,
};
/** Longest part of an error answer read to find the server's message. */
const ERROR_BODY_LIMIT = 64 * 1024;

function nonNegativeInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new CpixClientError('ERR_CLIENT_INVALID_OPTION', `${name} must be a non-negative integer`);
  }
  return value;
}

/** A failure of one attempt, and whether another attempt may help. */
class AttemptFailure {
  constructor(
    readonly code: CpixClientErrorCode,
    readonly message: string,
    readonly retryable: boolean,
    readonly details: { cause?: unknown; status?: number; serverMessage?: string; serverCode?: string } = {},
    readonly retryAfterMs?: number,
  ) {}
}

/** Node error codes of the TLS layer: certificate and handshake failures, never worth a retry. */
function isTlsFailure(code: string): boolean {
  return /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME|ALTNAME/.test(code);
}

/** The causes of a fetch failure, outermost first: undici wraps the socket error in `TypeError: fetch failed`. */
function causeChain(error: unknown): { code?: string; message?: string }[] {
  const chain: { code?: string; message?: string }[] = [];
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    chain.push({ ...(typeof code === 'string' ? { code } : {}), ...(typeof message === 'string' ? { message } : {}) });
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

function isTimeout(error: unknown): boolean {
  const name = (error as { name?: unknown })?.name;
  return (
    name === 'TimeoutError' ||
    (name === 'AbortError' && (error as { cause?: { name?: unknown } }).cause?.name === 'TimeoutError')
  );
}

/** Reads a body up to `limit` bytes; returns `undefined` when it is larger. */
async function readLimited(response: Response, limit: number): Promise<Uint8Array | undefined> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.length;
    if (length > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function retryAfterMs(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

async function attempt(
  request: HttpRequest,
  options: TransportOptions,
  timeoutMs: number,
  maxBytes: number,
): Promise<HttpResponse | AttemptFailure> {
  const prepared = options.sign ? await options.sign(request) : request;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  // Node's global fetch runs on the undici bundled with Node, whose major need not match the one a
  // dispatcher comes from: a dispatcher goes to the fetch of its own undici.
  const doFetch =
    options.fetch ?? (options.dispatcher ? (undiciFetch as unknown as typeof globalThis.fetch) : globalThis.fetch);
  const where = safeOrigin(request.url);
  try {
    const init: RequestInit = {
      method: prepared.method,
      headers: prepared.headers,
      signal,
      // A redirect would carry the body and credentials elsewhere, and breaks SigV4: never follow one.
      redirect: 'manual',
      ...(prepared.body !== undefined ? { body: prepared.body } : {}),
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    } as RequestInit;
    const response = await doFetch(prepared.url, init);
    if (response.status >= 200 && response.status < 300) {
      const body = await readLimited(response, maxBytes);
      if (body === undefined) {
        return new AttemptFailure(
          'ERR_CLIENT_RESPONSE_TOO_LARGE',
          `the answer of ${where} is larger than ${maxBytes} bytes`,
          false,
        );
      }
      return { status: response.status, headers: response.headers, body, attempts: 0 };
    }
    const errorBody = (await readLimited(response, ERROR_BODY_LIMIT)) ?? new Uint8Array(0);
    const { message: serverMessage, code: serverCode } = serverMessageOf(
      errorBody,
      response.headers,
      options.secrets ?? [],
    );
    const statusText = response.statusText ? ` ${response.statusText}` : '';
    const redirect = response.status >= 300 && response.status < 400 ? ' (redirects are not followed)' : '';
    return new AttemptFailure(
      'ERR_CLIENT_HTTP_STATUS',
      `${where} answered HTTP ${response.status}${statusText}${redirect}${serverMessage ? `: ${serverMessage}` : ''}`,
      response.status >= 500,
      { status: response.status, ...(serverMessage ? { serverMessage } : {}), ...(serverCode ? { serverCode } : {}) },
      response.status >= 500 ? retryAfterMs(response.headers) : undefined,
    );
  } catch (error) {
    if (options.signal?.aborted)
      throw new CpixClientError('ERR_CLIENT_ABORTED', 'the key request was aborted', { cause: error });
    if (timeout.aborted || isTimeout(error)) {
      return new AttemptFailure('ERR_CLIENT_TIMEOUT', `${where} did not answer within ${timeoutMs} ms`, true, {
        cause: error,
      });
    }
    const chain = causeChain(error);
    const tls = chain.find((link) => link.code !== undefined && isTlsFailure(link.code))?.code;
    if (tls) return new AttemptFailure('ERR_CLIENT_TLS', `TLS with ${where} failed (${tls})`, false, { cause: error });
    const deepest = chain.at(-1) ?? {};
    const described =
      deepest.code && deepest.message && !deepest.message.includes(deepest.code)
        ? `${deepest.code}: ${deepest.message}`
        : (deepest.message ?? deepest.code ?? 'unknown error');
    const reason = redact(described, options.secrets ?? []);
    return new AttemptFailure('ERR_CLIENT_NETWORK', `cannot reach ${where} (${reason})`, true, { cause: error });
  }
}

/**
 * Sends a request: each attempt limited by `timeoutMs`; 5xx answers, network errors and timeouts
 * retried up to `retries` times after an exponential delay with jitter (half fixed, half random,
 * at least the server's `Retry-After` within `maxDelayMs`); 4xx, TLS failures and aborts never
 * retried. Returns the 2xx answer or throws a `CpixClientError` with the last failure.
 */
export async function sendWithRetries(request: HttpRequest, options: TransportOptions = {}): Promise<HttpResponse> {
  const timeoutMs = nonNegativeInteger(options.timeoutMs, DEFAULTS.timeoutMs, 'timeoutMs');
  if (timeoutMs === 0) throw new CpixClientError('ERR_CLIENT_INVALID_OPTION', 'timeoutMs must be a positive integer');
  const retries = nonNegativeInteger(options.retry?.retries, DEFAULTS.retries, 'retry.retries');
  const baseDelayMs = nonNegativeInteger(options.retry?.baseDelayMs, DEFAULTS.baseDelayMs, 'retry.baseDelayMs');
  const maxDelayMs = nonNegativeInteger(options.retry?.maxDelayMs, DEFAULTS.maxDelayMs, 'retry.maxDelayMs');
  const maxBytes = nonNegativeInteger(options.maxResponseBytes, DEFAULTS.maxResponseBytes, 'maxResponseBytes');
  if (retries > 10) throw new CpixClientError('ERR_CLIENT_INVALID_OPTION', 'retry.retries must be at most 10');

  for (let attemptNumber = 1; ; attemptNumber++) {
    if (options.signal?.aborted) {
      throw new CpixClientError('ERR_CLIENT_ABORTED', 'the key request was aborted', { cause: options.signal.reason });
    }
    const outcome = await attempt(request, options, timeoutMs, maxBytes);
    if (!(outcome instanceof AttemptFailure)) return { ...outcome, attempts: attemptNumber };
    if (!outcome.retryable || attemptNumber > retries) {
      const suffix = attemptNumber > 1 ? ` (after ${attemptNumber} attempts)` : '';
      throw new CpixClientError(outcome.code, `${outcome.message}${suffix}`, {
        ...outcome.details,
        attempts: attemptNumber,
      });
    }
    const exponential = Math.min(maxDelayMs, baseDelayMs * 2 ** (attemptNumber - 1));
    const jittered = exponential / 2 + Math.random() * (exponential / 2);
    const delay = Math.min(maxDelayMs, Math.max(jittered, outcome.retryAfterMs ?? 0));
    try {
      await sleep(delay, undefined, options.signal ? { signal: options.signal } : {});
    } catch (error) {
      throw new CpixClientError('ERR_CLIENT_ABORTED', 'the key request was aborted', { cause: error });
    }
  }
}
