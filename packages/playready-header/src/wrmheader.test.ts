import { describe, expect, it } from 'vitest';
import { PlayReadyError } from './errors.js';
import { thrownBy } from '../../../tooling/src/thrown.js';
import { buildWrmHeader, parseWrmHeader, type WrmHeader } from './wrmheader.js';

const NS = 'xmlns="http://schemas.microsoft.com/DRM/2007/03/PlayReadyHeader"';
const KID_1 = '12ea753c-23e7-bc02-4474-b2b976c43beb'; // PHXqEucjArxEdLK5dsQ76w==
const KEY_1 = Uint8Array.from(Buffer.from('SzC1qc1cEpyFU6t/lL7Byw==', 'base64')); // checksum /F7B1fH2e0c=
const KID_2 = '98ee5596-cd3e-a20d-163a-e382420c6eff'; // llXumD7NDaIWOuOCQgxu/w==

function expectHeaderError(fn: () => unknown, code: string, message: RegExp | string): void {
  const error = thrownBy(fn, PlayReadyError);
  expect(error.code).toBe(code);
  expect(error.message).toMatch(message);
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
    expect(
      buildWrmHeader({ version: '4.0.0.0', keys: [{ kid: KID_1, algId: 'COCKTAIL', checksum: 'AAAAAAAAAA==' }] }),
    ).toContain('<PROTECTINFO><KEYLEN>7</KEYLEN><ALGID>COCKTAIL</ALGID></PROTECTINFO>');
  });

  it('4.1: one KID element with alphabetical attributes, DECRYPTORSETUP last; no KID at all is allowed', () => {
    expect(
      buildWrmHeader({
        version: '4.1.0.0',
        keys: [{ kid: KID_1, key: KEY_1 }],
        laUrl: 'https://l',
        decryptorSetup: 'ONDEMAND',
      }),
    ).toBe(
      `<WRMHEADER ${NS} version="4.1.0.0"><DATA><PROTECTINFO><KID ALGID="AESCTR" CHECKSUM="/F7B1fH2e0c=" VALUE="PHXqEucjArxEdLK5dsQ76w=="></KID></PROTECTINFO>` +
        '<LA_URL>https://l</LA_URL><DECRYPTORSETUP>ONDEMAND</DECRYPTORSETUP></DATA></WRMHEADER>',
    );
    expect(buildWrmHeader({ version: '4.1.0.0', keys: [], laUrl: 'https://l' })).toBe(
      `<WRMHEADER ${NS} version="4.1.0.0"><DATA><LA_URL>https://l</LA_URL></DATA></WRMHEADER>`,
    );
  });

  it('4.2: a KIDS list', () => {
    expect(
      buildWrmHeader({ version: '4.2.0.0', keys: [{ kid: KID_1, checksum: '/F7B1fH2e0c=' }, { kid: KID_2 }] }),
    ).toBe(
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
    expect(buildWrmHeader({ version: '4.3.0.0', keys: [{ kid: KID_2 }] })).toContain(
      '<KIDS><KID VALUE="llXumD7NDaIWOuOCQgxu/w=="></KID></KIDS>',
    );
  });

  it('refuses what the version does not allow, with a clear message', () => {
    const code = 'ERR_PLAYREADY_INVALID_HEADER';
    expectHeaderError(
      () => buildWrmHeader({ version: '4.0.0.0', keys: [{ kid: KID_1 }, { kid: KID_2 }] }),
      code,
      /exactly one KID.*4\.2/,
    );
    expectHeaderError(() => buildWrmHeader({ version: '4.0.0.0', keys: [] }), code, /exactly one KID/);
    expectHeaderError(
      () => buildWrmHeader({ version: '4.1.0.0', keys: [{ kid: KID_1 }, { kid: KID_2 }] }),
      code,
      /at most one KID/,
    );
    expectHeaderError(
      () => buildWrmHeader({ version: '4.2.0.0', keys: [{ kid: KID_1, algId: 'AESCBC' }] }),
      code,
      /AESCBC needs version 4\.3/,
    );
    expectHeaderError(
      () => buildWrmHeader({ version: '4.3.0.0', keys: [{ kid: KID_1, algId: 'AESCBC', checksum: '/F7B1fH2e0c=' }] }),
      code,
      /CHECKSUM must be omitted/,
    );
    expectHeaderError(
      () =>
        buildWrmHeader({
          version: '4.3.0.0',
          keys: [
            { kid: KID_1, algId: 'AESCTR' },
            { kid: KID_2, algId: 'AESCBC' },
          ],
        }),
      code,
      /one value/,
    );
    expectHeaderError(
      () => buildWrmHeader({ version: '4.3.0.0', keys: [{ kid: KID_1, algId: 'AESCTR' }, { kid: KID_2 }] }),
      code,
      /one value/,
    );
    expectHeaderError(
      () => buildWrmHeader({ version: '4.0.0.0', keys: [{ kid: KID_1 }], decryptorSetup: 'ONDEMAND' }),
      code,
      /4\.1\.0\.0 or later/,
    );
    expectHeaderError(
      () => buildWrmHeader({ version: '4.2.0.0', keys: [{ kid: KID_1 }], licenseRequested: true }),
      code,
      /LICENSEREQUESTED/,
    );
    expectHeaderError(() => buildWrmHeader({ version: '4.2.0.0', keys: [{ kid: KID_1 }], laUrl: ' ' }), code, /LA_URL/);
    expectHeaderError(
      () => buildWrmHeader({ version: '4.2.0.0', keys: [{ kid: KID_1 }], customAttributes: '<a>' }),
      code,
      /closes <a>/,
    );
    expectHeaderError(
      () => buildWrmHeader({ version: '4.2.0.0', keys: [{ kid: KID_1 }], customAttributes: '<a/>' }),
      code,
      /explicit close tag/,
    );
    expectHeaderError(
      () => buildWrmHeader({ version: '4.2.0.0', keys: [{ kid: KID_1, checksum: '<x>' }] }),
      code,
      /not base64/,
    );
    expectHeaderError(
      () => buildWrmHeader({ version: '4.2.0.0', keys: [{ kid: KID_1, algId: 'AES' as 'AESCTR' }] }),
      code,
      /ALGID/,
    );
    expectHeaderError(
      () => buildWrmHeader({ version: '4.4.0.0' as '4.3.0.0', keys: [] }),
      'ERR_PLAYREADY_UNSUPPORTED',
      /4\.4\.0\.0/,
    );
    expectHeaderError(
      () => buildWrmHeader({ version: '4.2.0.0', keys: [{ kid: 'x' }] }),
      'ERR_PLAYREADY_INVALID_KID',
      /UUID/,
    );
  });

  it('checks a given checksum against the key, without printing the key', () => {
    try {
      buildWrmHeader({ version: '4.2.0.0', keys: [{ kid: KID_1, key: KEY_1, checksum: 'AAAAAAAAAAA=' }] });
      expect.unreachable('no error thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(PlayReadyError);
      expect((error as PlayReadyError).code).toBe('ERR_PLAYREADY_INVALID_KEY');
      expect((error as Error).message).not.toContain('SzC1');
      expect((error as Error).message).not.toContain(Buffer.from(KEY_1).toString('hex'));
    }
    expectHeaderError(
      () => buildWrmHeader({ version: '4.3.0.0', keys: [{ kid: KID_1, key: KEY_1 }] }),
      'ERR_PLAYREADY_UNSUPPORTED',
      /no ALGID/,
    );
    expectHeaderError(
      () => buildWrmHeader({ version: '4.2.0.0', keys: [{ kid: KID_1, key: KEY_1.subarray(1) }] }),
      'ERR_PLAYREADY_INVALID_KEY',
      /16 bytes/,
    );
  });
});

