import { Server as NetServer } from 'node:net';
import type { FastifyInstance } from 'fastify';

const draining = new WeakSet<FastifyInstance>();

/** Whether the server is draining or closing: its answers then end their connections. */
export function isDraining(app: FastifyInstance): boolean {
  return draining.has(app);
}

/** Marks the server as draining, so that every answer from now on carries `Connection: close`. */
export function markDraining(app: FastifyInstance): void {
  draining.add(app);
}

/**
 * Drains a listening server before it is closed: stops accepting connections, answers what comes
 * over the open ones with `Connection: close`, closes the connections still idle after `idleMs`,
 * and resolves once every connection has ended.
 *
 * `http.Server#close` would cut idle keep-alive connections at once, and a client may be writing a
 * request into one at that moment: it would see a reset instead of an answer. Closing only the
 * listener first lets those requests be answered.
 */
export async function drainConnections(app: FastifyInstance, idleMs: number): Promise<void> {
  markDraining(app);
  const ended = new Promise<void>((resolve) => NetServer.prototype.close.call(app.server, () => resolve()));
  const idle = setTimeout(() => app.server.closeIdleConnections(), idleMs);
  await ended;
  clearTimeout(idle);
}
