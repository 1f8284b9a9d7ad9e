import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';

const src = new URL('../src/', import.meta.url).pathname;

/** The bare module specifiers a source file reaches through its static imports, with the files visited. */
function staticImports(entry: string): { packages: Set<string>; files: Set<string> } {
  const packages = new Set<string>();
  const files = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    // `import … from '…'` and `export … from '…'`, not `import('…')` (loaded only when called).
    for (const [, specifier] of text.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'/gm)) {
      if (specifier!.startsWith('.')) visit(join(dirname(file), specifier!.replace(/\.js$/, '.ts')));
      else packages.add(specifier!);
    }
  };
  visit(join(src, entry));
  return { packages, files };
}

it('the main entry never loads xml-crypto, xmldom or node-forge', () => {
  const { packages, files } = staticImports('index.ts');
  expect(files.has(join(src, 'encryption.ts'))).toBe(true);
  for (const name of ['xml-crypto', '@xmldom/xmldom', 'node-forge']) expect(packages.has(name)).toBe(false);
});

it('the signature entry brings xml-crypto and xmldom', () => {
  const { packages } = staticImports('signature.ts');
  expect(packages.has('xml-crypto')).toBe(true);
  expect(packages.has('@xmldom/xmldom')).toBe(true);
});
