import { fileURLToPath } from 'node:url';
import { defineConfig } from 'tsup';

// `pnpm demo` bundles e2e/demo.ts (and the e2e support modules it shares with the browser test) into one ES
// module. Its output directory is two levels below the repository root, as e2e/support is, so the support
// modules find the root (REPO_ROOT) from the bundle as they do from their sources.
export default defineConfig({
  entry: { demo: fileURLToPath(new URL('demo.ts', import.meta.url)) },
  outDir: '.cpixkit/demo',
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  bundle: true,
  clean: true,
  silent: true,
  esbuildOptions(options) {
    options.alias = { '@cpixkit/pssh': fileURLToPath(new URL('../packages/pssh/src/index.ts', import.meta.url)) };
  },
});
