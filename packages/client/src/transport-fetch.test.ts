import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CpixClientError,
  type CpixClientErrorCode,
  type HttpRequest,
  sendWithRetries,
  type TransportOptions,
} from './index.js';

// sendWithRetries against a scripted fetch: what each attempt sends, each answer and failure it
// turns into a result or an error (code, whole message, details), and the limits at their boundary.

const URL_ = 'http://h.example:8080/path/secret-token?x=1';
const ORIGIN = 'http://h.example:8080';
const REQUEST: HttpRequest = {
  method: 'POST',
  url: URL_,
  headers: { 'content-type': 'application/xml' },
  body: '<a/>',
};

type Step = Response | Error | (() => Response | Promise<Response>);

/**
 * A fetch answering the n-th call with `steps[n - 1]` (the last one for the rest), recording each
 * call. A `Response` step is answered with a clone; one whose body may be cancelled must be given as
 * a function, since cancelling a clone waits for the original.
 */
function scripted(...steps: Step[]) {
  const calls: { url: string; init: RequestInit; at: number }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init, at: performance.now() });
    const step = steps[Math.min(calls.length, steps.length) - 1]!;
    if (step instanceof Error) throw step;
    return typeof step === 'function' ? step() : step.clone();
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}

const fast = { retries: 2, baseDelayMs: 1, maxDelayMs: 1 };

