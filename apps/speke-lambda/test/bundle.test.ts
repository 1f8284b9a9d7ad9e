import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seedDocument } from '../../../tooling/src/fixtures.js';
import { createSpekeHandler } from '../src/handler.js';
import { functionUrlEvent } from './events.js';

// Runs after a build (the root `pnpm test` builds first): dist/ copied where no node_modules can be
// found must work on its own, as it does in Lambda, and answer as the sources do.
const dist = new URL('../dist/', import.meta.url).pathname;
const built = existsSync(join(dist, 'handler.js'));
const scratch = mkdtempSync(join(tmpdir(), 'cpixkit-lambda-bundle-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const request = {
  method: 'POST',
  path: '/speke/v2.0/copyProtection',
  headers: { 'Content-Type': 'application/xml', 'X-Speke-Version': '2.0' },
  body: seedDocument('axinomSpekeV2Request').replaceAll(
    'commonEncryptionScheme="cenc"',
    'commonEncryptionScheme="cbcs"',
  ),
  base64: true,
};

describe.skipIf(!built)('the built bundle', () => {
  it('loads with nothing installed beside it and answers as the sources', async () => {
    cpSync(dist, scratch, { recursive: true });
    const keySeed = randomBytes(32).toString('base64');
    const event = functionUrlEvent(request);
    const script = `
      const { handler } = await import(${JSON.stringify(join(scratch, 'handler.js'))});
      const result = await handler(JSON.parse(process.env.EVENT));
      process.stdout.write('\\n' + JSON.stringify(result));
    `;
    const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: scratch,
      env: { PATH: process.env.PATH, CPIXKIT_KEY_SEED: keySeed, EVENT: JSON.stringify(event) },
      encoding: 'utf8',
    });
    const fromBundle = JSON.parse(stdout.split('\n').at(-1)!);
    const fromSources = await createSpekeHandler({ env: { CPIXKIT_KEY_SEED: keySeed }, log: () => {} })(event);
    expect(fromBundle.statusCode).toBe(200);
    expect(fromBundle, 'the bundle answers differently from the sources: is dist/ stale? rebuild it').toEqual(
      fromSources,
    );
  });

  it('is one ES module that imports only Node built-ins and, lazily, the AWS SDK', () => {
    const code = readFileSync(join(dist, 'handler.js'), 'utf8');
    const specifiers = [...code.matchAll(/(?:^|\n)import\s[^;]*?from\s*"([^"]+)"|import\("([^"]+)"\)/g)].map(
      (match) => match[1] ?? match[2],
    );
    expect(specifiers.length).toBeGreaterThan(0);
    for (const specifier of specifiers) {
      expect(specifier).toMatch(/^(node:)?(crypto|buffer|util|zlib)$|^@aws-sdk\/client-secrets-manager$/);
    }
    const manifest = JSON.parse(readFileSync(join(dist, 'package.json'), 'utf8'));
    expect(manifest).toMatchObject({ type: 'module', private: true });
    expect(manifest).not.toHaveProperty('dependencies');
  });
});
