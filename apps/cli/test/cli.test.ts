import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cpixkit } from './run.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** Every command with its own help, each of which must show an example. */
const COMMANDS = [
  ['pssh', 'decode'],
  ['pssh', 'encode'],
  ['playready', 'header'],
  ['keys', 'derive'],
  ['hls'],
  ['cpix', 'validate'],
  ['cpix', 'inspect'],
  ['cpix', 'decrypt'],
  ['cpix', 'encrypt'],
  ['cpix', 'sign'],
  ['cpix', 'verify'],
  ['request'],
  ['serve'],
  ['packager-args'],
];

describe('cpixkit binary', () => {
  it('prints its version', () => {
    expect(cpixkit(['--version']).stdout.trim()).toBe(version);
  });

  it('exits as its help says: an input file that cannot be read is invalid input (2), not a failure (3)', () => {
    expect(cpixkit(['--help']).stdout).toContain('2 invalid or unreadable input');
    for (const args of [
      ['pssh', 'decode', '@/nonexistent/box.bin'],
      ['cpix', 'inspect', '/nonexistent/answer.cpix'],
    ]) {
      const run = cpixkit(args);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/^cpixkit: ERR_CLI_READ_FAILED: /);
    }
  });

  for (const command of COMMANDS) {
    it(`shows help with an example for ${command.join(' ')}`, () => {
      const run = cpixkit([...command, '--help']);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain(`Usage: cpixkit ${command.join(' ')}`);
      expect(run.stdout).toMatch(/Examples:\n {2}\$ cpixkit /);
    });
  }

  it('exits 1 on an unknown command or option', () => {
    const unknown = cpixkit(['frobnicate']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
    expect(cpixkit(['pssh', 'decode', 'AAAA', '--frob']).status).toBe(1);
  });

  it('colours only when asked: never with NO_COLOR, never off a terminal', () => {
    const box = 'AAAAOHBzc2gAAAAA7e+LqXnWSs6jyCfc1R0h7QAAABgSEJjuVZbNPqINFjrjgkIMbv9I49yVmwY=';
    expect(cpixkit(['pssh', 'decode', box]).stdout).not.toContain('\u001b[');
    expect(cpixkit(['pssh', 'decode', box], { env: { FORCE_COLOR: '1' } }).stdout).toContain(
      '\u001b[1mPSSH Box v0\u001b[22m',
    );
    expect(cpixkit(['pssh', 'decode', box], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } }).stdout).not.toContain(
      '\u001b[',
    );
  });
});

describe('option choices', () => {
  it('match the libraries they stand for (kept apart only so that startup loads no library)', async () => {
    const { CPIX_DIALECTS } = await import('@cpixkit/client');
    const { COMMON_ENCRYPTION_SCHEMES } = await import('@cpixkit/cpix-model');
    const { SIGNATURE_TARGETS, DIALECTS, ENCRYPTION_SCHEMES } = await import('../src/choices.js');
    expect([...DIALECTS]).toEqual([...CPIX_DIALECTS]);
    expect([...ENCRYPTION_SCHEMES]).toEqual([...COMMON_ENCRYPTION_SCHEMES]);
    const help = cpixkit(['cpix', 'sign', '--help']).stdout;
    for (const target of SIGNATURE_TARGETS) expect(help).toContain(target);
  });
});
