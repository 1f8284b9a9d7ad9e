/**
 * What the server must answer to an attack: a specific refusal code (the status follows from it),
 * `'refused'` for any one-line 4xx, `200` for a control that must be answered, or `'bounded'` where
 * XML allows either reading (an encoding autodetected without a BOM, a leniency with no effect on
 * the keys) and only a correct CPIX answer or a 4xx, quickly, is required.
 */
export type AttackExpectation = string | 200 | 'refused' | 'bounded';

/** A hostile request body and what the server must answer. */
export interface XmlAttack {
  name: string;
  body: Uint8Array;
  expect: AttackExpectation;
}

const NS = 'xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc"';
const KID = '98ee5596-cd3e-a20d-163a-e382420c6eff';
const WIDEVINE = 'edef8ba9-79d6-4ace-a3c8-27dcd51d21ed';

/** The inside of a valid one-key SPEKE v2 request (Widevine, one video rule), with `extra` inside the root. */
function spekeV2Lists(prefix = 'cpix:', extra = ''): string {
  return `<${prefix}ContentKeyList><${prefix}ContentKey kid="${KID}" commonEncryptionScheme="cenc"/></${prefix}ContentKeyList>
<${prefix}DRMSystemList><${prefix}DRMSystem kid="${KID}" systemId="${WIDEVINE}"><${prefix}PSSH/></${prefix}DRMSystem></${prefix}DRMSystemList>
<${prefix}ContentKeyUsageRuleList><${prefix}ContentKeyUsageRule kid="${KID}" intendedTrackType="VIDEO"><${prefix}VideoFilter/></${prefix}ContentKeyUsageRule></${prefix}ContentKeyUsageRuleList>${extra}`;
}

