import { describe, expect, it } from 'vitest';
import { requireBuilt, requireTool, runTool } from './tools.js';

describe('the harness fails, never skips, when something is missing', () => {
  it('names the install script when a tool is not on PATH', () => {
    expect(() => requireTool('cpixkit-e2e-no-such-tool')).toThrow(
      expect.objectContaining({
        name: 'E2eError',
        code: 'ERR_E2E_TOOL_MISSING',
        message: expect.stringContaining('bash tooling/scripts/install-system-deps.sh cpixkit-e2e-no-such-tool'),
      }),
    );
    expect(() => requireTool('ffmpeg')).not.toThrow();
  });

  it('names the build command when a built file is missing', () => {
    expect(() => requireBuilt('apps/no-such-app/dist/main.js')).toThrow(
      expect.objectContaining({
        code: 'ERR_E2E_NOT_BUILT',
        message: expect.stringContaining('npx -y pnpm@10.34.9 build'),
      }),
    );
  });

  it('reports a failed tool run by its label and stderr, never its arguments', async () => {
    const secret = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    const failure = runTool('sh', ['-c', 'echo "it broke" >&2; exit 3', secret], { label: 'sh (failing)' });
    await expect(failure).rejects.toThrow(
      expect.objectContaining({ code: 'ERR_E2E_PROCESS_FAILED', message: 'sh (failing) failed (exit 3):\nit broke' }),
    );
    await expect(failure).rejects.toThrow(expect.not.objectContaining({ message: expect.stringContaining(secret) }));
  });
});
