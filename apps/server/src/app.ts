import Fastify, { type FastifyInstance } from 'fastify';

/** Options of {@link buildServer}. */
export interface ServerOptions {
  logger?: boolean | object;
}

/** Builds the cpixkit key server (not yet listening). */
export function buildServer(options: ServerOptions = {}): FastifyInstance {
  const app = Fastify({ logger: options.logger ?? false });
  app.get('/healthz', async () => ({ status: 'ok' }));
  return app;
}