/** A valid one-key SPEKE v2 request, as text. */
export function validSpekeV2(extra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<cpix:CPIX contentId="attack" version="2.3" ${NS}>
${spekeV2Lists('cpix:', extra)}
</cpix:CPIX>`;
}

function utf8(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts.map((part) => Buffer.from(part))));
}

function utf16be(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

/** A request whose root carries a DOCTYPE with the given internal subset, the entity `ref` used in contentId. */
function withDoctype(subset: string, ref: string): Uint8Array {
  return utf8(`<?xml version="1.0"?>
<!DOCTYPE cpix:CPIX [${subset}]>
<cpix:CPIX contentId="${ref}" version="2.3" ${NS}>
${spekeV2Lists()}
</cpix:CPIX>`);
}

/**
 * The XML attacks: entities (internal, external, parameter, billion laughs, quadratic blowup),
 * size and shape (10 MB attribute, 100k elements, 10k levels), encodings (UTF-16 and BOM tricks)
 * and namespace confusion. `canary` is a loopback URL that must never be fetched.
 */
export function xmlAttacks(canary: string): XmlAttack[] {
  const valid = validSpekeV2();
  const laughs = ['<!ENTITY lol "lol">', '<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'];
  for (let level = 2; level <= 9; level++) {
    laughs.push(`<!ENTITY lol${level} "${`&lol${level - 1};`.repeat(10)}">`);
  }
  return [
    // Entities.
    {
      name: 'DOCTYPE with an internal entity',
      body: withDoctype('<!ENTITY boom "boom">', '&boom;'),
      expect: 'ERR_KEY_SERVICE_DTD_FORBIDDEN',
    },
    {
      name: 'XXE: external entity to a local file',
      body: withDoctype('<!ENTITY xxe SYSTEM "file:///etc/passwd">', '&xxe;'),
      expect: 'ERR_KEY_SERVICE_DTD_FORBIDDEN',
    },
    {
      name: 'XXE: external entity to a loopback URL',
      body: withDoctype(`<!ENTITY xxe SYSTEM "${canary}/entity">`, '&xxe;'),
      expect: 'ERR_KEY_SERVICE_DTD_FORBIDDEN',
    },
    {
      name: 'XXE: external parameter entity (out-of-band DTD)',
      body: withDoctype(`<!ENTITY % remote SYSTEM "${canary}/dtd"> %remote;`, 'x'),
      expect: 'ERR_KEY_SERVICE_DTD_FORBIDDEN',
    },
    {
      name: 'XXE: external DTD in the DOCTYPE',
      body: utf8(
        `<?xml version="1.0"?><!DOCTYPE cpix:CPIX SYSTEM "${canary}/external.dtd">${valid.replace(/^<\?xml[^>]*>/, '')}`,
      ),
      expect: 'ERR_KEY_SERVICE_DTD_FORBIDDEN',
    },
    { name: 'billion laughs', body: withDoctype(laughs.join(''), '&lol9;'), expect: 'ERR_KEY_SERVICE_DTD_FORBIDDEN' },
    {
      name: 'quadratic blowup (50 kB entity referenced 20,000 times)',
      body: withDoctype(`<!ENTITY a "${'a'.repeat(50_000)}">`, '&a;'.repeat(20_000)),
      expect: 'ERR_KEY_SERVICE_DTD_FORBIDDEN',
    },
    {
      name: 'lower-case doctype',
      body: utf8(valid.replace('?>', '?><!doctype x [<!entity y "z">]>')),
      expect: 'ERR_KEY_SERVICE_DTD_FORBIDDEN',
    },
    {
      name: 'undeclared entity reference',
      body: utf8(valid.replace('contentId="attack"', 'contentId="&xxe;"')),
      expect: 'ERR_KEY_SERVICE_NOT_XML',
    },
    {
      name: 'DOCTYPE hidden in UTF-16',
      body: concat(
        [0xff, 0xfe],
        Buffer.from(
          `<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY e SYSTEM "${canary}/utf16">]>${valid.replace(/^<\?xml[^>]*>/, '')}`,
          'utf16le',
        ),
      ),
      expect: 'ERR_KEY_SERVICE_DTD_FORBIDDEN',
    },

    // Size and shape.
    {
      name: '10 MB attribute',
      body: utf8(valid.replace('contentId="attack"', `contentId="${'A'.repeat(10 * 1024 * 1024)}"`)),
      expect: 'ERR_KEY_SERVICE_TOO_LARGE',
    },
    {
      name: '100,000 ContentKey elements',
      body: utf8(
        `<CPIX xmlns="urn:dashif:org:cpix" contentId="many" version="2.3"><ContentKeyList>${'<ContentKey/>'.repeat(100_000)}</ContentKeyList></CPIX>`,
      ),
      expect: 'ERR_KEY_SERVICE_TOO_LARGE',
    },
    {
      name: '100,000 ContentKeys with distinct kids (past the per-request key limit)',
      body: utf8(
        `<CPIX xmlns="urn:dashif:org:cpix" contentId="many" version="2.3"><ContentKeyList>${Array.from(
          { length: 100_000 },
          (_, index) => `<ContentKey kid="${index.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000"/>`,
        ).join('')}</ContentKeyList></CPIX>`,
      ),
      expect: 'ERR_KEY_SERVICE_TOO_LARGE',
    },
    // The engine reads 128 elements per key the tenant allows (64 by default) and 1,024 more: padding
    // stops the reading there.
    {
      name: '100,000 unknown elements in a valid request',
      body: utf8(validSpekeV2('<u/>'.repeat(100_000))),
      expect: 'ERR_KEY_SERVICE_TOO_LARGE',
    },
    {
      name: '10,000 levels of nesting',
      body: utf8(validSpekeV2(`${'<cpix:X>'.repeat(10_000)}${'</cpix:X>'.repeat(10_000)}`)),
      expect: 'ERR_KEY_SERVICE_NOT_XML',
    },
    {
      name: '10,000 unclosed levels',
      body: utf8(`<cpix:CPIX ${NS}>${'<a>'.repeat(10_000)}`),
      expect: 'ERR_KEY_SERVICE_NOT_XML',
    },
    {
      name: '10,000 attributes on the root',
      body: utf8(
        valid.replace(
          'contentId="attack"',
          `contentId="attack" ${Array.from({ length: 10_000 }, (_, i) => `a${i}="x"`).join(' ')}`,
        ),
      ),
      expect: 200,
    },
    {
      // More declarations on one element than the reader takes (256).
      name: '10,000 namespace declarations on the root',
      body: utf8(
        valid.replace(
          'contentId="attack"',
          `contentId="attack" ${Array.from({ length: 10_000 }, (_, i) => `xmlns:n${i}="urn:n${i}"`).join(' ')}`,
        ),
      ),
      expect: 'ERR_KEY_SERVICE_TOO_LARGE',
    },
    {
      name: '200 namespace declarations on the root (control)',
      body: utf8(
        valid.replace(
          'contentId="attack"',
          `contentId="attack" ${Array.from({ length: 200 }, (_, i) => `xmlns:n${i}="urn:n${i}"`).join(' ')}`,
        ),
      ),
      expect: 200,
    },
    {
      // Every element under 10,000 declarations looks up its prefix: a reader walking the chain
      // of declarations for each lookup spends seconds here.
      name: '10,000 namespace declarations over 100,000 elements',
      body: utf8(
        valid
          .replace(
            'contentId="attack"',
            `contentId="attack" ${Array.from({ length: 10_000 }, (_, i) => `xmlns:n${i}="urn:n${i}"`).join(' ')}`,
          )
          .replace('</cpix:CPIX>', `${'<u/>'.repeat(100_000)}</cpix:CPIX>`),
      ),
      expect: 'ERR_KEY_SERVICE_TOO_LARGE',
    },
    {
      name: 'duplicate attribute',
      body: utf8(valid.replace('contentId="attack"', 'contentId="a" contentId="b"')),
      expect: 'ERR_KEY_SERVICE_NOT_XML',
    },

    // Encodings and byte order marks.
    { name: 'UTF-8 with BOM (control)', body: concat([0xef, 0xbb, 0xbf], utf8(valid)), expect: 200 },
    {
      name: 'UTF-16LE with BOM (control)',
      body: concat([0xff, 0xfe], Buffer.from(valid.replace('UTF-8', 'UTF-16'), 'utf16le')),
      expect: 200,
    },
    {
      name: 'UTF-16BE with BOM (control)',
      body: concat([0xfe, 0xff], utf16be(valid.replace('UTF-8', 'UTF-16'))),
      expect: 200,
    },
    {
      name: 'UTF-16LE without a BOM',
      body: new Uint8Array(Buffer.from(valid.replace('UTF-8', 'UTF-16'), 'utf16le')),
      expect: 'bounded',
    },
    {
      name: 'UTF-16LE BOM in front of UTF-8 bytes',
      body: concat([0xff, 0xfe], utf8(valid)),
      expect: 'ERR_KEY_SERVICE_NOT_XML',
    },
    {
      name: 'UTF-8 BOM in front of UTF-16LE bytes',
      body: concat([0xef, 0xbb, 0xbf], Buffer.from(valid, 'utf16le')),
      expect: 'refused',
    },
    {
      name: 'two UTF-8 BOMs',
      body: concat([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf], utf8(valid)),
      expect: 'ERR_KEY_SERVICE_NOT_XML',
    },
    { name: 'UTF-32LE BOM', body: concat([0xff, 0xfe, 0x00, 0x00], Buffer.from(valid, 'utf16le')), expect: 'refused' },
    { name: 'UTF-8 declared as UTF-16', body: utf8(valid.replace('UTF-8', 'UTF-16')), expect: 'bounded' },
    { name: 'declared ISO-8859-1, ASCII only', body: utf8(valid.replace('UTF-8', 'ISO-8859-1')), expect: 'bounded' },
    {
      name: 'declared ISO-8859-1 with a Latin-1 byte',
      body: new Uint8Array(
        Buffer.from(
          valid.replace('UTF-8', 'ISO-8859-1').replace('contentId="attack"', 'contentId="caf\u00e9"'),
          'latin1',
        ),
      ),
      expect: 'bounded',
    },
    {
      name: 'overlong UTF-8 for "<" (C0 BC)',
      body: concat(
        utf8(valid.slice(0, valid.indexOf('<cpix:ContentKeyList'))),
        [0xc0, 0xbc],
        utf8(valid.slice(valid.indexOf('<cpix:ContentKeyList') + 1)),
      ),
      expect: 'ERR_KEY_SERVICE_BAD_ENCODING',
    },
    {
      name: 'invalid UTF-8 in an attribute',
      body: concat(
        utf8(valid.slice(0, valid.indexOf('attack'))),
        [0xff, 0xfe, 0xfd],
        utf8(valid.slice(valid.indexOf('attack'))),
      ),
      expect: 'ERR_KEY_SERVICE_BAD_ENCODING',
    },
    {
      name: 'lone surrogate in UTF-16',
      body: concat(
        [0xff, 0xfe],
        Buffer.from(valid.slice(0, valid.indexOf('attack')).replace('UTF-8', 'UTF-16'), 'utf16le'),
        [0x00, 0xd8],
        Buffer.from(valid.slice(valid.indexOf('attack')), 'utf16le'),
      ),
      expect: 'ERR_KEY_SERVICE_BAD_ENCODING',
    },
    {
      name: 'NUL character reference',
      body: utf8(valid.replace('contentId="attack"', 'contentId="a&#0;b"')),
      expect: 'ERR_KEY_SERVICE_NOT_XML',
    },
    {
      name: 'raw NUL byte',
      body: utf8(valid.replace('contentId="attack"', 'contentId="a\u0000b"')),
      expect: 'refused',
    },

    // Namespace confusion.
    {
      name: 'the cpix prefix bound to another namespace',
      body: utf8(valid.replace('xmlns:cpix="urn:dashif:org:cpix"', 'xmlns:cpix="urn:dashif:org:cpix:evil"')),
      expect: 'ERR_KEY_SERVICE_NOT_CPIX',
    },
    {
      name: 'the cpix prefix rebound to another namespace on the lists',
      body: utf8(
        `<cpix:CPIX contentId="attack" version="2.3" ${NS}><cpix:ContentKeyList xmlns:cpix="urn:evil"><cpix:ContentKey kid="${KID}"/></cpix:ContentKeyList></cpix:CPIX>`,
      ),
      expect: 'ERR_KEY_SERVICE_MISSING_LIST',
    },
    {
      name: 'an unbound prefix',
      body: utf8(valid.replace('xmlns:cpix="urn:dashif:org:cpix" ', '')),
      expect: 'ERR_KEY_SERVICE_NOT_XML',
    },
    // Not namespace-well-formed (Namespaces in XML 1.0, section 3): refused.
    {
      name: 'the xml prefix rebound',
      body: utf8(valid.replace('contentId="attack"', 'contentId="attack" xmlns:xml="urn:evil"')),
      expect: 'ERR_KEY_SERVICE_NOT_XML',
    },
    {
      name: 'the xmlns prefix declared',
      body: utf8(valid.replace('contentId="attack"', 'contentId="attack" xmlns:xmlns="urn:evil"')),
      expect: 'ERR_KEY_SERVICE_NOT_XML',
    },
    {
      name: 'an empty prefix binding',
      body: utf8(valid.replace('xmlns:cpix="urn:dashif:org:cpix"', 'xmlns:cpix=""')),
      expect: 'ERR_KEY_SERVICE_NOT_XML',
    },
    {
      name: 'the pskc namespace on the root',
      body: utf8(valid.replace(/cpix:CPIX/g, 'pskc:CPIX')),
      expect: 'ERR_KEY_SERVICE_NOT_CPIX',
    },
    {
      name: 'the cpix namespace under another prefix (control)',
      body: utf8(valid.replace(/cpix:/g, 'ns2:').replace('xmlns:cpix=', 'xmlns:ns2=')),
      expect: 200,
    },
    {
      name: 'the cpix namespace as the default namespace (control)',
      body: utf8(valid.replace(/cpix:/g, '').replace('xmlns:cpix=', 'xmlns=')),
      expect: 200,
    },
  ];
}
