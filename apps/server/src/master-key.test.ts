import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDir } from './data-dir.js';
import { loadMasterKey, MASTER_KEY_FILE } from './master-key.js';

const dirs: string[] = [];
function tempDataDir(): DataDir {
  const dir = mkdtempSync(join(tmpdir(), 'cpixkit-master-'));
  dirs.push(dir);
  return new DataDir(join(dir, 'data'));
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('loadMasterKey', () => {
  it('generates a key into the data directory once (0600 in a 0700 directory) and reuses it', () => {
    const dataDir = tempDataDir();
    const first = loadMasterKey(undefined, dataDir);
    expect(first).toHaveLength(32);
    expect(statSync(dataDir.path).mode & 0o777).toBe(0o700);
    expect(statSync(dataDir.file(MASTER_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(Buffer.from(loadMasterKey(undefined, dataDir))).toEqual(Buffer.from(first));
  });

  it('takes CPIXKIT_MASTER_KEY as hex or base64', () => {
    const key = randomBytes(32);
    const dataDir = tempDataDir();
    expect(Buffer.from(loadMasterKey(key.toString('hex'), dataDir))).toEqual(key);
    expect(Buffer.from(loadMasterKey(key.toString('base64'), dataDir))).toEqual(key);
    expect(Buffer.from(loadMasterKey(key.toString('base64url'), dataDir))).toEqual(key);
  });

  it('rejects a configured key of the wrong size without echoing it', () => {
    const secret = randomBytes(16).toString('hex');
    expect(() => loadMasterKey(secret, tempDataDir())).toThrow(/CPIXKIT_MASTER_KEY must be 32 bytes as hex or base64/);
    try {
      loadMasterKey(secret, tempDataDir());
    } catch (error) {
      expect((error as Error).message).not.toContain(secret);
    }
  });
});
