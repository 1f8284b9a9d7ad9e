import { expect } from 'vitest';
import { runDir } from './run-dir.js';
import { describeFinding, findSecrets, savedLogs, type SecretLedger } from './secrets.js';

/**
 * Saves the file's ledger, searches every server log of this run so far for the file's keys, seeds
 * and tokens, prints the figures, and fails the file on any finding.
 */
export function expectNoSecretsInLogs(ledger: SecretLedger): void {
  ledger.save();
  const logs = savedLogs(runDir());
  const findings = findSecrets(logs, ledger.all);
  const lines = logs.reduce((count, log) => count + log.content.toString('utf8').split('\n').filter(Boolean).length, 0);
  console.log(
    `[reliability] secrets: ${ledger.all.length} keys, seeds and tokens searched in ${lines} log lines of ${logs.length} server processes: ${findings.length} found`,
  );
  expect(findings.map(describeFinding), 'keys, seeds and tokens in the server logs').toEqual([]);
}
