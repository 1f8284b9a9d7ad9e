import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cpixkit } from './run.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The ```console blocks: a `$ cpixkit …` line, then the output the README promises. */
const consoleBlocks = [...readme.matchAll(/```console\n\$ cpixkit (.*)\n([\s\S]*?)```/g)].map((match) => ({
  args: match[1]!.split(' '),
  output: match[2]!,
}));

describe('README', () => {
  it('shows at least one runnable example per input-only command', () => {
    expect(consoleBlocks.map((block) => block.args.slice(0, 2).join(' '))).toEqual([
      'pssh decode',
      'pssh encode',
      'playready header',
      'keys derive',
      'hls --drm',
    ]);
  });

  for (const block of consoleBlocks) {
    it(`prints what it shows for: cpixkit ${block.args.slice(0, 2).join(' ')}`, () => {
      const run = cpixkit(block.args);
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe(block.output);
    });
  }

  it('documents every command', () => {
    const help = cpixkit(['--help']).stdout;
    for (const command of [
      'pssh decode',
      'pssh encode',
      'playready header',
      'keys derive',
      'hls',
      'cpix validate',
      'cpix inspect',
      'cpix decrypt',
      'cpix encrypt',
      'cpix sign',
      'cpix verify',
      'request',
      'serve',
      'packager-args',
    ]) {
      expect(readme).toContain(`## \`cpixkit ${command}`);
    }
    for (const top of ['pssh', 'playready', 'keys', 'hls', 'cpix', 'packager-args', 'request', 'serve'])
      expect(help).toContain(`  ${top}`);
  });
});
