import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../tooling/src/thrown.js';
import { KeyServiceError, oneLine } from './errors.js';
import { MAX_REQUEST_BYTES, readRequest } from './read-request.js';

// readRequest: each parser refusal mapped to its code and status, the element bound at its
// boundary, and what it keeps of the warnings.

const ROOT = 'xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc"';
const KID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const cpix = (inner: string, attributes = '') => `<cpix:CPIX ${ROOT}${attributes}>${inner}</cpix:CPIX>`;
const keyList = `<cpix:ContentKeyList><cpix:ContentKey kid="${KID}"/></cpix:ContentKeyList>`;

function refusal(body: string | Uint8Array | undefined, maxKeys = 64): KeyServiceError {
  return thrownBy(() => readRequest(body, maxKeys), KeyServiceError);
}

describe('readRequest', () => {
  it.each([[undefined], [''], [' \t\r\n'], [new Uint8Array(0)], [Uint8Array.from([0x20, 0x09, 0x0a, 0x0d])]])(
    'refuses the empty body %j',
    (body) => {
      const error = refusal(body);
      expect([error.code, error.status, error.message]).toStrictEqual([
        'ERR_KEY_SERVICE_EMPTY_BODY',
        400,
        'the request body is empty',
      ]);
    },
  );

  it.each([
    ['a vertical tab', Uint8Array.from([0x0b]), 'ERR_KEY_SERVICE_NOT_XML', 400],
    ['text', 'x', 'ERR_KEY_SERVICE_NOT_XML', 400],
    ['a DTD', `<!DOCTYPE x><cpix:CPIX ${ROOT}/>`, 'ERR_KEY_SERVICE_DTD_FORBIDDEN', 400],
    ['another root', '<a/>', 'ERR_KEY_SERVICE_NOT_CPIX', 400],
    ['bytes that are not UTF-8', Uint8Array.from([0x3c, 0x61, 0xff, 0x2f, 0x3e]), 'ERR_KEY_SERVICE_BAD_ENCODING', 400],
    [
      'nesting past the depth limit',
      cpix(`${'<x:a xmlns:x="urn:x">'.repeat(300)}${'</x:a>'.repeat(300)}`),
      'ERR_KEY_SERVICE_NOT_XML',
      400,
    ],
    [
      'a content key without kid',
      cpix('<cpix:ContentKeyList><cpix:ContentKey/></cpix:ContentKeyList>'),
      'ERR_KEY_SERVICE_MISSING_ATTRIBUTE',
      422,
    ],
    [
      'a kid that is not a UUID',
      cpix('<cpix:ContentKeyList><cpix:ContentKey kid="k1"/></cpix:ContentKeyList>'),
      'ERR_KEY_SERVICE_INVALID_UUID',
      422,
    ],
    ['two content key lists', cpix(`${keyList}${keyList}`), 'ERR_KEY_SERVICE_INVALID_CPIX', 422],
  ])('refuses %s', (_what, body, code, status) => {
    const error = refusal(body);
    expect([error.code, error.status]).toStrictEqual([code, status]);
    expect(error.message).toBe(oneLine(error.message));
    expect(error.cause).toMatchObject({ name: 'CpixError' });
  });

  it('refuses a body over 4 MiB', () => {
    const body = cpix(' '.repeat(MAX_REQUEST_BYTES));
    expect(refusal(body).code).toBe('ERR_KEY_SERVICE_TOO_LARGE');
    expect(refusal(body).status).toBe(413);
  });

  it('reads 1,024 elements besides 128 per key allowed, and refuses one more', () => {
    // The root and its padding elements: 1 + 1,151 = 1,152 = 1,024 + 128 × 1.
    const padded = (count: number) => cpix('<x:p/>'.repeat(count), ' xmlns:x="urn:x"');
    expect(readRequest(padded(1151), 1).document.extensions).toHaveLength(1151);
    const error = refusal(padded(1152), 1);
    expect([error.code, error.status]).toStrictEqual(['ERR_KEY_SERVICE_TOO_LARGE', 413]);
    expect(error.message).toContain('1152 elements');
    expect(readRequest(padded(1279), 2).document.extensions).toHaveLength(1279);
  });

  it('names an element CPIX does not define, at most 80 characters of it, and where it is', () => {
    const error = refusal(cpix('<cpix:DRMSysList/>'));
    expect([error.code, error.status, error.message]).toStrictEqual([
      'ERR_KEY_SERVICE_UNKNOWN_ELEMENT',
      422,
      'the request has an element CPIX does not define: DRMSysList (at /CPIX/DRMSysList)',
    ]);
    const long = 'L'.repeat(100);
    const named = refusal(cpix(`<cpix:${long}/>`)).message;
    expect(named).toBe(`the request has an element CPIX does not define: ${long.slice(0, 80)} (at /CPIX/${long})`);
  });

  it('refuses a value that is not base64, naming where it is', () => {
    const body = cpix(`<cpix:ContentKeyList><cpix:ContentKey kid="${KID}" explicitIV="!!!"/></cpix:ContentKeyList>`);
    const error = refusal(body);
    expect([error.code, error.status]).toStrictEqual(['ERR_KEY_SERVICE_INVALID_BASE64', 422]);
    expect(error.message).toBe('a value is not base64 (at /CPIX/ContentKeyList/ContentKey[1]/@explicitIV)');
  });

  it('keeps the code, path and message of each warning, and drops a DeliveryData without DocumentKey', () => {
    const body = cpix(
      `<cpix:DeliveryDataList><cpix:DeliveryData><cpix:DeliveryKey><ds:X509Data xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Certificate>AAAA</ds:X509Certificate></ds:X509Data></cpix:DeliveryKey></cpix:DeliveryData></cpix:DeliveryDataList>${keyList}`,
    );
    expect(readRequest(body, 64).warnings).toStrictEqual([]);
    const lenient = readRequest(
      cpix(`<cpix:ContentKeyList><cpix:ContentKey kid="${KID}" commonEncryptionScheme="CBCS"/></cpix:ContentKeyList>`),
      64,
    );
    expect(lenient.warnings.length).toBeGreaterThan(0);
    for (const warning of lenient.warnings) {
      expect(Object.keys(warning)).toStrictEqual(['code', 'path', 'message']);
    }
  });

  it('folds a text onto one line of at most 300 characters', () => {
    expect(oneLine(' a \n\t b ')).toBe('a b');
    expect(oneLine('x'.repeat(300))).toBe('x'.repeat(300));
    expect(oneLine('x'.repeat(301))).toBe(`${'x'.repeat(297)}...`);
  });
});