async function failure(promise: Promise<unknown>, code: CpixClientErrorCode): Promise<CpixClientError> {
  const error = await promise.then(
    () => expect.unreachable('no error thrown'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CpixClientError);
  expect((error as CpixClientError).code).toBe(code);
  return error as CpixClientError;
}

/** A fetch failure as undici reports it: `TypeError: fetch failed` around the socket error. */
function fetchFailed(cause: object): TypeError {
  return new TypeError('fetch failed', { cause });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('sendWithRetries: what is sent', () => {
  it('sends the method, headers and body, never following redirects, with a signal', async () => {
    const { fetch, calls } = scripted(new Response('ok'));
    await sendWithRetries(REQUEST, { fetch });
    expect(calls).toHaveLength(1);
    const { url, init } = calls[0]!;
    expect(url).toBe(URL_);
    expect(init.signal).toBeInstanceOf(AbortSignal);
    expect({ ...init, signal: undefined }).toStrictEqual({
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      signal: undefined,
      redirect: 'manual',
      body: '<a/>',
    });
  });

  it('sends no body key for a GET, and passes its dispatcher on', async () => {
    const { fetch, calls } = scripted(new Response('ok'));
    const dispatcher = { marker: true } as never;
    await sendWithRetries({ method: 'GET', url: URL_, headers: {} }, { fetch, dispatcher });
    expect(Object.keys(calls[0]!.init).sort()).toStrictEqual(['dispatcher', 'headers', 'method', 'redirect', 'signal']);
    expect((calls[0]!.init as { dispatcher?: unknown }).dispatcher).toBe(dispatcher);
  });

  it('signs every attempt and sends what the signer returns', async () => {
    const { fetch, calls } = scripted(new Response('busy', { status: 503 }), new Response('ok'));
    const signed: HttpRequest[] = [];
    const sign = async (request: HttpRequest) => {
      signed.push(request);
      return {
        ...request,
        url: `${request.url}&sig=${signed.length}`,
        headers: { ...request.headers, authorization: `s${signed.length}` },
      };
    };
    const response = await sendWithRetries(REQUEST, { fetch, sign, retry: fast });
    expect(signed).toStrictEqual([REQUEST, REQUEST]);
    expect(calls.map((call) => [call.url, (call.init.headers as Record<string, string>).authorization])).toStrictEqual([
      [`${URL_}&sig=1`, 's1'],
      [`${URL_}&sig=2`, 's2'],
    ]);
    expect(response.attempts).toBe(2);
  });
});

describe('sendWithRetries: answers', () => {
  it('gives a 2xx answer whole: status, headers, body, attempts', async () => {
    const { fetch } = scripted(new Response('<CPIX/>', { status: 201, headers: { 'x-speke-version': '2.0' } }));
    const response = await sendWithRetries(REQUEST, { fetch });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-speke-version')).toBe('2.0');
    expect(Buffer.from(response.body).toString()).toBe('<CPIX/>');
    expect(response.attempts).toBe(1);
    expect(Object.keys(response).sort()).toStrictEqual(['attempts', 'body', 'headers', 'status']);
  });

  it('gives an empty body for an answer without one, and accepts 299', async () => {
    const { fetch } = scripted(new Response(null, { status: 299 }));
    const response = await sendWithRetries(REQUEST, { fetch });
    expect([response.status, response.body]).toStrictEqual([299, new Uint8Array(0)]);
  });

  it('accepts an answer of exactly maxResponseBytes, declared or streamed, and refuses one byte more', async () => {
    const ten = '0123456789';
    for (const headers of [{ 'content-length': '10' }, {}] as Record<string, string>[]) {
      const { fetch } = scripted(() => new Response(ten, { headers }));
      expect((await sendWithRetries(REQUEST, { fetch, maxResponseBytes: 10 })).body).toHaveLength(10);
      const longer: Record<string, string> = headers['content-length'] ? { 'content-length': '11' } : {};
      const over = scripted(() => new Response(`${ten}x`, { headers: longer }));
      const error = await failure(
        sendWithRetries(REQUEST, { fetch: over.fetch, maxResponseBytes: 10 }),
        'ERR_CLIENT_RESPONSE_TOO_LARGE',
      );
      expect(error.message).toBe(`the answer of ${ORIGIN} is larger than 10 bytes`);
      expect([error.attempts, over.calls.length]).toStrictEqual([1, 1]);
    }
  });

  it('counts the bytes of every chunk of a streamed answer', async () => {
    const stream = () =>
      new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new Uint8Array(6));
            controller.enqueue(new Uint8Array(6));
            controller.close();
          },
        }),
      );
    const { fetch } = scripted(stream);
    expect((await sendWithRetries(REQUEST, { fetch, maxResponseBytes: 12 })).body).toStrictEqual(Buffer.alloc(12));
    await failure(sendWithRetries(REQUEST, { fetch, maxResponseBytes: 11 }), 'ERR_CLIENT_RESPONSE_TOO_LARGE');
  });

  it.each([
    [
      404,
      'Not Found',
      'ERR_X: no such key',
      `${ORIGIN} answered HTTP 404 Not Found: no such key`,
      'no such key',
      'ERR_X',
    ],
    [400, '', '', `${ORIGIN} answered HTTP 400`, undefined, undefined],
    [300, '', '', `${ORIGIN} answered HTTP 300 (redirects are not followed)`, undefined, undefined],
    [399, 'Odd', 'moved', `${ORIGIN} answered HTTP 399 Odd (redirects are not followed): moved`, 'moved', undefined],
    [499, '', 'late', `${ORIGIN} answered HTTP 499: late`, 'late', undefined],
  ])('reports HTTP %i at once, never retried', async (status, statusText, body, message, serverMessage, serverCode) => {
    const { fetch, calls } = scripted(new Response(body, { status, statusText }), new Response('ok'));
    const error = await failure(sendWithRetries(REQUEST, { fetch, retry: fast }), 'ERR_CLIENT_HTTP_STATUS');
    expect([error.message, error.status, error.serverMessage, error.serverCode, error.attempts]).toStrictEqual([
      message,
      status,
      serverMessage,
      serverCode,
      1,
    ]);
    expect(calls).toHaveLength(1);
  });

  it('retries 500 up to the retries allowed and reports the attempts', async () => {
    const { fetch, calls } = scripted(new Response('down', { status: 500 }));
    const error = await failure(sendWithRetries(REQUEST, { fetch, retry: fast }), 'ERR_CLIENT_HTTP_STATUS');
    expect([error.message, error.attempts, calls.length]).toStrictEqual([
      `${ORIGIN} answered HTTP 500: down (after 3 attempts)`,
      3,
      3,
    ]);
    const once = scripted(new Response('down', { status: 599 }));
    const single = await failure(
      sendWithRetries(REQUEST, { fetch: once.fetch, retry: { retries: 0 } }),
      'ERR_CLIENT_HTTP_STATUS',
    );
    expect([single.message, single.attempts, once.calls.length]).toStrictEqual([
      `${ORIGIN} answered HTTP 599: down`,
      1,
      1,
    ]);
  });

  it('reads no server message out of an error answer larger than 64 KiB', async () => {
    const { fetch } = scripted(() => new Response('x'.repeat(64 * 1024 + 1), { status: 400 }));
    const error = await failure(sendWithRetries(REQUEST, { fetch }), 'ERR_CLIENT_HTTP_STATUS');
    expect([error.message, error.serverMessage]).toStrictEqual([`${ORIGIN} answered HTTP 400`, undefined]);
    const { fetch: atLimit } = scripted(new Response('y'.repeat(64 * 1024), { status: 400 }));
    expect((await failure(sendWithRetries(REQUEST, { fetch: atLimit }), 'ERR_CLIENT_HTTP_STATUS')).serverMessage).toBe(
      `${'y'.repeat(297)}...`,
    );
  });

  it('blanks the secrets it is given in the server message', async () => {
    const { fetch } = scripted(new Response('bad token secret-token', { status: 401 }));
    const error = await failure(
      sendWithRetries(REQUEST, { fetch, secrets: ['secret-token'] }),
      'ERR_CLIENT_HTTP_STATUS',
    );
    expect(error.message).toBe(`${ORIGIN} answered HTTP 401: bad token [redacted]`);
  });
});

