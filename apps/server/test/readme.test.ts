import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { readmeCodeBlocks } from '../../../tooling/src/readme.js';
const dir = new URL('..', import.meta.url).pathname;
it('README shows the example that runs', async () => {
  expect(readmeCodeBlocks(dir)).toContain(readFileSync(`${dir}/examples/readme.ts`, 'utf8'));
  await import('../examples/readme.js');
});

it("README's tenants config example is valid", async () => {
  const { parse } = await import('yaml');
  const { resolveTenantsConfig } = await import('@cpixkit/key-service');
  const { resolveEnvReferences } = await import('../src/index.js');
  const yaml = /```yaml\n([\s\S]*?)```/.exec(readFileSync(`${dir}/README.md`, 'utf8'))?.[1];
  expect(yaml).toBeDefined();
  const env = {
    ACME_KEY_SEED: Buffer.alloc(30, 1).toString('base64'),
    ACME_DERIVATION_SECRET: Buffer.alloc(32, 2).toString('hex'),
    STUDIO_KEY_URL_SECRET: Buffer.alloc(32, 3).toString('base64'),
  };
  const tenants = resolveTenantsConfig(resolveEnvReferences(parse(yaml!), env));
  expect(tenants.map((tenant) => [tenant.id, tenant.keySource])).toEqual([
    ['acme', 'seed'],
    ['studio', 'store'],
  ]);
  expect(tenants[1]!.settings.playReady.headerVersion).toBe('4.3.0.0');
});
