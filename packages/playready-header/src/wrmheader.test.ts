import { describe, expect, it } from 'vitest';
import { PlayReadyError } from './errors.js';
import { buildWrmHeader, parseWrmHeader, type WrmHeader } from './wrmheader.js';

const NS = 'xmlns="http://schemas.microsoft.com/DRM/2007/03/PlayReadyHeader"';
const KID_1 = '12ea753c-23e7-bc02-4474-b2b976c43beb'; // PHXqEucjArxEdLK5dsQ76w==
const KEY_1 = Uint8Array.from(Buffer.from('SzC1qc1cEpyFU6t/lL7Byw==', 'base64')); // checksum /F7B1fH2e0c=
const KID_2 = '98ee5596-cd3e-a20d-163a-e382420c6eff'; // llXumD7NDaIWOuOCQgxu/w==

function expectHeaderError(fn: () => unknown, code: string, message: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PlayReadyError);
    expect((error as PlayReadyError).code).toBe(code);
    expect((error as PlayReadyError).message).toMatch(message);
    return;
  }
  expect.unreachable('no error thrown');
}

describe('buildWrmHeader', () => {
  it('4.0: KEYLEN before ALGID, KID and CHECKSUM elements, every optional element in order, & escaped', () => {
    const xml = buildWrmHeader({
      version: '4.0.0.0',
      keys: [{ kid: KID_1, key: KEY_1 }],
      laUrl: 'https://lic.example/rm?a=1&b=2',
      luiUrl: 'https://lic.example/ui',
      dsId: 'AH+03juKbUGbHl1V/QIwRA==',
      customAttributes: '<Tenant Id="a">x</Tenant>',
    });
    expect(xml).toBe(
      `<WRMHEADER ${NS} version="4.0.0.0"><DATA><PROTECTINFO><KEYLEN>16</KEYLEN><ALGID>AESCTR</ALGID></PROTECTINFO>` +
        '<KID>PHXqEucjArxEdLK5dsQ76w==</KID><CHECKSUM>/F7B1fH2e0c=</CHECKSUM>' +
        '<LA_URL>https://lic.example/rm?a=1&amp;b=2</LA_URL><LUI_URL>https://lic.example/ui</LUI_URL>' +
        '<DS_ID>AH+03juKbUGbHl1V/QIwRA==</DS_ID><CUSTOMATTRIBUTES><Tenant Id="a">x</Tenant></CUSTOMATTRIBUTES></DATA></WRMHEADER>',
    );
  });

  it('4.0 COCKTAIL writes KEYLEN 7 with a given checksum', () => {
    expect(buildWrmHeader({ version: '4.0.0.0', keys: [{ kid: KID_1, algId: 'COCKTAIL', checksum: 'AAAAAAAAAA==' }] })).toContain(
      '<PROTECTINFO><KEYLEN>7</KEYLEN><ALGID>COCKTAIL</ALGID></PROTECTINFO>',
    );
  });

  it('4.1: one KID element with alphabetical attributes, DECRYPTORSETUP last; no KID at all is allowed', () => {
    expect(buildWrmHeader({ version: '4.1.0.0', keys: [{ kid: KID_1, key: KEY_1 }], laUrl: 'https://l', decryptorSetup: 'ONDEMAND' })).toBe(
      `<WRMHEADER ${NS} version="4.1.0.0"><DATA><PROTECTINFO><KID ALGID="AESCTR" CHECKSUM="/F7B1fH2e0c=" VALUE="PHXqEucjArxEdLK5dsQ76w=="></KID></PROTECTINFO>` +
        '<LA_URL>https://l</LA_URL><DECRYPTORSETUP>ONDEMAND</DECRYPTORSETUP></DATA></WRMHEADER>',
    );
    expect(buildWrmHeader({ version: '4.1.0.0', keys: [], laUrl: 'https://l' })).toBe(
      `<WRMHEADER ${NS} version="4.1.0.0"><DATA><LA_URL>https://l</LA_URL></DATA></WRMHEADER>`,
    );
  });

  it('4.2: a KIDS list', () => {
    expect(buildWrmHeader({ version: '4.2.0.0', keys: [{ kid: KID_1, checksum: '/F7B1fH2e0c=' }, { kid: KID_2 }] })).toBe(
      `<WRMHEADER ${NS} version="4.2.0.0"><DATA><PROTECTINFO><KIDS>` +
        '<KID ALGID="AESCTR" CHECKSUM="/F7B1fH2e0c=" VALUE="PHXqEucjArxEdLK5dsQ76w=="></KID>' +
        '<KID ALGID="AESCTR" VALUE="llXumD7NDaIWOuOCQgxu/w=="></KID></KIDS></PROTECTINFO></DATA></WRMHEADER>',
    );
  });

  it('4.3: AESCBC without CHECKSUM even when the key is given, optional ALGID, LICENSEREQUESTED', () => {
    expect(
      buildWrmHeader({
        version: '4.3.0.0',
        keys: [
          { kid: KID_1, algId: 'AESCBC', key: KEY_1 },
          { kid: KID_2, algId: 'AESCBC' },
        ],
        licenseRequested: true,
      }),
    ).toBe(
      `<WRMHEADER ${NS} version="4.3.0.0"><DATA><PROTECTINFO LICENSEREQUESTED="true"><KIDS>` +
        '<KID ALGID="AESCBC" VALUE="PHXqEucjArxEdLK5dsQ76w=="></KID><KID ALGID="AESCBC" VALUE="llXumD7NDaIWOuOCQgxu/w=="></KID>' +
        '</KIDS></PROTECTINFO></DATA></WRMHEADER>',
    );
    expect(buildWrmHeader({ version: '4.3.0.0', keys: [{ kid: KID_2 }] })).toContain('<KIDS><KID VALUE="llXumD7NDaIWOuOCQgxu/w=="></KID></KIDS>');
  });

  it('refuses what the version does not allow, with a clear message', () => {
    const code = 'ERR_PLAYREADY_INVALID_HEADER';
    expectHeaderError(() => buildWrmHeader({ version: '4.0.0.0', keys: [{ kid: KID_1 }, { kid: KID_2 }] }), code, /exactly one KID.*4\.2/);
    expectHeaderError(() => buildWrmHeader({ version: '4.0.0.0', keys: [] }), code, /exactly one KID/);
    expectHeaderError(() => buildWrmHeader({ version: '4.1.0.0', keys: [{ kid: KID_1 }, { kid: KID_2 }] }), code, /at most one KID/);
    expectHeaderError(() => buildWrmHeader({ version: '4.2.0.0', keys: [{ kid: KID_1, algId: 'AESCBC' }] }), code, /AESCBC needs version 4\.3/);
    expectHeaderError(
      () => buildWrmHeader({ version: '4.3.0.0', keys: [{ kid: KID_1, algId: 'AESCBC', checksum: '/F7B1fH2e0c=' }] }),
      code,
      /CHECKSUM must be omitted/,
    );
    expectHeaderError(
      () => buildWrmHeader({ version: '4.3.0.0', keys: [{ kid: KID_1, algId: 'AESCTR' }, { kid: KID_2, algId: 'AESCBC' }] }),
      code,
      /one value/,
    );
    expectHeaderError(
      () => buildWrmHeader({ version: '4.3.0.0', keys: [{ kid: KID_1, algId: 'AESCTR' }, { kid: KID_2 }] }),
      code,
      /one value/,
    );
    expectHeaderError(() => buildWrmHeader({ version: '4.0.0.0', keys: [{ kid: KID_1 }], decryptorSetup: 'ONDEMAND' }), code, /4\.1\.0\.0 or later/);
    expectHeaderError(() => buildWrmHeader({ version: '4.2.0.0', keys: [{ kid: KID_1 }], licenseRequested: true }), code, /LICENSEREQUESTED/);
    expectHeaderError(() => buildWrmHeader({ version: '4.2.0.0', keys: [{ kid: KID_1 }], laUrl: ' ' }), code, /LA_URL/);
    expectHeaderError(() => buildWrmHeader({ version: '4.2.0.0', keys: [{ kid: KID_1 }], customAttributes: '<a>' }), code, /closes <a>/);
    expectHeaderError(() => buildWrmHeader({ version: '4.2.0.0', keys: [{ kid: KID_1 }], customAttributes: '<a/>' }), code, /explicit close tag/);
    expectHeaderError(() => buildWrmHeader({ version: '4.2.0.0', keys: [{ kid: KID_1, checksum: '<x>' }] }), code, /not base64/);
    expectHeaderError(() => buildWrmHeader({ version: '4.2.0.0', keys: [{ kid: KID_1, algId: 'AES' as 'AESCTR' }] }), code, /ALGID/);
    expectHeaderError(() => buildWrmHeader({ version: '4.4.0.0' as '4.3.0.0', keys: [] }), 'ERR_PLAYREADY_UNSUPPORTED', /4\.4\.0\.0/);
    expectHeaderError(() => buildWrmHeader({ version: '4.2.0.0', keys: [{ kid: 'x' }] }), 'ERR_PLAYREADY_INVALID_KID', /UUID/);
  });

  it('checks a given checksum against the key, without printing the key', () => {
    try {
      buildWrmHeader({ version: '4.2.0.0', keys: [{ kid: KID_1, key: KEY_1, checksum: 'AAAAAAAAAAA=' }] });
      expect.unreachable('no error thrown');
    } catch (error) {
      expect(error).toMatchObject({ code: 'ERR_PLAYREADY_INVALID_KEY' });
      expect((error as Error).message).not.toContain('SzC1');
      expect((error as Error).message).not.toContain(Buffer.from(KEY_1).toString('hex'));
    }
    expectHeaderError(
      () => buildWrmHeader({ version: '4.3.0.0', keys: [{ kid: KID_1, key: KEY_1 }] }),
      'ERR_PLAYREADY_UNSUPPORTED',
      /no ALGID/,
    );
    expectHeaderError(() => buildWrmHeader({ version: '4.2.0.0', keys: [{ kid: KID_1, key: KEY_1.subarray(1) }] }), 'ERR_PLAYREADY_INVALID_KEY', /16 bytes/);
  });
});

