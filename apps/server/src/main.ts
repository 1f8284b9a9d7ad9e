import { startupBanner } from './banner.js';
import { drainConnections } from './drain.js';
import { createKeyServer } from './server.js';
import { readServerSettings } from './settings.js';

/** Longest wait for in-flight requests after SIGTERM/SIGINT before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;
/** How long a kept-alive connection may stay idle after SIGTERM before it is closed. */
const IDLE_CONNECTION_GRACE_MS = 1_000;

async function main(): Promise<void> {
  const settings = readServerSettings(process.env);
  const { app, tenants } = await createKeyServer(settings, process.env);
  const origin = await app.listen({ port: settings.port, host: settings.host });

  // The signal handlers are in place before the banner says the server is up: a supervisor that
  // stops the server as soon as it reads the banner must get a graceful shutdown, not a kill.
  let closing = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (closing) process.exit(1);
      closing = true;
      app.log.info({ signal }, 'shutting down: finishing in-flight requests');
      setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref();
      // Draining stops accepting, answers what still comes over open connections (each answer then
      // closes its connection) and closes idle ones after a moment; close() then waits for what is
      // in flight and runs the onClose hooks (the key store).
      drainConnections(app, IDLE_CONNECTION_GRACE_MS)
        .then(() => app.close())
        .then(
          () => {
            process.exitCode = 0;
          },
          (error: unknown) => {
            app.log.error({ err: error }, 'shutdown failed');
            process.exitCode = 1;
          },
        );
    });
  }
  // The banner (and the development token, once) goes to stdout directly, never through the logger,
  // in one write so that a reader never sees it without the token.
  console.log(startupBanner(origin, tenants, { metrics: settings.metricsToken !== undefined }).join('\n'));
}

main().catch((error: unknown) => {
  console.error(`cpixkit server: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