describe('sendWithRetries: failures of the connection', () => {
  it.each([
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 10.0.0.1:80' }, 'connect ECONNREFUSED 10.0.0.1:80'],
    [{ code: 'UND_ERR_SOCKET', message: 'other side closed' }, 'UND_ERR_SOCKET: other side closed'],
    [{ code: 'ENOTFOUND' }, 'ENOTFOUND'],
    [{ message: 'socket hang up' }, 'socket hang up'],
    [{ code: 42, message: 7 }, 'unknown error'],
  ])('reports the deepest cause %j, retried', async (cause, reason) => {
    const { fetch, calls } = scripted(fetchFailed(cause));
    const error = await failure(sendWithRetries(REQUEST, { fetch, retry: fast }), 'ERR_CLIENT_NETWORK');
    expect([error.message, error.attempts, calls.length]).toStrictEqual([
      `cannot reach ${ORIGIN} (${reason}) (after 3 attempts)`,
      3,
      3,
    ]);
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it('follows causes five deep at most, and blanks secrets in them', async () => {
    let cause: object = { message: 'too deep' };
    for (const message of ['level 5', 'level 4', 'level 3', 'level 2']) cause = { message, cause };
    const { fetch } = scripted(fetchFailed(cause));
    const error = await failure(sendWithRetries(REQUEST, { fetch, retry: { retries: 0 } }), 'ERR_CLIENT_NETWORK');
    expect(error.message).toBe(`cannot reach ${ORIGIN} (level 5)`);
    const secret = scripted(fetchFailed({ message: 'refused for secret-token' }));
    const redacted = await failure(
      sendWithRetries(REQUEST, { fetch: secret.fetch, retry: { retries: 0 }, secrets: ['secret-token'] }),
      'ERR_CLIENT_NETWORK',
    );
    expect(redacted.message).toBe(`cannot reach ${ORIGIN} (refused for [redacted])`);
  });

  it.each([
    'CERT_HAS_EXPIRED',
    'ERR_SSL_WRONG_VERSION_NUMBER',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'ERR_HOSTNAME_MISMATCH',
    'ERR_ALTNAME',
  ])('reports the TLS failure %s at once, never retried', async (code) => {
    const { fetch, calls } = scripted(fetchFailed({ message: 'x', cause: { code, message: 'y' } }));
    const error = await failure(sendWithRetries(REQUEST, { fetch, retry: fast }), 'ERR_CLIENT_TLS');
    expect([error.message, error.attempts, calls.length]).toStrictEqual([`TLS with ${ORIGIN} failed (${code})`, 1, 1]);
  });

  it('reports a timeout of fetch itself, of its abort, or of the attempt, and retries it', async () => {
    const timeoutError = new DOMException('timed out', 'TimeoutError');
    const abortOfTimeout = Object.assign(new DOMException('aborted', 'AbortError'), { cause: timeoutError });
    for (const thrown of [timeoutError, abortOfTimeout]) {
      const { fetch, calls } = scripted(thrown as Error);
      const error = await failure(
        sendWithRetries(REQUEST, { fetch, timeoutMs: 1000, retry: fast }),
        'ERR_CLIENT_TIMEOUT',
      );
      expect([error.message, calls.length]).toStrictEqual([
        `${ORIGIN} did not answer within 1000 ms (after 3 attempts)`,
        3,
      ]);
    }
    const plainAbort = scripted(new DOMException('aborted', 'AbortError') as Error);
    await failure(sendWithRetries(REQUEST, { fetch: plainAbort.fetch, retry: { retries: 0 } }), 'ERR_CLIENT_NETWORK');
    const stalled = scripted(
      () =>
        new Promise<Response>(() => {
          // never answers: the attempt's own timeout ends it
        }),
    );
    const raced = (async (url: string, init: RequestInit) =>
      Promise.race([
        stalled.fetch(url, init),
        new Promise<never>((_, reject) => init.signal!.addEventListener('abort', () => reject(new Error('gone')))),
      ])) as unknown as typeof globalThis.fetch;
    const error = await failure(
      sendWithRetries(REQUEST, { fetch: raced, timeoutMs: 30, retry: { retries: 0 } }),
      'ERR_CLIENT_TIMEOUT',
    );
    expect(error.message).toBe(`${ORIGIN} did not answer within 30 ms`);
  });

  it('stops with ERR_CLIENT_ABORTED when the caller’s signal has fired, before or during an attempt', async () => {
    const { fetch, calls } = scripted(new Response('ok'));
    const reason = new Error('stop');
    const error = await failure(
      sendWithRetries(REQUEST, { fetch, signal: AbortSignal.abort(reason) }),
      'ERR_CLIENT_ABORTED',
    );
    expect([error.message, error.cause, calls.length]).toStrictEqual(['the key request was aborted', reason, 0]);
    const controller = new AbortController();
    const during = scripted(() => {
      controller.abort();
      throw new Error('interrupted');
    });
    const inside = await failure(
      sendWithRetries(REQUEST, { fetch: during.fetch, signal: controller.signal, retry: fast }),
      'ERR_CLIENT_ABORTED',
    );
    expect([inside.message, (inside.cause as Error).message, during.calls.length]).toStrictEqual([
      'the key request was aborted',
      'interrupted',
      1,
    ]);
  });
});

describe('sendWithRetries: waits between attempts', () => {
  it('never waits longer than maxDelayMs, whatever the base delay or the Retry-After', async () => {
    const { fetch, calls } = scripted(
      new Response('busy', { status: 503, headers: { 'retry-after': '3600' } }),
      new Response('busy', { status: 503 }),
      new Response('ok'),
    );
    const started = performance.now();
    await sendWithRetries(REQUEST, { fetch, retry: { retries: 2, baseDelayMs: 60_000, maxDelayMs: 10 } });
    expect(calls).toHaveLength(3);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('waits the base delay, then twice it, with random jitter of up to half', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const { fetch, calls } = scripted(new Response('busy', { status: 502 }));
    await failure(
      sendWithRetries(REQUEST, { fetch, retry: { retries: 2, baseDelayMs: 100, maxDelayMs: 1000 } }),
      'ERR_CLIENT_HTTP_STATUS',
    );
    const gaps = calls.slice(1).map((call, i) => call.at - calls[i]!.at);
    expect(gaps[0]).toBeGreaterThanOrEqual(95);
    expect(gaps[1]).toBeGreaterThanOrEqual(195);
  });

  it('waits at least a Retry-After given as an HTTP date', async () => {
    const date = new Date(Date.now() + 2000).toUTCString();
    const { fetch, calls } = scripted(
      new Response('busy', { status: 503, headers: { 'retry-after': date } }),
      new Response('ok'),
    );
    await sendWithRetries(REQUEST, { fetch, retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 5000 } });
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(900);
  });

  it('ignores a Retry-After that is neither seconds nor a date', async () => {
    const { fetch, calls } = scripted(
      new Response('busy', { status: 503, headers: { 'retry-after': 'soon' } }),
      new Response('ok'),
    );
    const started = performance.now();
    await sendWithRetries(REQUEST, { fetch, retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 60_000 } });
    expect(calls).toHaveLength(2);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('sendWithRetries: options', () => {
  const options = (extra: TransportOptions) =>
    sendWithRetries(REQUEST, { fetch: scripted(new Response('ok')).fetch, ...extra });

  it('accepts each option at its boundary', async () => {
    for (const extra of [
      { retry: { retries: 10, baseDelayMs: 0, maxDelayMs: 0 } },
      { timeoutMs: 1 },
      { maxResponseBytes: 2 },
    ]) {
      expect((await options(extra)).attempts).toBe(1);
    }
  });

  it.each([
    [{ timeoutMs: 0 }, 'timeoutMs must be a positive integer'],
    [{ timeoutMs: 1.5 }, 'timeoutMs must be a non-negative integer'],
    [{ retry: { retries: -1 } }, 'retry.retries must be a non-negative integer'],
    [{ retry: { retries: 11 } }, 'retry.retries must be at most 10'],
    [{ retry: { baseDelayMs: -1 } }, 'retry.baseDelayMs must be a non-negative integer'],
    [{ retry: { maxDelayMs: Number.NaN } }, 'retry.maxDelayMs must be a non-negative integer'],
    [{ maxResponseBytes: 2 ** 53 } as TransportOptions, 'maxResponseBytes must be a non-negative integer'],
  ])('refuses %j', async (extra, message) => {
    const error = await failure(options(extra as TransportOptions), 'ERR_CLIENT_INVALID_OPTION');
    expect(error.message).toBe(message);
  });
});