describe('parseWrmHeader', () => {
  const headers: WrmHeader[] = [
    { version: '4.0.0.0', keys: [{ kid: KID_1, algId: 'AESCTR', checksum: '/F7B1fH2e0c=' }], laUrl: 'https://a/b?c=d&e=f', customAttributes: '<X A="1">y &amp; z</X>' },
    { version: '4.1.0.0', keys: [{ kid: KID_1, algId: 'COCKTAIL' }], luiUrl: 'https://ui', decryptorSetup: 'ONDEMAND' },
    { version: '4.1.0.0', keys: [], dsId: 'AH+03juKbUGbHl1V/QIwRA==' },
    { version: '4.2.0.0', keys: [{ kid: KID_1, algId: 'AESCTR' }, { kid: KID_2, algId: 'AESCTR', checksum: 'AAAAAAAAAAA=' }] },
    { version: '4.3.0.0', keys: [{ kid: KID_1 }, { kid: KID_2 }], licenseRequested: false, laUrl: 'https://l' },
    { version: '4.3.0.0', keys: [], licenseRequested: true },
  ];

  for (const header of headers) {
    it(`round-trips a ${header.version} header with ${header.keys.length} keys`, () => {
      const xml = buildWrmHeader(header);
      expect(parseWrmHeader(xml)).toEqual(header);
      expect(buildWrmHeader(parseWrmHeader(xml))).toBe(xml);
    });
  }

  it("reads the specification's pretty-printed examples (whitespace, ALGID before KEYLEN)", () => {
    const example40 = `<WRMHEADER ${NS} version="4.0.0.0">
  <DATA>
    <PROTECTINFO>
      <ALGID>AESCTR</ALGID>
      <KEYLEN>16</KEYLEN>
    </PROTECTINFO>
    <KID>q5HgCTj40kGeNVhTH9Gexw==</KID>
    <CHECKSUM>w+OZVr8vzrQ=</CHECKSUM>
    <LA_URL>http://rm.contoso.com/rightsmanager.asmx</LA_URL>
    <CUSTOMATTRIBUTES>
      <IIS_DRM_VERSION>8.0.1705.19</IIS_DRM_VERSION>
    </CUSTOMATTRIBUTES>
  </DATA>
</WRMHEADER>`;
    expect(parseWrmHeader(example40)).toEqual({
      version: '4.0.0.0',
      keys: [{ kid: '09e091ab-f838-41d2-9e35-58531fd19ec7', algId: 'AESCTR', checksum: 'w+OZVr8vzrQ=' }],
      laUrl: 'http://rm.contoso.com/rightsmanager.asmx',
      customAttributes: '\n      <IIS_DRM_VERSION>8.0.1705.19</IIS_DRM_VERSION>\n    ',
    });
    const example43 = `<WRMHEADER ${NS} version="4.3.0.0">
  <DATA>
    <PROTECTINFO>
      <KIDS>
        <KID ALGID="AESCBC" VALUE="PV1LM/VEVk+kEOB8qqcWDg=="></KID>
        <KID ALGID="AESCBC" VALUE="tuhDoKUN7EyxDPtMRNmhyA=="></KID>
      </KIDS>
    </PROTECTINFO>
    <LA_URL>http://rm.contoso.com/rightsmanager.asmx</LA_URL>
    <DS_ID>AH+03juKbUGbHl1V/QIwRA==</DS_ID>
  </DATA>
</WRMHEADER>`;
    const parsed = parseWrmHeader(example43);
    expect(parsed.keys).toEqual([
      { kid: '334b5d3d-44f5-4f56-a410-e07caaa7160e', algId: 'AESCBC' },
      { kid: 'a043e8b6-0da5-4cec-b10c-fb4c44d9a1c8', algId: 'AESCBC' },
    ]);
    expect(parsed.dsId).toBe('AH+03juKbUGbHl1V/QIwRA==');
  });

  it('is lenient about a BOM, an XML declaration, comments and <KID/>', () => {
    const xml = `\uFEFF<?xml version="1.0"?><!-- c --><WRMHEADER ${NS} version="4.2.0.0"><DATA><PROTECTINFO><KIDS><KID ALGID='AESCTR' VALUE="PHXqEucjArxEdLK5dsQ76w=="/></KIDS></PROTECTINFO></DATA></WRMHEADER>`;
    expect(parseWrmHeader(xml)).toEqual({ version: '4.2.0.0', keys: [{ kid: KID_1, algId: 'AESCTR' }] });
  });

  it('reads empty optional elements as absent', () => {
    const xml = `<WRMHEADER ${NS} version="4.1.0.0"><DATA><LA_URL></LA_URL><DS_ID> </DS_ID><CUSTOMATTRIBUTES/></DATA></WRMHEADER>`;
    expect(parseWrmHeader(xml)).toEqual({ version: '4.1.0.0', keys: [] });
  });

  it('refuses what it cannot read, with PlayReadyError', () => {
    const code = 'ERR_PLAYREADY_INVALID_HEADER';
    expectHeaderError(() => parseWrmHeader('<WRMHEADER version="4.0.0.0"><DATA>'), code, /not closed/);
    expectHeaderError(() => parseWrmHeader('<HEADER version="4.0.0.0"></HEADER>'), code, /not <WRMHEADER>/);
    expectHeaderError(() => parseWrmHeader('<WRMHEADER xmlns="urn:x" version="4.0.0.0"></WRMHEADER>'), code, /namespace/);
    expectHeaderError(() => parseWrmHeader('<WRMHEADER version="5.0.0.0"></WRMHEADER>'), 'ERR_PLAYREADY_UNSUPPORTED', /5\.0\.0\.0/);
    expectHeaderError(() => parseWrmHeader('<!DOCTYPE x [<!ENTITY a "b">]><WRMHEADER></WRMHEADER>'), code, /DOCTYPE/);
    expectHeaderError(() => parseWrmHeader(`<WRMHEADER version="4.0.0.0"><DATA><LA_URL>&xxe;</LA_URL></DATA></WRMHEADER>`), code, /unknown entity/);
    expectHeaderError(() => parseWrmHeader(`<WRMHEADER version="4.2.0.0"><DATA><PROTECTINFO><KIDS><KID ALGID="AESCTR"></KID></KIDS></PROTECTINFO></DATA></WRMHEADER>`), code, /no VALUE/);
    expectHeaderError(() => parseWrmHeader(`<WRMHEADER version="4.2.0.0"><DATA><PROTECTINFO><KIDS><KID VALUE="AAAA"></KID></KIDS></PROTECTINFO></DATA></WRMHEADER>`), 'ERR_PLAYREADY_INVALID_KID', /16 bytes/);
    expectHeaderError(() => parseWrmHeader(`<WRMHEADER version="4.1.0.0"><DATA><DECRYPTORSETUP>LATER</DECRYPTORSETUP></DATA></WRMHEADER>`), code, /ONDEMAND/);
    expectHeaderError(() => parseWrmHeader('<WRMHEADER version="4.0.0.0" version="4.1.0.0"></WRMHEADER>'), code, /duplicate/);
    expectHeaderError(() => parseWrmHeader('<WRMHEADER version="4.0.0.0"></WRMHEADER><X></X>'), code, /after the root/);
  });
});
