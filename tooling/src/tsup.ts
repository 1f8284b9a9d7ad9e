import { defineConfig, type Options } from 'tsup';

/** tsup preset for a publishable library: ESM + CJS + declarations, one file per entry. */
export function libraryConfig(entry: string[] | Record<string, string>, overrides: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node22',
    platform: 'node',
    // Built-ins that exist only with the prefix (node:sqlite) break without it.
    removeNodeProtocol: false,
    splitting: false,
    treeshake: true,
    ...overrides,
  });
}

/** tsup preset for an application: one ESM bundle per entry, workspace packages inlined. */
export function applicationConfig(entry: string[] | Record<string, string>, overrides: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm'],
    dts: false,
    clean: true,
    sourcemap: true,
    target: 'node22',
    platform: 'node',
    // Built-ins that exist only with the prefix (node:sqlite) break without it.
    removeNodeProtocol: false,
    splitting: false,
    noExternal: [/^@cpixkit\//],
    ...overrides,
  });
}
