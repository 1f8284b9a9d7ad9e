import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The generated keys and certificates (PEM text; DER and PKCS#12 as bytes). */
export interface CryptoFixtures {
  dir: string;
  pem(name: string): string;
  key(name: string): string;
  bytes(file: string): Uint8Array;
}

const SCRIPT = new URL('./fixtures/make-certs.sh', import.meta.url).pathname;
// Per day, so certificates (valid 30 days) never age out under a long-lived temp dir.
const SHARED = join(tmpdir(), `cpixkit-cpix-model-test-certs-${new Date().toISOString().slice(0, 10)}`);

/**
 * Generates the test certificates once per machine run with openssl (fixtures/make-certs.sh) into
 * the temp dir; several test files share them. Call it from a `beforeAll` (it takes seconds).
 */
export function cryptoFixtures(): CryptoFixtures {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch {
    throw new Error('openssl is required for the crypto tests: run tooling/scripts/install-system-deps.sh openssl');
  }
  if (!existsSync(join(SHARED, 'recipient1.p12'))) {
    const fresh = mkdtempSync(join(tmpdir(), 'cpixkit-certs-'));
    execFileSync('sh', [SCRIPT, fresh], { stdio: 'inherit' });
    try {
      renameSync(fresh, SHARED);
    } catch {
      rmSync(fresh, { recursive: true, force: true }); // another worker got there first
    }
  }
  return {
    dir: SHARED,
    pem: (name) => readFileSync(join(SHARED, `${name}.pem`), 'utf8'),
    key: (name) => readFileSync(join(SHARED, `${name}.key`), 'utf8'),
    bytes: (file) => new Uint8Array(readFileSync(join(SHARED, file))),
  };
}
