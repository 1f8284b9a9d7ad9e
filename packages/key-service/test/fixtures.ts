import { defaultTenantSettings, type KeyStore, type Tenant, type TenantSettings } from '../src/index.js';
import { seedSamples } from '../../cpix-model/test/seeds.js';

/** Microsoft's public PlayReady test key seed (vectors.json `ms_test_key_seed_bytes`), never a real one. */
export const TEST_KEY_SEED = Uint8Array.from(Buffer.from('5d5068bec9b384ff6044867159f16d6b755544fcd5116989b1acc4278e88', 'hex'));
/** A fixed derivation secret for tests. */
export const TEST_SECRET = Uint8Array.from(Buffer.from('test-derivation-secret-0123456789abcdef', 'utf8'));

/** A test tenant: seed keys, default settings unless overridden. */
export function testTenant(overrides: { id?: string; keySource?: Tenant['keySource']; settings?: Partial<TenantSettings> } = {}): Tenant {
  return {
    id: overrides.id ?? 'acme',
    keySeed: TEST_KEY_SEED,
    derivationSecret: TEST_SECRET,
    keySource: overrides.keySource ?? 'seed',
    settings: { ...defaultTenantSettings(), ...overrides.settings },
  };
}

/** An in-memory {@link KeyStore}, optionally preloaded (kid → base64 key), that counts its calls. */
export class MemoryKeyStore implements KeyStore {
  readonly keys = new Map<string, Uint8Array>();
  created = 0;
  failing = false;

  constructor(preloaded: Record<string, string> = {}, tenantId = 'acme') {
    for (const [kid, key] of Object.entries(preloaded)) this.keys.set(`${tenantId}/${kid}`, Uint8Array.from(Buffer.from(key, 'base64')));
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

/**
 * The CPIX samples of the seeds by what they are (names from cpix-model's `seedSamples`, in file
 * order). The AWS spec's (003) samples came out of a PDF as `DRMSysList`/`DRMSys`; the element names
 * are restored to `DRMSystemList`/`DRMSystem`, nothing else is changed.
 */
const SEED_NAMES = {
  pallyConDashLiveRequest: '000#1',
  pallyConDashLiveResponse: '000#2',
  pallyConHlsLiveRequest: '000#3',
  pallyConHlsLiveResponse: '000#4',
  pallyConDashVodRequest: '000#5',
  pallyConDashVodResponse: '000#6',
  pallyConHlsVodRequest: '000#7',
  pallyConHlsVodResponse: '000#8',
  atemeDashResponse: '000#9',
  pallyCon2DashVodRequest: '001#1',
  pallyCon2DashVodResponse: '001#2',
  pallyCon2HlsVodRequest: '001#3',
  pallyCon2DashLiveRequest: '001#5',
  pallyCon2HlsLiveRequest: '001#7',
  axinomSpekeV2Request: '002#1',
  axinomSpekeV2Response: '002#2',
  axinomSpekeV1Request: '002#3',
  axinomSpekeV1Response: '002#4',
  awsLiveRequest: '003#1',
  awsLiveResponse: '003#2',
  awsVodRequest: '003#3',
  awsVodResponse: '003#4',
} as const;

export type SeedName = keyof typeof SEED_NAMES;

const samples = new Map(seedSamples().map((sample) => [sample.name, sample.xml]));

/** One seed sample by name. */
export function seed(name: SeedName): string {
  const xml = samples.get(SEED_NAMES[name]);
  if (xml === undefined) throw new Error(`seed sample ${SEED_NAMES[name]} not found`);
  return name.startsWith('aws') ? xml.replace(/(<\/?cpix:)DRMSys(List)?\b/g, '$1DRMSystem$2') : xml;
}
