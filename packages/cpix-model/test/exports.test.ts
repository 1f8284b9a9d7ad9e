import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// Both entries, as a TypeScript user of the built package resolves them (run `pnpm build` first).
const PACKAGE = join(import.meta.dirname, '..');
const ROOT = join(PACKAGE, '../..');
const project = mkdtempSync(join(tmpdir(), 'cpixkit-exports-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));
mkdirSync(join(project, 'node_modules/@cpixkit'), { recursive: true });
symlinkSync(PACKAGE, join(project, 'node_modules/@cpixkit/cpix-model'));
writeFileSync(
  join(project, 'use.ts'),
  "import { parseCpix } from '@cpixkit/cpix-model';\nimport { signCpix, verifyCpixSignatures } from '@cpixkit/cpix-model/signature';\nexport const used = [parseCpix, signCpix, verifyCpixSignatures];\n",
);

describe('the entries resolve with their types', () => {
  it.each([
    ['node10', 'commonjs'],
    ['node16', 'node16'],
    ['nodenext', 'nodenext'],
    ['bundler', 'esnext'],
  ])(
    'under moduleResolution %s',
    (moduleResolution, module) => {
      const args = [
        '--noEmit',
        '--strict',
        '--skipLibCheck',
        '--module',
        module,
        '--moduleResolution',
        moduleResolution,
      ];
      args.push(
        '--ignoreDeprecations',
        '6.0',
        '--types',
        'node',
        '--typeRoots',
        join(ROOT, 'node_modules/@types'),
        'use.ts',
      );
      expect(() =>
        execFileSync(join(ROOT, 'node_modules/.bin/tsc'), args, { cwd: project, encoding: 'utf8' }),
      ).not.toThrow();
    },
    60_000,
  );
});
