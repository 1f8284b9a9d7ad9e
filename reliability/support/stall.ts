import { setTimeout as sleep } from 'node:timers/promises';
import { keepAlivePool, send } from './http.js';

/** How long `/healthz` took to answer while some work ran. */
export interface StallFigures {
  /** The slowest `/healthz` answer, in milliseconds. */
  maxMs: number;
  /** How many `/healthz` requests were answered meanwhile. */
  samples: number;
}

/**
 * Runs `work` while asking `/healthz` every 5 ms over a connection of its own: the slowest answer
 * is how long the server's event loop was blocked (plus a round trip). `/healthz` keeps being asked
 * for 50 ms after `work` settles, so that a stall starting with the last byte of an answer counts.
 */
export async function healthzStallDuring<T>(
  origin: string,
  work: () => Promise<T>,
): Promise<{ result: T; stall: StallFigures }> {
  const pool = keepAlivePool(origin, 1, 30_000);
  try {
    await send(pool, { method: 'GET', path: '/healthz' });
    let done = false;
    let maxMs = 0;
    let samples = 0;
    const probe = (async () => {
      while (!done) {
        const answer = await send(pool, { method: 'GET', path: '/healthz' });
        if (answer.status !== 200) throw new Error(`/healthz answered ${answer.status}`);
        maxMs = Math.max(maxMs, answer.ms);
        samples += 1;
        await sleep(5);
      }
    })();
    let result: T;
    try {
      result = await work();
      await sleep(50);
    } finally {
      done = true;
      await probe;
    }
    return { result, stall: { maxMs, samples } };
  } finally {
    await pool.close();
  }
}
