import { createRequire } from 'node:module';

/** The CLI's own version, from its package.json (next to `dist/`). */
export const version = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
