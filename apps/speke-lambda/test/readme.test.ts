import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { readmeCodeBlocks } from '../../../tooling/src/readme.js';
const dir = new URL('..', import.meta.url).pathname;
it('README shows the example that runs', async () => {
  expect(readmeCodeBlocks(dir)).toContain(readFileSync(`${dir}/examples/readme.ts`, 'utf8'));
  await import('../examples/readme.js');
});
