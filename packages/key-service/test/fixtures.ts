import { defaultTenantSettings, type KeyStore, type Tenant, type TenantSettings } from '../src/index.js';
import { fromHex, vectorCase } from '../../../tooling/src/fixtures.js';

/** Microsoft's public PlayReady test key seed (vectors.json `ms_test_key_seed_bytes`), never a real one. */
export const TEST_KEY_SEED = fromHex(vectorCase('ms_test_key_seed_bytes').expected.key_seed_hex);
/** A fixed derivation secret for tests. */
export const TEST_SECRET = Uint8Array.from(Buffer.from('test-derivation-secret-0123456789abcdef', 'utf8'));

/**
 * A test tenant: seed keys, default settings unless overridden, except that it lets a key serve
 * HLS AES-128 and a DRM system together, as the AWS SPEKE v1 and PallyCon NCG samples ask
 * (`clear-key-policy.test.ts` checks the default, which refuses that).
 */
export function testTenant(
  overrides: { id?: string; keySource?: Tenant['keySource']; settings?: Partial<TenantSettings> } = {},
): Tenant {
  const defaults = defaultTenantSettings();
  return {
    id: overrides.id ?? 'acme',
    keySeed: TEST_KEY_SEED,
    derivationSecret: TEST_SECRET,
    keySource: overrides.keySource ?? 'seed',
    settings: { ...defaults, aes128: { ...defaults.aes128, allowDrmKeys: true }, ...overrides.settings },
  };
}

/** An in-memory {@link KeyStore}, optionally preloaded (kid → base64 key), that counts its calls. */
export class MemoryKeyStore implements KeyStore {
  readonly keys = new Map<string, Uint8Array>();
  created = 0;
  failing = false;

  constructor(preloaded: Record<string, string> = {}, tenantId = 'acme') {
    for (const [kid, key] of Object.entries(preloaded))
      this.keys.set(`${tenantId}/${kid}`, Uint8Array.from(Buffer.from(key, 'base64')));
  }

  async getOrCreateKey(tenantId: string, kid: string, create: () => Uint8Array): Promise<Uint8Array> {
    if (this.failing) throw new Error('connection refused');
    const id = `${tenantId}/${kid}`;
    let key = this.keys.get(id);
    if (key === undefined) {
      key = create();
      this.created += 1;
      this.keys.set(id, key);
    }
    return key;
  }

  async getKey(tenantId: string, kid: string): Promise<Uint8Array | undefined> {
    if (this.failing) throw new Error('connection refused');
    return this.keys.get(`${tenantId}/${kid}`);
  }
}

export { type SeedName, seedDocument as seed } from '../../../tooling/src/fixtures.js';
