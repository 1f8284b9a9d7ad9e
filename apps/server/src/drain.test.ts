import { Agent, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { testApp, testTenant } from '../test/helpers.js';
import { drainConnections } from './drain.js';

function get(url: string, agent: Agent): Promise<{ status: number; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, connection: response.headers.connection }));
    })
      .on('error', reject)
      .end();
  });
}

describe('drainConnections', () => {
  it('answers what comes over an open connection, closing it, refuses new connections, then resolves', async () => {
    const app = testApp([testTenant('drain')]);
    const origin = await app.listen({ host: '127.0.0.1', port: 0 });
    const kept = new Agent({ keepAlive: true, maxSockets: 1 });
    expect(await get(`${origin}/healthz`, kept)).toEqual({ status: 200, connection: 'keep-alive' });

    const drained = drainConnections(app, 5_000);
    // The kept-alive connection is still open: a request over it is answered, and ends it.
    expect(await get(`${origin}/healthz`, kept)).toEqual({ status: 200, connection: 'close' });
    await expect(get(`${origin}/healthz`, new Agent())).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await drained;
    await app.close();
    kept.destroy();
  });

  it('closes connections left idle after the grace period', async () => {
    const app = testApp([testTenant('idle')]);
    const origin = await app.listen({ host: '127.0.0.1', port: 0 });
    const kept = new Agent({ keepAlive: true, maxSockets: 1 });
    await get(`${origin}/healthz`, kept);
    const started = performance.now();
    await drainConnections(app, 50);
    expect(performance.now() - started).toBeLessThan(5_000);
    await app.close();
    kept.destroy();
  });
});