describe('parseWrmHeader', () => {
  const headers: WrmHeader[] = [
    {
      version: '4.0.0.0',
      keys: [{ kid: KID_1, algId: 'AESCTR', checksum: '/F7B1fH2e0c=' }],
      laUrl: 'https://a/b?c=d&e=f',
      customAttributes: '<X A="1">y &amp; z</X>',
    },
    { version: '4.1.0.0', keys: [{ kid: KID_1, algId: 'COCKTAIL' }], luiUrl: 'https://ui', decryptorSetup: 'ONDEMAND' },
    { version: '4.1.0.0', keys: [], dsId: 'AH+03juKbUGbHl1V/QIwRA==' },
    {
      version: '4.2.0.0',
      keys: [
        { kid: KID_1, algId: 'AESCTR' },
        { kid: KID_2, algId: 'AESCTR', checksum: 'AAAAAAAAAAA=' },
      ],
    },
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
    expectHeaderError(
      () => parseWrmHeader('<WRMHEADER xmlns="urn:x" version="4.0.0.0"></WRMHEADER>'),
      code,
      /namespace/,
    );
    expectHeaderError(
      () => parseWrmHeader('<WRMHEADER version="5.0.0.0"></WRMHEADER>'),
      'ERR_PLAYREADY_UNSUPPORTED',
      /5\.0\.0\.0/,
    );
    expectHeaderError(() => parseWrmHeader('<!DOCTYPE x [<!ENTITY a "b">]><WRMHEADER></WRMHEADER>'), code, /DOCTYPE/);
    expectHeaderError(
      () => parseWrmHeader(`<WRMHEADER version="4.0.0.0"><DATA><LA_URL>&xxe;</LA_URL></DATA></WRMHEADER>`),
      code,
      /unknown entity/,
    );
    expectHeaderError(
      () =>
        parseWrmHeader(
          `<WRMHEADER version="4.2.0.0"><DATA><PROTECTINFO><KIDS><KID ALGID="AESCTR"></KID></KIDS></PROTECTINFO></DATA></WRMHEADER>`,
        ),
      code,
      /no VALUE/,
    );
    expectHeaderError(
      () =>
        parseWrmHeader(
          `<WRMHEADER version="4.2.0.0"><DATA><PROTECTINFO><KIDS><KID VALUE="AAAA"></KID></KIDS></PROTECTINFO></DATA></WRMHEADER>`,
        ),
      'ERR_PLAYREADY_INVALID_KID',
      /16 bytes/,
    );
    expectHeaderError(
      () =>
        parseWrmHeader(`<WRMHEADER version="4.1.0.0"><DATA><DECRYPTORSETUP>LATER</DECRYPTORSETUP></DATA></WRMHEADER>`),
      code,
      /ONDEMAND/,
    );
    expectHeaderError(
      () => parseWrmHeader('<WRMHEADER version="4.0.0.0" version="4.1.0.0"></WRMHEADER>'),
      code,
      /duplicate/,
    );
    expectHeaderError(() => parseWrmHeader('<WRMHEADER version="4.0.0.0"></WRMHEADER><X></X>'), code, /after the root/);
  });
});

