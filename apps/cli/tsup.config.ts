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
const noExternal = ['commander', '@bufbuild/protobuf'];

const banner = { js: '#!/usr/bin/env node' };

/**
 * Node built-ins are taken with process.getBuiltinModule instead of `import`: an ES module namespace of a
 * built-in reads every lazy export it has (node:fs its promises and streams, node:util its argument parser,
 * diff and worker threads, node:process its reporter), which was a third of `cpixkit pssh decode`'s own
 * start. Each built-in becomes a module of one pure read per export, so the bundle keeps only the reads of
 * the names it imports. commander imports node:child_process only to spawn executable subcommands, which
 * cpixkit has none of: its one use, `spawn`, loads the module when called.
 */
const builtinsOnDemand: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'builtins-on-demand',
  setup(build) {
    // tsup's own plugin, which would take `node:` imports first, is off (removeNodeProtocol: false in the preset).
    build.onResolve({ filter: /^node:/ }, ({ path, importer }) => ({
      path,
      namespace: path === 'node:child_process' && /[\\/]commander[\\/]/.test(importer) ? 'deferred' : 'builtin',
      sideEffects: false,
    }));
    build.onLoad({ filter: /.*/, namespace: 'builtin' }, ({ path }) => {
      const names = Object.keys(process.getBuiltinModule(path)).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name));
      const id = JSON.stringify(path);
      return {
        contents: [
          `const builtin$ = process.getBuiltinModule(${id});`,
          'const read$ = (name) => builtin$[name];',
          'export default builtin$;',
          ...names
            .filter((name) => name !== 'default')
            .map((name) => `export const ${name} = /* @__PURE__ */ read$('${name}');`),
        ].join('\n'),
        loader: 'js',
      };
    });
    build.onLoad({ filter: /.*/, namespace: 'deferred' }, () => ({
      contents: [
        "export const spawn = (...args) => process.getBuiltinModule('node:child_process').spawn(...args);",
        'export default { spawn };',
      ].join('\n'),
      loader: 'js',
    }));
  },
};

// Splitting puts every command (and what only it imports) in its own chunk, loaded by the command's
// dynamic import(): `cpixkit pssh decode` starts without parsing XML, HTTP or server code.
export default applicationConfig(
  { cli: 'src/cli.ts' },
  { banner, splitting: true, external, noExternal, esbuildPlugins: [builtinsOnDemand], onSuccess: copySchemas },
);
