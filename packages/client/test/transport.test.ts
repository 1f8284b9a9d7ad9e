import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { CpixClient, type CpixClientOptions, sendWithRetries } from '../src/index.js';
import { type ReceivedRequest, reply, startServer, type TestServer } from './helpers.js';
import { seedDocument } from '../../../tooling/src/fixtures.js';

const VOD = seedDocument('pallyConDashVodResponse');
const REQUEST = { contentId: 'cpix-test-cid', drmSystems: ['widevine', 'playready'] };

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server answering the n-th request (1-based) with `answers[n - 1]`, the last one for the rest. */
async function scripted(
  ...answers: ((request: ReceivedRequest, response: ServerResponse) => void)[]
): Promise<TestServer> {
  let count = 0;
  server = await startServer((request, response) => {
    count += 1;
    answers[Math.min(count, answers.length) - 1]!(request, response);
  });
  return server;
}

const ok = (_request: ReceivedRequest, response: ServerResponse) => reply(response, 200, VOD);
const status =
  (code: number, body = `status ${code}`, headers: Record<string, string> = {}) =>
  (_request: ReceivedRequest, response: ServerResponse) =>
    reply(response, code, body, { 'content-type': 'text/plain', ...headers });
const hang = () => undefined;

const pallycon = (url: string, options: Partial<CpixClientOptions> = {}) =>
  new CpixClient({ url, dialect: 'pallycon-v2', retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 20 }, ...options });

describe('retries', () => {
  it('retries a 5xx and succeeds when the server recovers', async () => {
    const { url, requests } = await scripted(status(503), status(502), ok);
    const result = await pallycon(url).requestKeys(REQUEST);
    expect(result.attempts).toBe(3);
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((request) => request.body)).size).toBe(1);
    expect(result.keys[0]!.key.base64).toBe('SzC1qc1cEpyFU6t/lL7Byw==');
  });

  it('gives up after the last retry with the last status and message', async () => {
    const { url, requests } = await scripted(status(500, 'ERR_SERVER_INTERNAL: internal error\n'));
    await expect(pallycon(url).requestKeys(REQUEST)).rejects.toMatchObject({
      code: 'ERR_CLIENT_HTTP_STATUS',
      status: 500,
      attempts: 3,
      serverCode: 'ERR_SERVER_INTERNAL',
      serverMessage: 'internal error',
      message: `${url} answered HTTP 500 Internal Server Error: internal error (after 3 attempts)`,
    });
    expect(requests).toHaveLength(3);
  });

  it.each([400, 401, 403, 404, 413, 429])('never retries a %i', async (code) => {
    const { url, requests } = await scripted(status(code), ok);
    await expect(pallycon(url).requestKeys(REQUEST)).rejects.toMatchObject({
      code: 'ERR_CLIENT_HTTP_STATUS',
      status: code,
      attempts: 1,
    });
    expect(requests).toHaveLength(1);
  });

  it("waits at least the server's Retry-After (within maxDelayMs)", async () => {
    const { url } = await scripted(status(503, 'busy', { 'retry-after': '0.3' }), ok);
    const started = performance.now();
    await pallycon(url, { retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2000 } }).requestKeys(REQUEST);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('backs off exponentially between attempts', async () => {
    const times: number[] = [];
    const { url } = await scripted((request, response) => {
      times.push(performance.now());
      status(503)(request, response);
    });
    await expect(
      pallycon(url, { retry: { retries: 3, baseDelayMs: 40, maxDelayMs: 1000 } }).requestKeys(REQUEST),
    ).rejects.toMatchObject({ attempts: 4 });
    const gaps = times.slice(1).map((time, i) => time - times[i]!);
    // Equal jitter: each wait is between half and all of 40, 80, 160 ms.
    expect(gaps[0]).toBeGreaterThanOrEqual(19);
    expect(gaps[1]).toBeGreaterThanOrEqual(39);
    expect(gaps[2]).toBeGreaterThanOrEqual(79);
  });

  it('retries network errors, then reports ERR_CLIENT_NETWORK', async () => {
    const { url } = await scripted(ok);
    await server!.close();
    server = undefined;
    await expect(pallycon(url).requestKeys(REQUEST)).rejects.toMatchObject({
      code: 'ERR_CLIENT_NETWORK',
      attempts: 3,
      message: expect.stringMatching(
        /^cannot reach http:\/\/127\.0\.0\.1:\d+ \(connect ECONNREFUSED 127\.0\.0\.1:\d+\) \(after 3 attempts\)$/,
      ),
    });
  });

  it('does not follow redirects', async () => {
    const { url, requests } = await scripted(status(302, '', { location: '/elsewhere' }), ok);
    await expect(pallycon(url).requestKeys(REQUEST)).rejects.toMatchObject({
      code: 'ERR_CLIENT_HTTP_STATUS',
      status: 302,
      message: expect.stringContaining('redirects are not followed'),
    });
    expect(requests).toHaveLength(1);
  });
});

