import { E2eError } from './errors.js';
import { REPO_ROOT, requireBuilt, runTool } from './tools.js';

/**
 * Runs the built CLI (`node apps/cli/dist/cli.js …`) as a user would and parses its `--json` output.
 * `env` is added to the environment (e.g. the token, so that it never appears on a command line).
 */
export async function cpixkitJson<T>(args: readonly string[], env: Record<string, string> = {}): Promise<T> {
  const cli = requireBuilt('apps/cli/dist/cli.js');
  // The command words only: option values may be tokens or keys.
  const command = `cpixkit ${args.filter((arg, index) => index < 2 && !arg.startsWith('-')).join(' ')}`;
  const { stdout } = await runTool(process.execPath, [cli, ...args, '--json'], {
    label: command,
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  const text = stdout.toString('utf8');
  try {
    return JSON.parse(text) as T;
  } catch {
    // No `cause`: JSON.parse quotes the text, which may hold keys.
    throw new E2eError('ERR_E2E_PROCESS_FAILED', `${command} printed no JSON (${text.length} characters on stdout)`);
  }
}
