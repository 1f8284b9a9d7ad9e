import { cpSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { schemaDir } from '../../tooling/src/fixtures.ts';
import { applicationConfig } from '../../tooling/src/tsup.ts';
import type { Options } from 'tsup';

/**
 * `cpix validate` reads the XSDs from `dist/schema/<version>/` at run time, so the build ships them,
 * with the README that carries their licence notices.
 */
async function copySchemas(): Promise<void> {
  const to = (name: string): string => fileURLToPath(new URL(`dist/schema/${name}`, import.meta.url));
  for (const version of ['2.3', '2.4'] as const) {
    const from = schemaDir(version);
    if (!existsSync(`${from}/cpix.xsd`)) throw new Error(`CPIX schema ${version} not found in ${from}`);
    cpSync(from, to(version), { recursive: true });
  }
  cpSync(`${schemaDir()}/README.md`, to('README.md'));
}

// The server's native store drivers are optional dependencies: kept out of the bundle like the
// dependencies tsup leaves out by itself.
const external = ['@cpixkit/server'];

// commander and @bufbuild/protobuf are bundled too: resolving and reading their files at every start costs
// more than their bytes (`@bufbuild/protobuf/wire` alone is 19 modules, of which the box decoder needs 4).
// commander is CommonJS and requires Node built-ins, which an ES module bundle can only do through createRequire.
const noExternal = ['commander', '@bufbuild/protobuf'];
const banner = {
  js: [
    '#!/usr/bin/env node',
    "import { createRequire as createRequireForCommander } from 'node:module';",
    'const require = createRequireForCommander(import.meta.url);',
  ].join('\n'),
};

/**
 * commander requires node:child_process when it loads, only to spawn executable subcommands, which cpixkit
 * has none of; loading it (and net, dgram…) cost every start. Its one use, `spawn`, now loads it when called.
 */
const deferChildProcess: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'defer-child-process',
  setup(build) {
    // tsup's own plugin, which would take `node:` imports first, is off (removeNodeProtocol: false in the preset).
    build.onResolve({ filter: /^node:child_process$/ }, ({ importer }) =>
      /[\\/]commander[\\/]/.test(importer) ? { path: 'child_process', namespace: 'deferred' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'deferred' }, () => ({
      contents: "exports.spawn = (...args) => require('node:child_process').spawn(...args);",
      loader: 'js',
    }));
  },
};

// Splitting puts every command (and what only it imports) in its own chunk, loaded by the command's
// dynamic import(): `cpixkit pssh decode` starts without parsing XML, HTTP or server code.
export default applicationConfig(
  { cli: 'src/cli.ts' },
  { banner, splitting: true, external, noExternal, esbuildPlugins: [deferChildProcess], onSuccess: copySchemas },
);
