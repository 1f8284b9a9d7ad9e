import { enableCompileCache } from 'node:module';

// V8's compiled code of the bundle is kept on disk between runs (Node's module compile cache, in the
// system's temporary directory unless NODE_COMPILE_CACHE says otherwise): a warm start skips compiling.
enableCompileCache();

// `--version` alone answers without building the command tree; everything else loads it.
const [only, ...rest] = process.argv.slice(2);
if (rest.length === 0 && (only === '--version' || only === '-V')) {
  process.stdout.write(`${(await import('./version.js')).version}\n`);
} else {
  await import('./run.js');
}