describe('timeouts and aborts', () => {
  it('times out each attempt, retries, then reports ERR_CLIENT_TIMEOUT', async () => {
    const { url, requests } = await scripted(hang);
    const started = performance.now();
    await expect(
      pallycon(url, { timeoutMs: 150, retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 } }).requestKeys(REQUEST),
    ).rejects.toMatchObject({
      code: 'ERR_CLIENT_TIMEOUT',
      attempts: 2,
      message: expect.stringMatching(/did not answer within 150 ms \(after 2 attempts\)$/),
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(requests).toHaveLength(2);
  });

  it('succeeds on the retry after a timed-out attempt', async () => {
    const { url } = await scripted(hang, ok);
    const result = await pallycon(url, { timeoutMs: 150 }).requestKeys(REQUEST);
    expect(result.attempts).toBe(2);
  });

  it('times out a body that stalls after the headers', async () => {
    const { url } = await scripted((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/xml' });
      response.write(VOD.slice(0, 100));
    });
    await expect(pallycon(url, { timeoutMs: 150, retry: { retries: 0 } }).requestKeys(REQUEST)).rejects.toMatchObject({
      code: 'ERR_CLIENT_TIMEOUT',
    });
  });

  it('stops at once when the caller aborts, during an attempt or a wait', async () => {
    const { url, requests } = await scripted(hang);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(
      pallycon(url, { timeoutMs: 10_000 }).requestKeys(REQUEST, { signal: controller.signal }),
    ).rejects.toMatchObject({
      code: 'ERR_CLIENT_ABORTED',
    });
    expect(requests).toHaveLength(1);

    const waiting = await scripted(status(503));
    const during = new AbortController();
    const slow = pallycon(waiting.url, { retry: { retries: 5, baseDelayMs: 5000, maxDelayMs: 5000 } });
    setTimeout(() => during.abort(), 150);
    const started = performance.now();
    await expect(slow.requestKeys(REQUEST, { signal: during.signal })).rejects.toMatchObject({
      code: 'ERR_CLIENT_ABORTED',
    });
    expect(performance.now() - started).toBeLessThan(2000);
    await expect(slow.requestKeys(REQUEST, { signal: during.signal })).rejects.toMatchObject({
      code: 'ERR_CLIENT_ABORTED',
    });
  });
});

describe('limits and options', () => {
  it('refuses an answer larger than maxResponseBytes', async () => {
    const { url } = await scripted(ok);
    await expect(pallycon(url, { maxResponseBytes: 1000 }).requestKeys(REQUEST)).rejects.toMatchObject({
      code: 'ERR_CLIENT_RESPONSE_TOO_LARGE',
      message: expect.stringContaining('larger than 1000 bytes'),
    });
    const chunked = await scripted((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/xml' });
      response.write(VOD.slice(0, 800));
      response.end(VOD.slice(800));
    });
    await expect(pallycon(chunked.url, { maxResponseBytes: 1000 }).requestKeys(REQUEST)).rejects.toMatchObject({
      code: 'ERR_CLIENT_RESPONSE_TOO_LARGE',
    });
  });

  it('sends the caller headers and uses the fetch it is given', async () => {
    const { url, requests } = await scripted(ok);
    const seen: string[] = [];
    const tracingFetch: typeof fetch = (input, init) => {
      seen.push(String(input));
      return fetch(input, init);
    };
    await pallycon(url, { headers: { 'X-Request-Id': 'r-1' }, fetch: tracingFetch }).requestKeys(REQUEST);
    expect(requests[0]!.headers['x-request-id']).toBe('r-1');
    expect(seen).toEqual([`${url}/`]);
  });

  it.each([
    [{ timeoutMs: -1 }, /timeoutMs/],
    [{ timeoutMs: 0 }, /timeoutMs must be a positive integer/],
    [{ retry: { retries: 1.5 } }, /retry.retries/],
    [{ retry: { retries: 11 } }, /at most 10/],
    [{ maxResponseBytes: -5 }, /maxResponseBytes/],
  ])('refuses the transport option %j', async (options, message) => {
    await expect(
      sendWithRetries({ method: 'GET', url: 'http://127.0.0.1:9/', headers: {} }, options),
    ).rejects.toMatchObject({
      code: 'ERR_CLIENT_INVALID_OPTION',
      message: expect.stringMatching(message),
    });
  });

  it.each([
    [{ dialect: 'speke-v9' }, /dialect must be one of/],
    [{ url: '' }, /url must be a non-empty string/],
    [{ tls: {}, dispatcher: {} }, /either tls or dispatcher/],
    [{ auth: { type: 'bearer', token: '' } }, /non-empty/],
  ])('refuses the client option %j', (options, message) => {
    expect(
      () =>
        new CpixClient({
          url: 'http://127.0.0.1:9/',
          dialect: 'pallycon-v2',
          ...(options as object),
        } as CpixClientOptions),
    ).toThrowError(
      expect.objectContaining({ code: 'ERR_CLIENT_INVALID_OPTION', message: expect.stringMatching(message) }),
    );
  });
});
