import { describe, expect, it } from 'vitest';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { handler } from './handler.js';

describe('handler', () => {
  it('answers the SPEKE heartbeat', async () => {
    const event = { rawPath: '/speke/v1.0/heartbeat' } as APIGatewayProxyEventV2;
    expect((await handler(event)).statusCode).toBe(200);
  });
});
