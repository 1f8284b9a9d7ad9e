import { ServerError } from './errors.js';

/**
 * The npm package each external key store runs on: an optional dependency, loaded only when a store of
 * that kind is configured. (The embedded SQLite store runs on Node's built-in `node:sqlite`.)
 */
export const STORE_DRIVER_PACKAGES = { postgres: 'pg' } as const;

/** A key store kind, by the driver it needs. */
export type StoreKind = keyof typeof STORE_DRIVER_PACKAGES;

function isMissingPackage(cause: unknown, name: string): boolean {
  const { code, message } = (cause ?? {}) as { code?: unknown; message?: unknown };
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    typeof message === 'string' &&
    message.includes(`'${name}'`)
  );
}

/**
 * Runs the dynamic `import()` of a store's driver. A driver that is not installed, or cannot be
 * loaded (a native build for another Node), is `ERR_SERVER_STORE_DRIVER` naming the package.
 */
export async function loadStoreDriver<Driver>(kind: StoreKind, load: () => Promise<Driver>): Promise<Driver> {
  const name = STORE_DRIVER_PACKAGES[kind];
  try {
    return await load();
  } catch (cause) {
    const message = isMissingPackage(cause, name)
      ? `the ${kind} key store needs the ${name} package, which is not installed: run \`npm install ${name}\``
      : `the ${kind} key store cannot load its driver ${name}: ${cause instanceof Error ? cause.message : String(cause)}`;
    throw new ServerError('ERR_SERVER_STORE_DRIVER', 500, message, { cause });
  }
}
