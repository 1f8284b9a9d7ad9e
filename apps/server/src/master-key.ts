import { randomBytes } from 'node:crypto';
import type { DataDir } from './data-dir.js';
import { ServerError } from './errors.js';
import { MASTER_KEY_LENGTH } from './sealed-key.js';

/** Name of the generated master key file in the data directory. */
export const MASTER_KEY_FILE = 'master.key';

function decodeMasterKey(text: string, source: string): Uint8Array {
  const trimmed = text.trim();
  const bytes = /^[0-9a-f]{64}$/i.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : /^[A-Za-z0-9+/]{43}=?$|^[A-Za-z0-9_-]{43}$/.test(trimmed)
      ? Buffer.from(trimmed, trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64')
      : undefined;
  if (bytes === undefined || bytes.length !== MASTER_KEY_LENGTH) {
    throw new ServerError('ERR_SERVER_CONFIG', 500, `${source} must be ${MASTER_KEY_LENGTH} bytes as hex or base64`);
  }
  return new Uint8Array(bytes);
}

/**
 * The master key that seals stored content keys: `CPIXKIT_MASTER_KEY` when given, otherwise the
 * key in the data directory's `master.key`, generated (mode 0600) on first use.
 */
export function loadMasterKey(configured: string | undefined, dataDir: DataDir): Uint8Array {
  if (configured !== undefined) return decodeMasterKey(configured, 'CPIXKIT_MASTER_KEY');
  const existing = dataDir.read(MASTER_KEY_FILE);
  if (existing !== undefined) return decodeMasterKey(existing, dataDir.file(MASTER_KEY_FILE));
  dataDir.createSecretFile(MASTER_KEY_FILE, `${randomBytes(MASTER_KEY_LENGTH).toString('base64')}\n`);
  // Read back: if another process created the file first, its key is the one to use.
  return decodeMasterKey(dataDir.read(MASTER_KEY_FILE) ?? '', dataDir.file(MASTER_KEY_FILE));
}
