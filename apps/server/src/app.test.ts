import { describe, expect, it } from 'vitest';
import { buildServer } from './app.js';

describe('server', () => {
  it('answers GET /healthz', async () => {
    const app = buildServer();
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
    await app.close();
  });
});
