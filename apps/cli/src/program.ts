import { Command } from 'commander';
import { createRequire } from 'node:module';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** Builds the `cpixkit` command tree. */
export function buildProgram(): Command {
  return new Command('cpixkit')
    .description('Request, inspect and convert CPIX documents, PSSH boxes, PlayReady headers and HLS key lines.')
    .version(version);
}
