import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ReliabilityError } from './support/errors.js';
import { findSecrets, savedLogs, savedSecrets } from './support/secrets.js';

/**
 * Makes the run directory every server of the suite logs into, and after the last test file
 * searches all those logs for every key, seed and token any test file used.
 */
export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'cpixkit-reliability-'));
  project.provide('reliabilityRunDir', dir);
  return () => {
    const logs = savedLogs(dir);
    const secrets = savedSecrets(dir);
    const lines = logs.reduce((count, log) => count + log.content.toString('utf8').split('\n').filter(Boolean).length, 0);
    const findings = findSecrets(logs, secrets);
    console.log(
      `[reliability] secrets: ${secrets.length} keys, seeds and tokens searched in ${lines} log lines of ${logs.length} server processes: ${findings.length} found`,
    );
    if (findings.length > 0) {
      // vitest reports an error thrown here but still exits 0: the exit code says it.
      process.exitCode = 1;
      const where = findings.slice(0, 10).map((finding) => `${finding.label} (${finding.form}) in ${finding.file}`);
      throw new ReliabilityError('ERR_RELIABILITY_SECRET_IN_LOG', `secrets in server logs (kept in ${dir}): ${where.join('; ')}`);
    }
    rmSync(dir, { recursive: true, force: true });
  };
}
