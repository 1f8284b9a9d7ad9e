import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ReliabilityError } from './support/errors.js';
import { describeFinding, findSecrets, savedLogs, savedSecrets } from './support/secrets.js';

/**
 * Makes the run directory every server of the suite logs into, and after the last test file
 * searches all those logs for every key, seed and token any test file used. Silent when none is
 * found (each file also checks its own and prints its figures), so that the test runner's summary
 * stays the last thing `pnpm test` prints.
 */
export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'cpixkit-reliability-'));
  project.provide('reliabilityRunDir', dir);
  return () => {
    const logs = savedLogs(dir);
    const secrets = savedSecrets(dir);
    const findings = findSecrets(logs, secrets);
    if (findings.length > 0) {
      // vitest reports an error thrown here but still exits 0: the exit code says it.
      process.exitCode = 1;
      const where = findings.slice(0, 10).map(describeFinding);
      throw new ReliabilityError(
        'ERR_RELIABILITY_SECRET_IN_LOG',
        `secrets in server logs (kept in ${dir}): ${where.join('; ')}`,
      );
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
