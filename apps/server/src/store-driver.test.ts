import { describe, expect, it } from 'vitest';
import { ServerError } from './errors.js';
import { loadStoreDriver, STORE_DRIVER_PACKAGES } from './store-driver.js';

/** The error Node's `import()` raises for a package that is not installed. */
function notInstalled(name: string): Error {
  return Object.assign(new Error(`Cannot find package '${name}' imported from /srv/cpixkit/dist/main.js`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
}

describe('loadStoreDriver', () => {
  it('returns what the import gives', async () => {
    const driver = { open: () => 'db' };
    expect(await loadStoreDriver('postgres', async () => driver)).toBe(driver);
  });

  it.each(Object.entries(STORE_DRIVER_PACKAGES) as [keyof typeof STORE_DRIVER_PACKAGES, string][])(
    'names the package to install when the %s driver is missing',
    async (kind, name) => {
      const failure = await loadStoreDriver(kind, () => Promise.reject(notInstalled(name))).catch(
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(ServerError);
      expect(failure).toMatchObject({
        code: 'ERR_SERVER_STORE_DRIVER',
        status: 500,
        message: `the ${kind} key store needs the ${name} package, which is not installed: run \`npm install ${name}\``,
      });
    },
  );

  it('reports a driver that is installed but cannot load, with the reason', async () => {
    const broken = Object.assign(new Error('Unexpected token in pg/lib/index.js'), {
      code: 'ERR_INVALID_PACKAGE_CONFIG',
    });
    await expect(loadStoreDriver('postgres', () => Promise.reject(broken))).rejects.toMatchObject({
      code: 'ERR_SERVER_STORE_DRIVER',
      message: 'the postgres key store cannot load its driver pg: Unexpected token in pg/lib/index.js',
    });
    // A missing package the driver itself depends on is not the driver missing.
    await expect(loadStoreDriver('postgres', () => Promise.reject(notInstalled('pg-pool')))).rejects.toThrow(
      /cannot load its driver pg: Cannot find package 'pg-pool'/,
    );
  });
});
