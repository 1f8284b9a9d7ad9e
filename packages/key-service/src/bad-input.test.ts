import { join } from 'node:path';
import { parseCpix } from '@cpixkit/cpix-model';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { documentedErrorCodes } from '../../../tooling/src/error-codes.js';
import { expectDocumentedError } from '../../../tooling/src/fuzz-outcome.js';
import { MemoryKeyStore, TEST_KEY_SEED, TEST_SECRET, testTenant } from '../test/fixtures.js';
import { spekeV2Request, TWO_KEYS } from '../test/requests.js';
import { createKeyService, type Dialect, type KeyServiceAnswer, KeyServiceError } from './index.js';

const [KID, KID2] = TWO_KEYS;
const V2 = (request: Partial<Parameters<typeof spekeV2Request>[0]> = {}) =>
  spekeV2Request({ keys: [{ kid: KID }], systems: [{ system: 'widevine', kid: KID }], ...request });
const ROOT = 'xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc"';

/** Bodies refused by every dialect that reads one, with the code and status of the refusal. */
const BAD_BODIES: [string, string | Uint8Array | undefined, string, number][] = [
  ['no body', undefined, 'ERR_KEY_SERVICE_EMPTY_BODY', 400],
  ['an empty body', '', 'ERR_KEY_SERVICE_EMPTY_BODY', 400],
  ['a blank body', new Uint8Array([0x20, 0x0a]), 'ERR_KEY_SERVICE_EMPTY_BODY', 400],
  ['text that is not XML', 'kid=123', 'ERR_KEY_SERVICE_NOT_XML', 400],
  ['truncated XML', `<cpix:CPIX ${ROOT}><cpix:ContentKeyList>`, 'ERR_KEY_SERVICE_NOT_XML', 400],
  ['a DOCTYPE', `<!DOCTYPE x [<!ENTITY a "b">]><cpix:CPIX ${ROOT}/>`, 'ERR_KEY_SERVICE_DTD_FORBIDDEN', 400],
  ['another root', '<speke xmlns="urn:example"/>', 'ERR_KEY_SERVICE_NOT_CPIX', 400],
  ['CPIX in no namespace', '<CPIX/>', 'ERR_KEY_SERVICE_NOT_CPIX', 400],
  ['bytes that are not UTF-8', new Uint8Array([0x3c, 0x61, 0xff, 0xfe, 0x3e]), 'ERR_KEY_SERVICE_BAD_ENCODING', 400],
];

