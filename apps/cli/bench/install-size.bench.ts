import { join } from 'node:path';
import { bench, describe } from 'vitest';
import { installPacked } from '../../../tooling/src/packed-install.js';

// What `npm install cpixkit` costs a user: the packed CLI installed from its tarball into an empty prefix
// (third-party packages from the npm registry), beside the key server package, which holds what the CLI
// no longer installs (fastify, the database driver). Run `pnpm build` first.
const ROOT = join(import.meta.dirname, '../../..');
const once = { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 };

describe('install size', () => {
  for (const name of ['cpixkit', '@cpixkit/server']) {
    bench(
      `npm install ${name} (packed)`,
      () => {
        const installed = installPacked(ROOT, [name]);
        console.log(
          `[install size] ${name}: ${installed.packages.length} packages, ${(installed.bytes / 1e6).toFixed(1)} MB, ` +
            `${installed.installScripts.length} install scripts, ${installed.nativeModules.length} native modules, ${installed.seconds.toFixed(1)} s`,
        );
      },
      once,
    );
  }
});
