import { parseCpix } from '@cpixkit/cpix-model';
import { decodeWidevinePsshData, parsePsshBox, WIDEVINE_SYSTEM_ID, WidevineAlgorithm } from '@cpixkit/pssh';
import { describe, expect, it } from 'vitest';
import { testTenant } from '../test/fixtures.js';
import { spekeV2Request, TWO_KEYS } from '../test/requests.js';
import { createKeyService, type Dialect, type Tenant } from './index.js';

const BASE_URL = 'https://keys.example.com';
const NS = 'xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc"';
const PLACEHOLDER = '00000000-0000-0000-0000-000000000000';

/** A PallyCon request for one key of `contentId`: Widevine and PlayReady, a scheme and a track type when given. */
function pallyConRequest(contentId: string, options: { scheme?: string; trackType?: string } = {}): string {
  const scheme = options.scheme === undefined ? '' : ` commonEncryptionScheme="${options.scheme}"`;
  const rules =
    options.trackType === undefined
      ? ''
      : `<cpix:ContentKeyUsageRuleList><cpix:ContentKeyUsageRule kid="${PLACEHOLDER}" intendedTrackType="${options.trackType}"/></cpix:ContentKeyUsageRuleList>`;
  return (
    `<cpix:CPIX id="${contentId}" ${NS}><cpix:ContentKeyList><cpix:ContentKey kid="${PLACEHOLDER}"${scheme}/></cpix:ContentKeyList>` +
    `<cpix:DRMSystemList><cpix:DRMSystem kid="${PLACEHOLDER}" systemId="${WIDEVINE_SYSTEM_ID}"><cpix:PSSH/></cpix:DRMSystem></cpix:DRMSystemList>${rules}</cpix:CPIX>`
  );
}

async function answer(
  body: string,
  dialect: Dialect,
  tenant: Tenant = testTenant(),
  extra: { overrideKeyIds?: boolean; spekeRules?: 'aws' | 'axinom' } = {},
) {
  const reply = await createKeyService().answer({ tenant, dialect, body, baseUrl: BASE_URL, ...extra });
  const { document } = parseCpix(reply.body);
  const key = document.contentKeyList!.contentKeys[0]!;
  const widevine = document.drmSystemList!.drmSystems.find(
    (system) => system.systemId.toLowerCase() === WIDEVINE_SYSTEM_ID,
  )!;
  return {
    kid: key.kid,
    key: Buffer.from(key.data!.secret!.plainValue!).toString('hex'),
    data: decodeWidevinePsshData(parsePsshBox(widevine.pssh!).data),
  };
}

describe('the Widevine data reflects the key scheme in every dialect', () => {
  it.each([
    ['pallycon-v1', 'cbcs', undefined],
    ['pallycon-v2', 'cbc1', undefined],
    ['pallycon-v2', 'cens', WidevineAlgorithm.AESCTR],
    ['pallycon-v2', 'cenc', WidevineAlgorithm.AESCTR],
  ] as const)(
    '%s, %s: protection_scheme for any scheme but cenc, algorithm never AESCTR for a CBC scheme',
    async (dialect, scheme, algorithm) => {
      const { data } = await answer(pallyConRequest('movie', { scheme }), dialect);
      expect(data.protectionScheme).toBe(scheme === 'cenc' ? undefined : scheme);
      expect(data.algorithm).toBe(algorithm);
    },
  );

  it('SPEKE v2 writes protection_scheme for a cbcs key even when the tenant leaves it out for cenc', async () => {
    const tenant = testTenant({
      settings: { widevine: { contentId: 'none', protectionScheme: false, algorithm: true, trackType: false } },
    });
    const [kid] = TWO_KEYS;
    const request = (scheme: string) =>
      spekeV2Request({ keys: [{ kid, scheme }], systems: [{ system: 'widevine', kid, children: '<cpix:PSSH/>' }] });
    const cbcs = await answer(request('cbcs'), 'speke-v2', tenant);
    expect([cbcs.data.protectionScheme, cbcs.data.algorithm]).toEqual(['cbcs', undefined]);
    const cenc = await answer(request('cenc'), 'speke-v2', tenant);
    expect([cenc.data.protectionScheme, cenc.data.algorithm]).toEqual([undefined, WidevineAlgorithm.AESCTR]);
  });
});

describe('server-assigned KIDs', () => {
  it('gives a PallyCon request without usage rules the key of the track type its Widevine data names (HD)', async () => {
    const none = await answer(pallyConRequest('movie'), 'pallycon-v2');
    const hd = await answer(pallyConRequest('movie', { trackType: 'HD' }), 'pallycon-v2');
    expect(none.data.trackType).toBe('HD');
    expect([none.kid, none.key]).toEqual([hd.kid, hd.key]);
    const sd = await answer(pallyConRequest('movie', { trackType: 'SD' }), 'pallycon-v2');
    expect(sd.kid).not.toBe(hd.kid);
  });

  it("gives a content's cenc and cbcs packages different keys, unless the tenant says otherwise", async () => {
    const cenc = await answer(pallyConRequest('movie', { scheme: 'cenc' }), 'pallycon-v1');
    const unstated = await answer(pallyConRequest('movie'), 'pallycon-v1');
    const cbcs = await answer(pallyConRequest('movie', { scheme: 'cbcs' }), 'pallycon-v1');
    expect(unstated.kid).toBe(cenc.kid);
    expect(cbcs.kid).not.toBe(cenc.kid);
    expect(cbcs.key).not.toBe(cenc.key);
    const shared = testTenant({ settings: { kidPerScheme: false } });
    expect((await answer(pallyConRequest('movie', { scheme: 'cbcs' }), 'pallycon-v1', shared)).kid).toBe(
      (await answer(pallyConRequest('movie', { scheme: 'cenc' }), 'pallycon-v1', shared)).kid,
    );
  });

  it("derives Axinom's overridden KIDs per content, track type and scheme, the same on every request", async () => {
    const [kid] = TWO_KEYS;
    const request = (scheme: string) =>
      spekeV2Request({ keys: [{ kid, scheme }], systems: [{ system: 'widevine', kid, children: '<cpix:PSSH/>' }] });
    const options = { overrideKeyIds: true, spekeRules: 'axinom' } as const;
    const first = await answer(request('cenc'), 'speke-v2', testTenant(), options);
    expect(first.kid).not.toBe(kid);
    expect(first.data.keyIds).toEqual([first.kid]);
    expect((await answer(request('cenc'), 'speke-v2', testTenant(), options)).kid).toBe(first.kid);
    expect((await answer(request('cbcs'), 'speke-v2', testTenant(), options)).kid).not.toBe(first.kid);
    expect((await answer(request('cenc'), 'speke-v2', testTenant(), { spekeRules: 'axinom' })).kid).toBe(kid);
  });
});