/** SPEKE v2 requests refused by its rules. */
const BAD_SPEKE_V2: [string, string, string, number][] = [
  ['no version', V2({ version: null }), 'ERR_KEY_SERVICE_UNSUPPORTED_VERSION', 422],
  ['CPIX 2.4', V2({ version: '2.4' }), 'ERR_KEY_SERVICE_UNSUPPORTED_VERSION', 422],
  ['no contentId', V2().replace('contentId="movie-1"', ''), 'ERR_KEY_SERVICE_MISSING_CONTENT_ID', 422],
  [
    'no ContentKeyList',
    V2().replace(/<cpix:ContentKeyList>.*<\/cpix:ContentKeyList>/, ''),
    'ERR_KEY_SERVICE_MISSING_LIST',
    422,
  ],
  [
    'an empty ContentKeyList',
    V2().replace(/<cpix:ContentKeyList>.*<\/cpix:ContentKeyList>/, '<cpix:ContentKeyList/>'),
    'ERR_KEY_SERVICE_EMPTY_LIST',
    422,
  ],
  [
    'two ContentKeyLists',
    V2().replace('<cpix:DRMSystemList>', '<cpix:ContentKeyList/><cpix:DRMSystemList>'),
    'ERR_KEY_SERVICE_INVALID_CPIX',
    422,
  ],
  [
    'no DRMSystemList',
    V2().replace(/<cpix:DRMSystemList>.*<\/cpix:DRMSystemList>/, ''),
    'ERR_KEY_SERVICE_MISSING_LIST',
    422,
  ],
  ['no usage rules', V2({ noRules: true }), 'ERR_KEY_SERVICE_MISSING_LIST', 422],
  [
    'an empty usage rule list',
    V2({ noRules: true }).replace('</cpix:CPIX>', '<cpix:ContentKeyUsageRuleList/></cpix:CPIX>'),
    'ERR_KEY_SERVICE_EMPTY_LIST',
    422,
  ],
  [
    'a ContentKey without kid',
    V2().replace(`<cpix:ContentKey kid="${KID}"`, '<cpix:ContentKey'),
    'ERR_KEY_SERVICE_MISSING_ATTRIBUTE',
    422,
  ],
  [
    'a ContentKey without scheme',
    V2().replace(' commonEncryptionScheme="cenc"', ''),
    'ERR_KEY_SERVICE_MISSING_SCHEME',
    422,
  ],
  ['an unknown scheme', V2({ keys: [{ kid: KID, scheme: 'ctr1' }] }), 'ERR_KEY_SERVICE_UNSUPPORTED_SCHEME', 422],
  ['a kid that is not a UUID', V2().replaceAll(KID, 'not-a-uuid'), 'ERR_KEY_SERVICE_INVALID_UUID', 422],
  ['a DRMSystem without systemId', V2().replace(/ systemId="[^"]+"/, ''), 'ERR_KEY_SERVICE_MISSING_ATTRIBUTE', 422],
  [
    'a DRMSystem without kid',
    V2().replace(`<cpix:DRMSystem kid="${KID}"`, '<cpix:DRMSystem'),
    'ERR_KEY_SERVICE_MISSING_ATTRIBUTE',
    422,
  ],
  [
    'a rule without kid',
    V2().replace(`<cpix:ContentKeyUsageRule kid="${KID}"`, '<cpix:ContentKeyUsageRule'),
    'ERR_KEY_SERVICE_MISSING_ATTRIBUTE',
    422,
  ],
  [
    'a rule without intendedTrackType',
    V2().replace(' intendedTrackType="VIDEO"', ''),
    'ERR_KEY_SERVICE_MISSING_TRACK_TYPE',
    422,
  ],
  ['a rule without filter', V2({ keys: [{ kid: KID, filter: 'none' }] }), 'ERR_KEY_SERVICE_RULE_WITHOUT_FILTER', 422],
  [
    'ALL next to another rule',
    V2({
      keys: [
        { kid: KID, trackType: 'ALL' },
        { kid: KID2, filter: 'audio' },
      ],
    }),
    'ERR_KEY_SERVICE_ALL_NOT_ALONE',
    422,
  ],
  [
    'FairPlay with a cenc key',
    V2({ systems: [{ system: 'fairplay', kid: KID }] }),
    'ERR_KEY_SERVICE_FAIRPLAY_NEEDS_CBCS',
    422,
  ],
  [
    'an unknown system id',
    V2().replace(/systemId="[^"]+"/, 'systemId="11111111-1111-1111-1111-111111111111"'),
    'ERR_KEY_SERVICE_UNSUPPORTED_SYSTEM',
    422,
  ],
  [
    'a DRMSystem kid not in the ContentKeyList',
    V2({ systems: [{ system: 'widevine', kid: KID2 }] }),
    'ERR_KEY_SERVICE_UNKNOWN_KID',
    422,
  ],
  [
    'a rule kid not in the ContentKeyList',
    V2().replace(`<cpix:ContentKeyUsageRule kid="${KID}"`, `<cpix:ContentKeyUsageRule kid="${KID2}"`),
    'ERR_KEY_SERVICE_UNKNOWN_KID',
    422,
  ],
  ['a duplicate kid', V2({ keys: [{ kid: KID }, { kid: KID.toUpperCase() }] }), 'ERR_KEY_SERVICE_DUPLICATE_KID', 422],
  [
    'a duplicate DRMSystem',
    V2({
      systems: [
        { system: 'widevine', kid: KID },
        { system: 'widevine', kid: KID },
      ],
    }),
    'ERR_KEY_SERVICE_DUPLICATE_DRM_SYSTEM',
    422,
  ],
  [
    'a period filter naming no period',
    V2({ keys: [{ kid: KID, period: 'nowhere' }] }),
    'ERR_KEY_SERVICE_UNKNOWN_PERIOD',
    422,
  ],
  [
    'an explicitIV that is not 16 bytes',
    V2({ keys: [{ kid: KID, explicitIV: 'AAECAwQFBgc=' }] }),
    'ERR_KEY_SERVICE_INVALID_IV',
    422,
  ],
  ['invalid base64', V2({ keys: [{ kid: KID, explicitIV: 'not base64!' }] }), 'ERR_KEY_SERVICE_INVALID_BASE64', 422],
  [
    'a key value sent by the client',
    V2().replace(
      /<cpix:ContentKey ([^/]*)\/>/,
      '<cpix:ContentKey $1><cpix:Data><pskc:Secret><pskc:PlainValue>AAAAAAAAAAAAAAAAAAAAAA==</pskc:PlainValue></pskc:Secret></cpix:Data></cpix:ContentKey>',
    ),
    'ERR_KEY_SERVICE_KEY_PROVIDED',
    422,
  ],
  // Empty placeholders that do not apply are removed (see test/corpus); ones that carry a value are refused.
  [
    'Smooth Streaming data holding a value, for Widevine',
    V2({
      systems: [
        {
          system: 'widevine',
          kid: KID,
          children: '<cpix:SmoothStreamingProtectionHeaderData>AAAA</cpix:SmoothStreamingProtectionHeaderData>',
        },
      ],
    }),
    'ERR_KEY_SERVICE_UNSUPPORTED_SIGNALING',
    422,
  ],
  [
    'a PSSH holding a value, for FairPlay',
    V2({
      keys: [{ kid: KID, scheme: 'cbcs' }],
      systems: [{ system: 'fairplay', kid: KID, children: '<cpix:PSSH>AAAA</cpix:PSSH>' }],
    }),
    'ERR_KEY_SERVICE_UNSUPPORTED_SIGNALING',
    422,
  ],
  [
    'an HLS line holding a value, for a cens key',
    V2({
      keys: [{ kid: KID, scheme: 'cens' }],
      systems: [
        {
          system: 'widevine',
          kid: KID,
          children: '<cpix:HLSSignalingData playlist="media">I0VYVA==</cpix:HLSSignalingData>',
        },
      ],
    }),
    'ERR_KEY_SERVICE_UNSUPPORTED_SIGNALING',
    422,
  ],
  [
    'a misspelt list (DRMSysList)',
    V2().replaceAll('cpix:DRMSystemList', 'cpix:DRMSysList'),
    'ERR_KEY_SERVICE_UNKNOWN_ELEMENT',
    422,
  ],
  [
    'a content id over 1024 characters',
    V2({ contentId: 'c'.repeat(1025) }),
    'ERR_KEY_SERVICE_CONTENT_ID_TOO_LONG',
    422,
  ],
  [
    'PlayReady for a cbc1 key',
    V2({
      keys: [{ kid: KID, scheme: 'cbc1' }],
      systems: [{ system: 'playready', kid: KID, children: '<cpix:PSSH/>' }],
    }),
    'ERR_KEY_SERVICE_UNSUPPORTED_SCHEME',
    422,
  ],
];

async function refusal(promise: Promise<unknown>): Promise<KeyServiceError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof KeyServiceError) return error;
    throw error;
  }
  throw new Error('the request was answered');
}

