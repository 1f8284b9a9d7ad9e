import { connect } from 'node:net';
import { Pool } from 'undici';

/** One HTTP request of the suite. */
export interface HttpExchange {
  method: 'GET' | 'POST';
  /** Path and query. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/** What came back, and how long it took. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Milliseconds from sending to the last byte of the body. */
  ms: number;
}

/** A keep-alive connection pool to one server (undici), with bounded waits for headers and body. */
export function keepAlivePool(origin: string, connections = 8, timeoutMs = 30_000): Pool {
  return new Pool(origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
}

/** Sends one request through the pool and reads the whole answer. */
export async function send(pool: Pool, exchange: HttpExchange): Promise<HttpAnswer> {
  const started = performance.now();
  const response = await pool.request({
    method: exchange.method,
    path: exchange.path,
    ...(exchange.headers ? { headers: exchange.headers } : {}),
    ...(exchange.body !== undefined ? { body: exchange.body } : {}),
  });
  const body = Buffer.from(await response.body.arrayBuffer());
  return {
    status: response.statusCode,
    headers: response.headers as HttpAnswer['headers'],
    body,
    ms: performance.now() - started,
  };
}

/** Runs `task` over `items` with at most `concurrency` at a time, results in input order. */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    for (let index = next++; index < items.length; index = next++) results[index] = await task(items[index]!, index);
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** The value at quantile `q` (0…1) of some numbers (nearest rank). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * Writes bytes as they are (a request a client library would not send) to a fresh connection to
 * `origin` and reads until the server closes it (or 5 s).
 */
export function rawRequest(origin: string, text: string): Promise<string> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(5_000, () => socket.destroy(new Error('no answer within 5 s')));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // The server may reset after answering a request it refused before reading it all.
      if (chunks.length > 0 && (error.code === 'ECONNRESET' || error.code === 'EPIPE'))
        resolve(Buffer.concat(chunks).toString('latin1'));
      else reject(error);
    });
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.end(text);
  });
}
