import { describe, expect, it } from 'vitest';
import { parseCpix, serializeCpix, validateCpix, type CpixDocument, type CpixWarningCode } from '../src/index.js';
import { seedSamples, vectorCases } from '../../../tooling/src/fixtures.js';
import { onFirstUse } from '../../../tooling/src/on-first-use.js';
import { validateManyAgainstXsd, type XsdValidation } from './xsd.js';

/**
 * What each seed sample is, and what reading it must report. The PallyCon pages elide values with
 * `...` (INVALID_BASE64) and put children out of schema order; Axinom's SPEKE 2.0 request has a
 * non-canonical explicitIV; the AWS text has `DRMSysList`/`DRMSys` and its responses were broken
 * by PDF extraction (`</speke:Protec tionHeader>`); the Axinom/USP page lost lines of both samples.
 */
const EXPECTED: Record<string, { what: string; warnings?: CpixWarningCode[]; error?: string }> = {
  '000#1': { what: 'PallyCon DASH live request', warnings: [] },
  '000#2': { what: 'PallyCon DASH live response', warnings: ['CHILD_ORDER', 'INVALID_BASE64'] },
  '000#3': { what: 'PallyCon HLS live request', warnings: ['CHILD_ORDER'] },
  '000#4': { what: 'PallyCon HLS live response', warnings: ['CHILD_ORDER', 'INVALID_BASE64'] },
  '000#5': { what: 'PallyCon DASH VOD request', warnings: [] },
  '000#6': { what: 'PallyCon DASH VOD response', warnings: ['CHILD_ORDER', 'INVALID_BASE64'] },
  '000#7': { what: 'PallyCon HLS VOD request', warnings: [] },
  '000#8': { what: 'PallyCon HLS VOD response', warnings: ['CHILD_ORDER', 'INVALID_BASE64'] },
  '000#9': { what: 'PallyCon/Anevia DASH response', warnings: [] },
  '001#1': { what: 'PallyCon DASH VOD request', warnings: [] },
  '001#2': { what: 'PallyCon DASH VOD response', warnings: ['CHILD_ORDER', 'INVALID_BASE64'] },
  '001#3': { what: 'PallyCon HLS VOD request', warnings: [] },
  '001#4': { what: 'PallyCon HLS VOD response', warnings: ['CHILD_ORDER', 'INVALID_BASE64'] },
  '001#5': { what: 'PallyCon DASH live request', warnings: [] },
  '001#6': { what: 'PallyCon DASH live response', warnings: ['CHILD_ORDER', 'INVALID_BASE64'] },
  '001#7': { what: 'PallyCon HLS live request', warnings: ['CHILD_ORDER'] },
  '001#8': { what: 'PallyCon HLS live response', warnings: ['CHILD_ORDER', 'INVALID_BASE64'] },
  '001#9': { what: 'ATEME NEA-DVR DASH response', warnings: [] },
  '002#1': { what: 'Axinom SPEKE 2.0 request', warnings: ['NON_CANONICAL_BASE64'] },
  '002#2': { what: 'Axinom SPEKE 2.0 response', warnings: [] },
  '002#3': { what: 'Axinom SPEKE 1.0 request', warnings: [] },
  '002#4': { what: 'Axinom SPEKE 1.0 response', warnings: [] },
  '003#1': { what: 'AWS SPEKE live request (DRMSysList)', warnings: ['UNKNOWN_ELEMENT'] },
  '003#2': { what: 'AWS SPEKE live response, damaged', error: 'ERR_CPIX_XML_MALFORMED' },
  '003#3': { what: 'AWS SPEKE VOD request (DRMSysList)', warnings: ['UNKNOWN_ELEMENT'] },
  '003#4': { what: 'AWS SPEKE VOD response, damaged', error: 'ERR_CPIX_XML_MALFORMED' },
  '004#1': { what: 'Axinom/USP request, lines lost', error: 'ERR_CPIX_XML_MALFORMED' },
  '004#2': { what: 'Axinom/USP response, lines lost', error: 'ERR_CPIX_XML_MALFORMED' },
};

