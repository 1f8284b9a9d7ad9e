// Bundled into the CLI: no package.json is read at run time.
import packageJson from '../package.json' with { type: 'json' };

/** The CLI's own version, from its package.json. */
export const version: string = packageJson.version;
