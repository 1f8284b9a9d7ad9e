import { expect } from 'vitest';
import { runDir } from './run-dir.js';
import { type SecretLedger, secretsInLogs } from './secrets.js';

/** Saves the file's ledger and fails the file if a server log of this run holds one of its secrets. */
export function expectNoSecretsInLogs(ledger: SecretLedger): void {
  ledger.save();
  expect(secretsInLogs(runDir(), ledger), 'keys, seeds and tokens in the server logs').toEqual([]);
}