describe('every refusal has its own code, an HTTP status and a one-line reason', () => {
  const service = createKeyService();
  const tenant = testTenant();
  const dialects: Dialect[] = ['speke-v1', 'speke-v2', 'pallycon-v1', 'pallycon-v2'];

  for (const [what, body, code, status] of BAD_BODIES) {
    it.each(dialects)(`refuses ${what} (%s)`, async (dialect) => {
      const error = await refusal(service.answer({ tenant, dialect, body, baseUrl: 'https://k.example' }));
      expect([error.code, error.status]).toEqual([code, status]);
      expect(error.message).not.toMatch(/\n/);
    });
  }

  for (const [what, body, code, status] of BAD_SPEKE_V2) {
    it(`SPEKE v2 refuses ${what}`, async () => {
      const error = await refusal(service.answer({ tenant, dialect: 'speke-v2', body, baseUrl: 'https://k.example' }));
      expect([error.code, error.status, error.message]).toEqual([code, status, expect.not.stringMatching(/\n/)]);
    });
  }

  it('refuses more keys than the tenant allows with 413', async () => {
    const limited = testTenant({ settings: { maxKeysPerRequest: 1 } });
    const body = V2({ keys: [{ kid: KID }, { kid: KID2, filter: 'audio' }] });
    const error = await refusal(
      service.answer({ tenant: limited, dialect: 'speke-v2', body, baseUrl: 'https://k.example' }),
    );
    expect([error.code, error.status]).toEqual(['ERR_KEY_SERVICE_TOO_MANY_KEYS', 413]);
  });

  it('refuses a request padded far beyond what its keys need with 413, reading no further', async () => {
    // 64 keys (the default limit) × 128 elements + 1,024: 9,216 elements at most.
    const padded = V2()
      .replace('<cpix:CPIX ', '<cpix:CPIX xmlns:x="urn:example:padding" ')
      .replace('</cpix:CPIX>', `${'<x:Padding/>'.repeat(10_000)}</cpix:CPIX>`);
    const error = await refusal(
      service.answer({ tenant, dialect: 'speke-v2', body: padded, baseUrl: 'https://k.example' }),
    );
    expect([error.code, error.status, error.message]).toEqual([
      'ERR_KEY_SERVICE_TOO_LARGE',
      413,
      expect.stringContaining('9216 elements'),
    ]);
    // A tenant allowed more keys reads more: the same request is answered.
    const generous = testTenant({ settings: { maxKeysPerRequest: 1000 } });
    const answer = await service.answer({
      tenant: generous,
      dialect: 'speke-v2',
      body: padded,
      baseUrl: 'https://k.example',
    });
    expect(answer.body).toContain(KID);
  });

  it('refuses AES-128 when the tenant has it disabled', async () => {
    const tenantWithoutAes = testTenant({
      settings: { aes128: { enabled: false, keyUrlTtlSeconds: 60, allowDrmKeys: false } },
    });
    const body = V2({ keys: [{ kid: KID, scheme: 'cbcs' }], systems: [{ system: 'aes128', kid: KID }] });
    const error = await refusal(
      service.answer({ tenant: tenantWithoutAes, dialect: 'speke-v2', body, baseUrl: 'https://k.example' }),
    );
    expect([error.code, error.status]).toEqual(['ERR_KEY_SERVICE_AES128_DISABLED', 422]);
  });

  it('refuses a SPEKE v2 document on the SPEKE v1 route', async () => {
    const error = await refusal(
      service.answer({ tenant, dialect: 'speke-v1', body: V2(), baseUrl: 'https://k.example' }),
    );
    expect([error.code, error.status]).toEqual(['ERR_KEY_SERVICE_UNSUPPORTED_VERSION', 422]);
  });

  it('refuses an unknown dialect', async () => {
    const error = await refusal(
      service.answer({ tenant, dialect: 'speke-v3' as Dialect, body: V2(), baseUrl: 'https://k.example' }),
    );
    expect([error.code, error.status]).toEqual(['ERR_KEY_SERVICE_INVALID_REQUEST', 400]);
  });

  it('answers 503 when the key store fails or is missing, and never 500', async () => {
    const store = new MemoryKeyStore();
    store.failing = true;
    const storeTenant = testTenant({ keySource: 'store' });
    const failed = await refusal(
      createKeyService({ store }).answer({
        tenant: storeTenant,
        dialect: 'speke-v2',
        body: V2(),
        baseUrl: 'https://k.example',
      }),
    );
    expect([failed.code, failed.status, failed.message]).toEqual([
      'ERR_KEY_SERVICE_STORE_UNAVAILABLE',
      503,
      'the key store is unavailable',
    ]);
    const missing = await refusal(
      createKeyService().answer({ tenant: storeTenant, dialect: 'speke-v2', body: V2(), baseUrl: 'https://k.example' }),
    );
    expect([missing.code, missing.status]).toEqual(['ERR_KEY_SERVICE_NO_STORE', 503]);
  });

  it('answers arbitrary bytes with a CPIX document carrying every key it counts, or a documented KeyServiceError, and never leaks the seed or secret', async () => {
    const documentedCodes = documentedErrorCodes(join(import.meta.dirname, '..'));
    const seedText = [
      Buffer.from(TEST_KEY_SEED).toString('hex'),
      Buffer.from(TEST_KEY_SEED).toString('base64'),
      Buffer.from(TEST_SECRET).toString('base64'),
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.uint8Array({ maxLength: 200 }),
          fc
            .constantFrom(V2(), V2({ version: null }))
            .chain((xml) =>
              fc
                .tuple(fc.nat({ max: xml.length - 1 }), fc.string({ maxLength: 8 }))
                .map(([at, insert]) => xml.slice(0, at) + insert + xml.slice(at + 1)),
            ),
        ),
        fc.constantFrom<Dialect>('speke-v1', 'speke-v2', 'pallycon-v1', 'pallycon-v2'),
        async (body, dialect) => {
          let answer: KeyServiceAnswer;
          try {
            answer = await service.answer({ tenant, dialect, body, baseUrl: 'https://k.example' });
          } catch (error) {
            expectDocumentedError(error, KeyServiceError, documentedCodes);
            const { message, status } = error as KeyServiceError;
            expect(status).toBeGreaterThanOrEqual(400);
            for (const secret of seedText) expect(message).not.toContain(secret);
            return;
          }
          const keys = parseCpix(answer.body).document.contentKeyList?.contentKeys ?? [];
          expect(keys).toHaveLength(answer.keysIssued);
          expect(answer.keysIssued).toBeGreaterThan(0);
          for (const key of keys) expect(key.data?.secret?.plainValue).toHaveLength(16);
          for (const secret of seedText) expect(answer.body).not.toContain(secret);
        },
      ),
      { numRuns: 300 },
    );
  });
});