const samples = seedSamples();
const byName = new Map(samples.map((sample) => [sample.name, sample]));

function parsed(name: string): CpixDocument {
  const sample = byName.get(name);
  if (sample === undefined) throw new Error(`no seed sample ${name}`);
  return parseCpix(sample.xml).document;
}

const base64 = (bytes: Uint8Array | undefined): string | undefined =>
  bytes === undefined ? undefined : Buffer.from(bytes).toString('base64');

const VERSIONS = ['2.0', '2.3', '2.4'] as const;

describe('seed samples', () => {
  // Every readable sample written in every version, validated in one xmllint run per schema, by the
  // first test that asks.
  const validations = onFirstUse(async () => {
    const byKey = new Map<string, XsdValidation>();
    const readable = samples.filter((sample) => EXPECTED[sample.name]?.error === undefined);
    for (const schema of ['2.3', '2.4'] as const) {
      const jobs = readable.flatMap((sample) =>
        VERSIONS.filter((version) => (version === '2.4') === (schema === '2.4')).map((version) => ({
          key: `${sample.name} ${version}`,
          xml: serializeCpix(parseCpix(sample.xml).document, { version }),
        })),
      );
      const results = await validateManyAgainstXsd(
        jobs.map((job) => job.xml),
        schema,
      );
      jobs.forEach((job, index) => {
        byKey.set(job.key, results[index]!);
      });
    }
    return byKey;
  });

  it('finds every sample of the five seeds', () => {
    expect(samples.map((sample) => sample.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  describe.each(samples.map((sample) => [`${sample.name} ${EXPECTED[sample.name]?.what}`, sample] as const))(
    '%s',
    (_, sample) => {
      const expected = EXPECTED[sample.name]!;
      if (expected.error !== undefined) {
        it(`is refused with ${expected.error}`, () => {
          expect(() => parseCpix(sample.xml)).toThrowError(
            expect.objectContaining({ name: 'CpixError', code: expected.error }) as Error,
          );
        });
        return;
      }

      it('parses with the expected warnings', () => {
        const { warnings } = parseCpix(sample.xml);
        expect([...new Set(warnings.map((warning) => warning.code))].sort()).toEqual([...expected.warnings!].sort());
        const first = warnings[0];
        if (first === undefined) expect(() => parseCpix(sample.xml, { strict: true })).not.toThrow();
        else
          expect(() => parseCpix(sample.xml, { strict: true })).toThrowError(
            expect.objectContaining({ code: `ERR_CPIX_${first.code}`, path: first.path }) as Error,
          );
      });

      it.each(VERSIONS)(
        'serialises as CPIX %s, schema-valid and clean to read again',
        async (version) => {
          const { document } = parseCpix(sample.xml);
          const xml = serializeCpix(document, { version });
          expect((await validations()).get(`${sample.name} ${version}`)).toEqual({ valid: true, errors: [] });
          const again = parseCpix(xml, { strict: true });
          expect(again.document.version).toBe(version === '2.0' ? undefined : version);
          expect(again.document.contentKeyList?.contentKeys.map((key) => key.kid)).toEqual(
            document.contentKeyList?.contentKeys.map((key) => key.kid),
          );
        },
        120_000,
      );
    },
  );
});

describe('what the seeds carry', () => {
  it('keeps system ids in the case they were written (PallyCon upper case)', () => {
    const document = parsed('000#9');
    expect(document.drmSystemList?.drmSystems.map((system) => system.systemId)).toEqual([
      '9A04F079-9840-4286-AB92-E65BE0885F95',
      'EDEF8BA9-79D6-4ACE-A3C8-27DCD51D21ED',
    ]);
    expect(serializeCpix(document, { version: '2.3' })).toContain('systemId="9A04F079-9840-4286-AB92-E65BE0885F95"');
  });

  it('reads the non-canonical explicitIV of the Axinom request as the bytes of the canonical one in the response', () => {
    const sample = byName.get('002#1')!;
    const { document, warnings } = parseCpix(sample.xml);
    expect(warnings).toEqual([
      expect.objectContaining({ code: 'NON_CANONICAL_BASE64', path: '/CPIX/ContentKeyList/ContentKey[2]/@explicitIV' }),
    ]);
    const response = parsed('002#2');
    expect(base64(document.contentKeyList?.contentKeys[1]?.explicitIV)).toBe('L6jzdXrXAFbCJGBuMrrKrA==');
    expect(document.contentKeyList?.contentKeys[1]?.explicitIV).toEqual(
      response.contentKeyList?.contentKeys[1]?.explicitIV,
    );
    expect(serializeCpix(document, { version: '2.3' })).toContain('explicitIV="L6jzdXrXAFbCJGBuMrrKrA=="');
  });

  it('tells an absent list from an empty element (SPEKE presence rules)', () => {
    const request = parsed('002#1');
    expect(request.contentKeyPeriodList).toBeUndefined();
    expect(request.deliveryDataList).toBeUndefined();
    const playReady = request.drmSystemList?.drmSystems[2];
    expect(playReady?.pssh).toEqual(new Uint8Array(0));
    expect(playReady?.contentProtectionData?.value).toEqual(new Uint8Array(0));
    expect(playReady?.smoothStreamingProtectionHeaderData).toBe('');
    expect(playReady?.uriExtXKey).toBeUndefined();
    expect(playReady?.hlsSignalingData?.map((signaling) => signaling.playlist)).toEqual(['media', 'master']);
    expect(request.contentKeyUsageRuleList?.contentKeyUsageRules[0]?.videoFilters).toEqual([{}]);
  });

  it('writes master in 2.3 and multiVariant in 2.4 for the same HLSSignalingData', () => {
    const document = parsed('002#2');
    expect(serializeCpix(document, { version: '2.3' })).toContain('playlist="master"');
    const v24 = serializeCpix(document, { version: '2.4' });
    expect(v24).toContain('playlist="multiVariant"');
    expect(v24).not.toContain('playlist="master"');
  });

  it('validates the samples: the Axinom SPEKE 2.0 answer signals FairPlay for cenc keys (vectors note 8)', () => {
    expect(validateCpix(parsed('002#2')).map(({ code, path }) => `${code} ${path}`)).toEqual([
      'FAIRPLAY_NEEDS_CBCS /CPIX/DRMSystemList/DRMSystem[1]',
      'FAIRPLAY_NEEDS_CBCS /CPIX/DRMSystemList/DRMSystem[2]',
    ]);
    expect(validateCpix(parsed('000#2'))).toEqual([]);
  });

  it('keeps the AWS DRMSysList as an unknown element, echoed only on request', () => {
    const document = parsed('003#1');
    expect(document.drmSystemList).toBeUndefined();
    expect(document.extensions?.[0]).toMatch(
      /^<cpix:DRMSysList xmlns:cpix="urn:dashif:org:cpix" xmlns:speke="urn:aws:amazon:com:speke">/,
    );
    expect(serializeCpix(document, { version: '2.3' })).not.toContain('DRMSysList');
    expect(serializeCpix(document, { version: '2.3', unrepresentable: 'keep' })).toContain('<cpix:DRMSysList');
    expect(() => serializeCpix(document, { version: '2.3', unrepresentable: 'error' })).toThrow(
      expect.objectContaining({
        name: 'CpixError',
        code: 'ERR_CPIX_NOT_REPRESENTABLE',
        message: 'An extension element cannot be written in CPIX 2.3 (at /CPIX)',
      }),
    );
  });

  it('reads the PallyCon live request rule with its period and video filters', () => {
    const rule = parsed('000#1').contentKeyUsageRuleList?.contentKeyUsageRules[0];
    expect(rule).toEqual({
      kid: 'ca65e643-482c-4a21-a204-05570a1e276c',
      intendedTrackType: 'HD',
      keyPeriodFilters: [{ periodId: 'keyPeriod_e7c4423c-a2c6-46f4-bef3-2bfed6bae9c9' }],
      videoFilters: [{ minPixels: 921_600, maxPixels: 2_073_600 }],
    });
  });
});

describe('seed values against the verified vectors', () => {
  const documents = onFirstUse(() =>
    samples.flatMap((sample) => {
      try {
        return [{ name: sample.name, document: parseCpix(sample.xml).document }];
      } catch {
        return [];
      }
    }),
  );
  const systems = onFirstUse(() =>
    documents().flatMap(({ name, document }) =>
      (document.drmSystemList?.drmSystems ?? []).map((system) => ({ name, system })),
    ),
  );

  it.each(
    vectorCases('playready_pssh', 'widevine_pssh')
      .filter((c) => c.source.where?.includes('/ DRMSystem') === true && !c.name.startsWith('axinom'))
      .map((c) => [c.name, c] as const),
  )('%s: the seed PSSH is carried byte-exact and written back canonically', (_, vector) => {
    const kid = String(vector.inputs.kid);
    const matching = systems().filter(
      ({ system }) => system.kid === kid && base64(system.pssh) === vector.expected.pssh_b64,
    );
    expect(matching.length).toBeGreaterThan(0);
    const { name } = matching[0]!;
    const xml = serializeCpix(documents().find((d) => d.name === name)!.document, { version: '2.3' });
    expect(xml).toContain(`<cpix:PSSH>${String(vector.expected.pssh_b64)}</cpix:PSSH>`);
  });

  it.each(
    vectorCases('cpix_content_protection_data', 'widevine_pssh', 'hls_line')
      .filter((c) => c.source.seed_file?.startsWith('002') === true)
      .map((c) => [c.name, c] as const),
  )('%s: Axinom SPEKE 2.0 signalling is carried byte-exact', (_, vector) => {
    const kid = String(vector.inputs.kid);
    const response = parsed('002#2');
    const forKid = response.drmSystemList!.drmSystems.filter((system) => system.kid === kid);
    const values = forKid.flatMap((system) => [
      base64(system.contentProtectionData?.value),
      ...(system.hlsSignalingData ?? []).map((signaling) => `${signaling.playlist}:${base64(signaling.value)}`),
    ]);
    if (vector.expected.content_protection_data_b64 !== undefined)
      expect(values).toContain(vector.expected.content_protection_data_b64);
    if (vector.expected.hls_master_b64 !== undefined)
      expect(values).toContain(`master:${String(vector.expected.hls_master_b64)}`);
    if (vector.expected.hls_media_b64 !== undefined)
      expect(values).toContain(`media:${String(vector.expected.hls_media_b64)}`);
  });

  it.each(
    vectorCases('playready_checksum')
      .filter((c) => c.source.where?.includes('pskc:PlainValue') === true && !c.name.includes('client_json'))
      .map((c) => [c.name, c] as const),
  )('%s: the content key is carried byte-exact', (_, vector) => {
    const keys = documents().flatMap(({ document }) => document.contentKeyList?.contentKeys ?? []);
    const values = keys
      .filter((key) => key.kid === vector.inputs.kid)
      .map((key) => base64(key.data?.secret?.plainValue));
    expect(values).toContain(vector.inputs.key_b64);
  });

  it('carries the PallyCon FairPlay and NCG URIExtXKey values byte-exact', () => {
    const [vector] = vectorCases('fairplay_uri');
    const uris = systems().map(({ system }) => base64(system.uriExtXKey));
    for (const key of ['vod_urixkey_b64', 'live_urixkey_b64', 'ncg_aes128_urixkey_b64']) {
      expect(uris).toContain(vector!.expected[key]);
    }
  });
});
