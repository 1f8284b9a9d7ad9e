import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../tooling/src/thrown.js';
import { fullDocument23, fullDocument24, SIGNATURE } from '../test/documents.js';
import { validateAgainstXsd } from '../test/xsd.js';
import { CpixError, parseCpix, serializeCpix, type CpixDocument } from './index.js';

const KID = '98ee5596-cd3e-a20d-163a-e382420c6eff';

async function expectValid(xml: string, version: '2.3' | '2.4'): Promise<void> {
  const result = await validateAgainstXsd(xml, version);
  expect(result.errors).toEqual([]);
}

/** Signatures are kept verbatim apart from the namespace declarations re-stated on them: compare their content. */
function expectSameDocument(actual: CpixDocument, expected: CpixDocument): void {
  const body = (signature: string): string => signature.slice(signature.indexOf('>'));
  expect(actual.signatures?.map(body)).toEqual(expected.signatures?.map(body));
  expect({ ...actual, signatures: undefined }).toEqual({ ...expected, signatures: undefined });
}

function expectCode(run: () => unknown, code: string, path?: string): void {
  const error = thrownBy(run, CpixError);
  expect(error.code).toBe(code);
  if (path !== undefined) expect(error.path).toBe(path);
}

describe('serializeCpix', () => {
  it('writes every CPIX 2.3 field schema-valid and reads it back unchanged', async () => {
    const document = fullDocument23();
    const xml = serializeCpix(document, { version: '2.3' });
    await expectValid(xml, '2.3');
    expectSameDocument(parseCpix(xml, { strict: true }).document, document);
  }, 30_000);

  it('writes every CPIX 2.4 field schema-valid and reads it back unchanged', async () => {
    const document = fullDocument24();
    const xml = serializeCpix(document, { version: '2.4' });
    await expectValid(xml, '2.4');
    expectSameDocument(parseCpix(xml, { strict: true }).document, document);
  }, 30_000);

  it('writes 2.0 as SPEKE v1 does: no version attribute, valid against the 2.3 schema', async () => {
    const document = fullDocument23();
    const xml = serializeCpix(document, { version: '2.0' });
    expect(xml).not.toMatch(/<cpix:CPIX[^>]* version=/);
    await expectValid(xml, '2.3');
    const { version: _version, ...rest } = document;
    expectSameDocument(parseCpix(xml, { strict: true }).document, rest);
  }, 30_000);

  it('declares cpix and pskc on the root, and speke, ds, enc only when used', () => {
    const full = serializeCpix(fullDocument23(), { version: '2.3' });
    expect(full).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<cpix:CPIX xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc" xmlns:speke="urn:aws:amazon:com:speke" xmlns:ds="http:\/\/www.w3.org\/2000\/09\/xmldsig#" xmlns:enc="http:\/\/www.w3.org\/2001\/04\/xmlenc#"/,
    );
    const minimal = serializeCpix(
      { contentKeyList: { contentKeys: [{ kid: KID }] } },
      { version: '2.3', xmlDeclaration: false },
    );
    expect(minimal).toBe(
      '<cpix:CPIX xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc" version="2.3">\n' +
        '  <cpix:ContentKeyList>\n    <cpix:ContentKey kid="98ee5596-cd3e-a20d-163a-e382420c6eff"/>\n  </cpix:ContentKeyList>\n</cpix:CPIX>\n',
    );
  });

  it('uses the prefixes asked for, including CPIX as the default namespace', async () => {
    const document = fullDocument23();
    for (const prefixes of [{ cpix: 'c', pskc: 'p', speke: 's', ds: 'sig', enc: 'xenc' }, { cpix: '' }]) {
      const xml = serializeCpix(document, { version: '2.3', prefixes });
      await expectValid(xml, '2.3');
      expectSameDocument(parseCpix(xml, { strict: true }).document, document);
    }
    expect(serializeCpix(document, { version: '2.3', prefixes: { cpix: '' } })).toContain(
      '<CPIX xmlns="urn:dashif:org:cpix"',
    );
    expectCode(
      () => serializeCpix(document, { version: '2.3', prefixes: { pskc: 'cpix' } }),
      'ERR_CPIX_INVALID_OPTION',
    );
    expectCode(() => serializeCpix(document, { version: '2.3', prefixes: { pskc: '' } }), 'ERR_CPIX_INVALID_OPTION');
    expectCode(() => serializeCpix(document, { version: '2.2' as '2.3' }), 'ERR_CPIX_INVALID_OPTION');
  }, 30_000);

  describe('version differences', () => {
    it('2.4 leaves out URIExtXKey, HDSSignalingData, DocumentKey@Algorithm and the pskc key fields, and stays valid', async () => {
      const xml = serializeCpix(fullDocument23(), { version: '2.4' });
      await expectValid(xml, '2.4');
      expect(xml).not.toMatch(/URIExtXKey|HDSSignalingData|<cpix:DocumentKey Algorithm|cpix:Issuer|playlist="master"/);
      expect(xml).toContain('playlist="multiVariant"');
      const fairPlay = parseCpix(xml).document.drmSystemList?.drmSystems[2];
      expect(fairPlay?.uriExtXKey).toBeUndefined();
      expect(fairPlay?.speke?.keyFormat).toBeDefined();
    }, 30_000);

    it('2.3 leaves out the 2.4 additions and stays valid', async () => {
      const xml = serializeCpix(fullDocument24(), { version: '2.3' });
      await expectValid(xml, '2.3');
      expect(xml).not.toMatch(
        /HDCPData|robustness|allowedCPC|HLSAllowedCPC|encryptsKey|startOffset|contentId="content\/1\/video"|multiVariant/,
      );
      expect(xml.match(/<cpix:DocumentKey/g)).toHaveLength(1);
    }, 30_000);

    it("throws ERR_CPIX_NOT_REPRESENTABLE with unrepresentable: 'error'", () => {
      expectCode(
        () => serializeCpix(fullDocument23(), { version: '2.4', unrepresentable: 'error' }),
        'ERR_CPIX_NOT_REPRESENTABLE',
        '/CPIX/DeliveryDataList/DeliveryData[1]/DocumentKey[1]/@Algorithm',
      );
      expectCode(
        () => serializeCpix(fullDocument24(), { version: '2.3', unrepresentable: 'error' }),
        'ERR_CPIX_NOT_REPRESENTABLE',
        '/CPIX/DeliveryDataList/DeliveryData[1]/DocumentKey[2]',
      );
    });

    it('writes an empty list in 2.3 (presence kept) and leaves it out in 2.4, whose lists need an item', async () => {
      const document: CpixDocument = {
        contentId: 'c',
        contentKeyList: { contentKeys: [{ kid: KID }] },
        drmSystemList: { drmSystems: [] },
      };
      const v23 = serializeCpix(document, { version: '2.3' });
      expect(v23).toContain('<cpix:DRMSystemList/>');
      expect(parseCpix(v23).document.drmSystemList).toEqual({ drmSystems: [] });
      const v24 = serializeCpix(document, { version: '2.4' });
      expect(v24).not.toContain('DRMSystemList');
      await expectValid(v24, '2.4');
      expectCode(
        () => serializeCpix(document, { version: '2.4', unrepresentable: 'error' }),
        'ERR_CPIX_NOT_REPRESENTABLE',
        '/CPIX/DRMSystemList',
      );
    }, 30_000);
  });

  describe('what the schema cannot hold', () => {
    const requestSide: CpixDocument = {
      id: 'not an id',
      deliveryDataList: {
        deliveryData: [{ deliveryKey: { x509Certificates: [new Uint8Array([1, 2, 3])] }, documentKeys: [] }],
      },
      contentKeyList: {
        contentKeys: [
          {
            kid: KID,
            unknownAttributes: [{ localName: 'vendor', value: 'x' }],
            extensions: ['<cpix:Unknown xmlns:cpix="urn:dashif:org:cpix"/>'],
          },
        ],
      },
    };

    it('leaves it out by default, so the output stays valid', async () => {
      const xml = serializeCpix(requestSide, { version: '2.3' });
      await expectValid(xml, '2.3');
      expect(xml).not.toMatch(/<cpix:DeliveryData[ >]|vendor=|Unknown|not an id/);
    }, 30_000);

    it("echoes it with unrepresentable: 'keep' (a request-side DeliveryData, unknown content, an id that is not an NCName)", () => {
      const xml = serializeCpix(requestSide, { version: '2.3', unrepresentable: 'keep' });
      expect(xml).toContain('id="not an id"');
      expect(xml).toContain('vendor="x"');
      const again = parseCpix(xml);
      expect(again.document).toEqual({ ...requestSide, version: '2.3' });
      expect(again.warnings.map((warning) => warning.code).sort()).toEqual([
        'DELIVERY_DATA_WITHOUT_DOCUMENT_KEY',
        'ID_NOT_NCNAME',
        'UNKNOWN_ATTRIBUTE',
        'UNKNOWN_ELEMENT',
      ]);
    });

    it("throws with unrepresentable: 'error'", () => {
      expectCode(
        () => serializeCpix(requestSide, { version: '2.3', unrepresentable: 'error' }),
        'ERR_CPIX_NOT_REPRESENTABLE',
        '/CPIX/@id',
      );
    });

    it('refuses a KeyPeriodFilter that points at no period, rather than widening the rule', () => {
      const document: CpixDocument = {
        contentKeyList: { contentKeys: [{ kid: KID }] },
        contentKeyUsageRuleList: { contentKeyUsageRules: [{ kid: KID, keyPeriodFilters: [{ periodId: 'missing' }] }] },
      };
      expectCode(
        () => serializeCpix(document, { version: '2.3' }),
        'ERR_CPIX_DANGLING_REFERENCE',
        '/CPIX/ContentKeyUsageRuleList/ContentKeyUsageRule[1]/KeyPeriodFilter[1]/@periodId',
      );
    });

    it('refuses what is not a model object, or numbers that are not integers, with its own errors', () => {
      expectCode(
        () => serializeCpix({ contentKeyList: {} } as unknown as CpixDocument, { version: '2.3' }),
        'ERR_CPIX_INVALID_DOCUMENT',
      );
      expectCode(
        () => serializeCpix({ contentKeyPeriodList: { contentKeyPeriods: [{ index: -1 }] } }, { version: '2.3' }),
        'ERR_CPIX_INVALID_NUMBER',
      );
      expectCode(
        () => serializeCpix({ contentKeyPeriodList: { contentKeyPeriods: [{ index: 1.5 }] } }, { version: '2.3' }),
        'ERR_CPIX_INVALID_NUMBER',
      );
    });

    it('refuses a KID that is not a UUID, characters XML cannot carry, and an extension that is not XML', () => {
      expectCode(
        () => serializeCpix({ contentKeyList: { contentKeys: [{ kid: 'nope' }] } }, { version: '2.3' }),
        'ERR_CPIX_INVALID_KID',
        '/CPIX/ContentKeyList/ContentKey[1]/@kid',
      );
      expectCode(() => serializeCpix({ name: 'bell \u0007' }, { version: '2.3' }), 'ERR_CPIX_INVALID_CHARACTER');
      expectCode(
        () =>
          serializeCpix(
            { drmSystemList: { drmSystems: [{ systemId: KID, kid: KID, extensions: ['<a><b></a>'] }] } },
            { version: '2.3' },
          ),
        'ERR_CPIX_INVALID_EXTENSION',
      );
    });
  });

  it('keeps signatures verbatim, with the namespaces they were signed under', () => {
    const { document } = parseCpix(serializeCpix(fullDocument23(), { version: '2.3' }));
    const signature = document.signatures![0]!;
    expect(signature.slice(0, signature.indexOf('>'))).toBe(
      '<ds:Signature xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc" xmlns:speke="urn:aws:amazon:com:speke" xmlns:enc="http://www.w3.org/2001/04/xmlenc#" xmlns="" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"',
    );
    expect(signature.slice(signature.indexOf('>'))).toBe(SIGNATURE.slice(SIGNATURE.indexOf('>')));
    // Stable from then on: the next round trip gives the same text.
    expect(parseCpix(serializeCpix(document, { version: '2.3' })).document.signatures).toEqual([signature]);
  });

  it('writes the MAC key as cpix:Key, whichever way it was read', () => {
    const xml = serializeCpix(fullDocument23(), { version: '2.3' })
      .replace('<cpix:Key>', '<pskc:MACKey>')
      .replace('</cpix:Key>', '</pskc:MACKey>');
    expect(xml).toContain('<pskc:MACKey>');
    const { document } = parseCpix(xml);
    expect(document.deliveryDataList?.deliveryData[0]?.macMethod?.key?.cipherValue).toHaveLength(96);
    expect(serializeCpix(document, { version: '2.3' })).toContain('<cpix:Key>');
  });
});