describe('WRMHEADER fields and their limits', () => {
  const code = 'ERR_PLAYREADY_INVALID_HEADER';
  const header = (data: string, version = '4.2.0.0') =>
    `<WRMHEADER ${NS} version="${version}"><DATA>${data}</DATA></WRMHEADER>`;

  it.each(['4.1.0.0', '4.2.0.0', '4.3.0.0'] as const)(
    'writes and reads DECRYPTORSETUP ONDEMAND in %s, after every other element',
    (version) => {
      const built = buildWrmHeader({ version, keys: [], customAttributes: '<A>1</A>', decryptorSetup: 'ONDEMAND' });
      expect(built).toBe(
        header('<CUSTOMATTRIBUTES><A>1</A></CUSTOMATTRIBUTES><DECRYPTORSETUP>ONDEMAND</DECRYPTORSETUP>', version),
      );
      expect(parseWrmHeader(built)).toStrictEqual({
        version,
        keys: [],
        customAttributes: '<A>1</A>',
        decryptorSetup: 'ONDEMAND',
      });
    },
  );

  it('refuses a DECRYPTORSETUP other than ONDEMAND, writing and reading', () => {
    expectHeaderError(
      () => buildWrmHeader({ version: '4.2.0.0', keys: [], decryptorSetup: 'STANDARD' as 'ONDEMAND' }),
      code,
      'DECRYPTORSETUP may only be ONDEMAND',
    );
    expectHeaderError(
      () => parseWrmHeader(header('<DECRYPTORSETUP>ondemand</DECRYPTORSETUP>')),
      code,
      'DECRYPTORSETUP is "ondemand", only ONDEMAND is defined',
    );
    expect(parseWrmHeader(header('<DECRYPTORSETUP> ONDEMAND </DECRYPTORSETUP>')).decryptorSetup).toBe('ONDEMAND');
  });

  it.each([
    ['LA_URL', 'laUrl'],
    ['LUI_URL', 'luiUrl'],
    ['DS_ID', 'dsId'],
  ] as const)('refuses a %s that is empty, not a string, or holds a character XML does not allow', (name, field) => {
    for (const value of ['', ' \t', 42]) {
      expectHeaderError(
        () => buildWrmHeader({ version: '4.2.0.0', keys: [], [field]: value }),
        code,
        `${name} must be a non-empty string`,
      );
    }
    for (const value of [
      'a\u0000',
      'a\u0008b',
      'a\u000Bb',
      'a\u000Cb',
      'a\u001Fb',
      'a\uFFFEb',
      'a\uFFFF',
      'a\uD800b',
      'a\uDC00b',
      '\uDBFF',
    ]) {
      expectHeaderError(
        () => buildWrmHeader({ version: '4.2.0.0', keys: [], [field]: value }),
        code,
        `${name} holds a character XML does not allow`,
      );
    }
  });

  it('writes tabs, line feeds, a character outside the BMP and escaped markup in a text field, and reads them back', () => {
    const laUrl = 'https://l/\u{1F600}?a=<b>&c=\t\n';
    const built = buildWrmHeader({ version: '4.2.0.0', keys: [], laUrl });
    expect(built).toBe(header('<LA_URL>https://l/\u{1F600}?a=&lt;b&gt;&amp;c=\t\n</LA_URL>'));
    expect(parseWrmHeader(built)).toStrictEqual({
      version: '4.2.0.0',
      keys: [],
      laUrl: 'https://l/\u{1F600}?a=<b>&c=',
    });
  });

  it('refuses CUSTOMATTRIBUTES that are empty, not a string, or hold a character XML does not allow', () => {
    for (const value of ['', '  ', 7]) {
      expectHeaderError(
        () => buildWrmHeader({ version: '4.2.0.0', keys: [], customAttributes: value as string }),
        code,
        'CUSTOMATTRIBUTES must be a non-empty XML fragment',
      );
    }
    expectHeaderError(
      () => buildWrmHeader({ version: '4.2.0.0', keys: [], customAttributes: '<A>\u0001</A>' }),
      code,
      'CUSTOMATTRIBUTES holds a character XML does not allow',
    );
    expectHeaderError(
      () => buildWrmHeader({ version: '4.2.0.0', keys: [], customAttributes: '<A><B><C/></B></A>' }),
      code,
      '<C/> in CUSTOMATTRIBUTES: every element needs an explicit close tag',
    );
    expect(buildWrmHeader({ version: '4.2.0.0', keys: [], customAttributes: 'text only' })).toBe(
      header('<CUSTOMATTRIBUTES>text only</CUSTOMATTRIBUTES>'),
    );
  });

  it.each([
    ['a control character', '\u0001'],
    ['U+FFFE', '\uFFFE'],
    ['a lone surrogate', '\uDBFF'],
  ])('refuses a header that holds %s, written as it is or as a character reference', (_, character) => {
    const reference = `&#x${character.codePointAt(0)!.toString(16)};`;
    expectHeaderError(
      () => parseWrmHeader(header(`<LA_URL>a${character}</LA_URL>`)),
      code,
      'malformed WRMHEADER XML: a character XML does not allow',
    );
    expectHeaderError(
      () => parseWrmHeader(header(`<LA_URL>a${reference}</LA_URL>`)),
      code,
      'malformed WRMHEADER XML: a character XML does not allow',
    );
  });

  it('writes LICENSEREQUESTED false on an otherwise empty PROTECTINFO, and no PROTECTINFO at all without keys', () => {
    expect(buildWrmHeader({ version: '4.3.0.0', keys: [], licenseRequested: false })).toBe(
      header('<PROTECTINFO LICENSEREQUESTED="false"></PROTECTINFO>', '4.3.0.0'),
    );
    expect(buildWrmHeader({ version: '4.3.0.0', keys: [] })).toBe(header('', '4.3.0.0'));
    expect(buildWrmHeader({ version: '4.2.0.0', keys: [] })).toBe(header(''));
    expect(buildWrmHeader({ version: '4.1.0.0', keys: [] })).toBe(header('', '4.1.0.0'));
    expectHeaderError(
      () => buildWrmHeader({ version: '4.3.0.0', keys: [], licenseRequested: 'yes' as unknown as boolean }),
      code,
      'licenseRequested must be a boolean',
    );
  });

  it('reads LICENSEREQUESTED in any case and with spaces; anything but true is false', () => {
    const protectInfo = (value: string) => header(`<PROTECTINFO LICENSEREQUESTED="${value}"></PROTECTINFO>`, '4.3.0.0');
    expect(parseWrmHeader(protectInfo(' TRUE ')).licenseRequested).toBe(true);
    expect(parseWrmHeader(protectInfo('false')).licenseRequested).toBe(false);
    expect(parseWrmHeader(protectInfo('1')).licenseRequested).toBe(false);
  });

  it('reads a 4.0 KID whose ALGID is missing as AESCTR, and trims the KID, ALGID and CHECKSUM it reads', () => {
    expect(parseWrmHeader(header('<KID> PHXqEucjArxEdLK5dsQ76w== </KID>', '4.0.0.0'))).toStrictEqual({
      version: '4.0.0.0',
      keys: [{ kid: KID_1, algId: 'AESCTR' }],
    });
    const padded = header(
      '<PROTECTINFO><ALGID> COCKTAIL </ALGID></PROTECTINFO><KID>PHXqEucjArxEdLK5dsQ76w==</KID><CHECKSUM> AAAAAAAAAA== </CHECKSUM>',
      '4.0.0.0',
    );
    expect(parseWrmHeader(padded)).toStrictEqual({
      version: '4.0.0.0',
      keys: [{ kid: KID_1, algId: 'COCKTAIL', checksum: 'AAAAAAAAAA==' }],
    });
  });

  it('reads a 4.1 PROTECTINFO/KID and a KIDS list with attributes in any order', () => {
    expect(
      parseWrmHeader(
        header(
          '<PROTECTINFO><KID VALUE=" PHXqEucjArxEdLK5dsQ76w== " CHECKSUM="AAAAAAAAAAA=" ALGID="AESCTR"></KID></PROTECTINFO>',
          '4.1.0.0',
        ),
      ),
    ).toStrictEqual({
      version: '4.1.0.0',
      keys: [{ kid: KID_1, algId: 'AESCTR', checksum: 'AAAAAAAAAAA=' }],
    });
  });

  it('reads a header without DATA, or without a namespace, as one with no keys', () => {
    expect(parseWrmHeader(`<WRMHEADER ${NS} version="4.2.0.0"></WRMHEADER>`)).toStrictEqual({
      version: '4.2.0.0',
      keys: [],
    });
    expect(parseWrmHeader('<WRMHEADER version="4.2.0.0"><DATA></DATA></WRMHEADER>')).toStrictEqual({
      version: '4.2.0.0',
      keys: [],
    });
  });

  it('keeps CUSTOMATTRIBUTES verbatim after a byte order mark', () => {
    const xml = `\uFEFF${header('<CUSTOMATTRIBUTES><A>&amp;</A></CUSTOMATTRIBUTES>')}`;
    expect(parseWrmHeader(xml)).toStrictEqual({ version: '4.2.0.0', keys: [], customAttributes: '<A>&amp;</A>' });
  });

  it('refuses a CHECKSUM that is not base64 from end to end', () => {
    for (const checksum of ['/F7B1fH2e0c=!', '!/F7B1fH2e0c=', 'AAA===', '', 42]) {
      expectHeaderError(
        () => buildWrmHeader({ version: '4.2.0.0', keys: [{ kid: KID_1, checksum: checksum as string }] }),
        code,
        `the CHECKSUM of KID ${KID_1} is not base64`,
      );
    }
  });

  it('computes no CHECKSUM for a COCKTAIL key, and takes a given CHECKSUM that matches the key', () => {
    expectHeaderError(
      () => buildWrmHeader({ version: '4.1.0.0', keys: [{ kid: KID_1, algId: 'COCKTAIL', key: KEY_1 }] }),
      'ERR_PLAYREADY_UNSUPPORTED',
      `a CHECKSUM is only computed for AESCTR keys (KID ${KID_1}: COCKTAIL); pass checksum instead`,
    );
    expect(
      buildWrmHeader({
        version: '4.3.0.0',
        keys: [{ kid: KID_1, algId: 'AESCTR', key: KEY_1, checksum: '/F7B1fH2e0c=' }],
      }),
    ).toBe(
      header(
        '<PROTECTINFO><KIDS><KID ALGID="AESCTR" CHECKSUM="/F7B1fH2e0c=" VALUE="PHXqEucjArxEdLK5dsQ76w=="></KID></KIDS></PROTECTINFO>',
        '4.3.0.0',
      ),
    );
  });

  it('takes one ALGID on several 4.3 KIDs', () => {
    expect(
      buildWrmHeader({
        version: '4.3.0.0',
        keys: [
          { kid: KID_1, algId: 'AESCTR' },
          { kid: KID_2, algId: 'AESCTR' },
        ],
      }),
    ).toBe(
      header(
        '<PROTECTINFO><KIDS><KID ALGID="AESCTR" VALUE="PHXqEucjArxEdLK5dsQ76w=="></KID><KID ALGID="AESCTR" VALUE="llXumD7NDaIWOuOCQgxu/w=="></KID></KIDS></PROTECTINFO>',
        '4.3.0.0',
      ),
    );
  });

  it('names what it refuses', () => {
    expectHeaderError(
      () => buildWrmHeader(null as unknown as WrmHeader),
      code,
      'buildWrmHeader takes a { version, keys, … } object',
    );
    expectHeaderError(
      () => buildWrmHeader({ version: '4.2.0.0', keys: 'x' as unknown as [] }),
      code,
      'keys must be an array',
    );
    expectHeaderError(
      () => buildWrmHeader({ version: '4.2.0.0', keys: [null as unknown as { kid: string }] }),
      code,
      'each key must be an object with a kid',
    );
    expectHeaderError(
      () => buildWrmHeader({ version: '4.2.0.0', keys: [{ kid: KID_1, algId: 5 as unknown as 'AESCTR' }] }),
      code,
      'ALGID 5 is not AESCTR, AESCBC or COCKTAIL',
    );
    expectHeaderError(
      () => buildWrmHeader({ version: '4.0.0.0', keys: [] }),
      code,
      'a 4.0.0.0 header carries exactly one KID, got 0; use 4.2.0.0 or later',
    );
    expectHeaderError(
      () => buildWrmHeader({ version: '4.1.0.0', keys: [{ kid: KID_1 }, { kid: KID_2 }] }),
      code,
      'a 4.1.0.0 header carries at most one KID, got 2; use 4.2.0.0 or later',
    );
    expectHeaderError(
      () => buildWrmHeader({ version: '4.2.0.0', keys: [{ kid: KID_1, algId: 'AESCBC' }] }),
      code,
      'ALGID AESCBC needs version 4.3.0.0, the header is 4.2.0.0',
    );
    expectHeaderError(
      () => buildWrmHeader({ version: '4.3.0.0', keys: [{ kid: KID_1, algId: 'AESCTR' }, { kid: KID_2 }] }),
      code,
      'in a 4.3.0.0 header with several KIDs, ALGID is on every KID with one value, got AESCTR, ',
    );
    expectHeaderError(
      () => buildWrmHeader({ version: '4.0.0.0', keys: [{ kid: KID_1 }], decryptorSetup: 'ONDEMAND' }),
      code,
      'DECRYPTORSETUP needs version 4.1.0.0 or later',
    );
    expectHeaderError(
      () => buildWrmHeader({ version: '4.2.0.0', keys: [], licenseRequested: true }),
      code,
      'LICENSEREQUESTED needs version 4.3.0.0',
    );
    expectHeaderError(
      () => buildWrmHeader({ version: '4.3.0.0', keys: [{ kid: KID_1, algId: 'AESCBC', checksum: 'AAAAAAAAAAA=' }] }),
      code,
      `KID ${KID_1} is AESCBC: PlayReady defines no checksum for AESCBC keys, so CHECKSUM must be omitted`,
    );
    expectHeaderError(
      () => buildWrmHeader({ version: '4.2.0.0', keys: [{ kid: KID_1, key: KEY_1, checksum: 'AAAAAAAAAAA=' }] }),
      'ERR_PLAYREADY_INVALID_KEY',
      `the CHECKSUM given for KID ${KID_1} does not match its key`,
    );
    expectHeaderError(
      () => buildWrmHeader({ version: '1.0' as '4.0.0.0', keys: [] }),
      'ERR_PLAYREADY_UNSUPPORTED',
      'WRMHEADER version "1.0" is not one of 4.0.0.0, 4.1.0.0, 4.2.0.0, 4.3.0.0',
    );
    expectHeaderError(() => parseWrmHeader(42 as unknown as string), code, 'the WRMHEADER must be a string');
    expectHeaderError(() => parseWrmHeader('<HEADER></HEADER>'), code, 'the root element is <HEADER>, not <WRMHEADER>');
    expectHeaderError(
      () => parseWrmHeader('<WRMHEADER xmlns="urn:x" version="4.0.0.0"></WRMHEADER>'),
      code,
      'unexpected namespace urn:x',
    );
    expectHeaderError(
      () => parseWrmHeader(header('<PROTECTINFO><KIDS><KID></KID></KIDS></PROTECTINFO>')),
      code,
      'a KID element has no VALUE attribute',
    );
    expectHeaderError(
      () =>
        parseWrmHeader(
          header('<PROTECTINFO><KIDS><KID ALGID="AES" VALUE="PHXqEucjArxEdLK5dsQ76w=="></KID></KIDS></PROTECTINFO>'),
        ),
      code,
      'ALGID "AES" is not AESCTR, AESCBC or COCKTAIL',
    );
  });

  it('reads a KID without CHECKSUM as a key without one, and trims an ALGID attribute', () => {
    expect(
      parseWrmHeader(
        header(
          '<PROTECTINFO><KIDS><KID ALGID=" AESCBC " VALUE="PHXqEucjArxEdLK5dsQ76w=="></KID></KIDS></PROTECTINFO>',
          '4.3.0.0',
        ),
      ),
    ).toStrictEqual({
      version: '4.3.0.0',
      keys: [{ kid: KID_1, algId: 'AESCBC' }],
    });
    expect(
      parseWrmHeader(header('<PROTECTINFO><KIDS><KID VALUE="PHXqEucjArxEdLK5dsQ76w=="></KID></KIDS></PROTECTINFO>')),
    ).toStrictEqual({
      version: '4.2.0.0',
      keys: [{ kid: KID_1 }],
    });
  });

  it('reads CUSTOMATTRIBUTES of whitespace only as absent, and keeps them verbatim after a U+FEFF inside the header', () => {
    expect(parseWrmHeader(header('<CUSTOMATTRIBUTES>  \n </CUSTOMATTRIBUTES>'))).toStrictEqual({
      version: '4.2.0.0',
      keys: [],
    });
    expect(
      parseWrmHeader(header('<LA_URL>https://l/\uFEFFx</LA_URL><CUSTOMATTRIBUTES><A>1</A></CUSTOMATTRIBUTES>')),
    ).toStrictEqual({
      version: '4.2.0.0',
      keys: [],
      laUrl: 'https://l/\uFEFFx',
      customAttributes: '<A>1</A>',
    });
  });

  it('writes a header whose keys are left out as one without keys, and mixes ALGIDs across KIDs before 4.3', () => {
    expect(buildWrmHeader({ version: '4.2.0.0' } as WrmHeader)).toBe(header(''));
    expect(
      buildWrmHeader({
        version: '4.2.0.0',
        keys: [
          { kid: KID_1, algId: 'AESCTR' },
          { kid: KID_2, algId: 'COCKTAIL' },
        ],
      }),
    ).toBe(
      header(
        '<PROTECTINFO><KIDS><KID ALGID="AESCTR" VALUE="PHXqEucjArxEdLK5dsQ76w=="></KID><KID ALGID="COCKTAIL" VALUE="llXumD7NDaIWOuOCQgxu/w=="></KID></KIDS></PROTECTINFO>',
      ),
    );
  });

  it('finds a self-closing element anywhere in CUSTOMATTRIBUTES', () => {
    expectHeaderError(
      () => buildWrmHeader({ version: '4.2.0.0', keys: [], customAttributes: '<A>1</A><B><C></C><D/></B>' }),
      code,
      '<D/> in CUSTOMATTRIBUTES: every element needs an explicit close tag',
    );
  });

  it('refuses a header or a key that is a string, with its own message', () => {
    expectHeaderError(
      () => buildWrmHeader('4.2.0.0' as unknown as WrmHeader),
      code,
      'buildWrmHeader takes a { version, keys, … } object',
    );
    expectHeaderError(
      () => buildWrmHeader({ version: '4.2.0.0', keys: [KID_1 as unknown as { kid: string }] }),
      code,
      'each key must be an object with a kid',
    );
  });
});
