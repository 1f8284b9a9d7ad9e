import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The code blocks of a package README fenced as ```ts, in order. A package's README example test
 * checks that the README shows its `examples/*.ts` file verbatim and then runs that file, so the
 * example a reader copies is the one that ran.
 */
export function readmeCodeBlocks(packageDir: string): string[] {
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
}
