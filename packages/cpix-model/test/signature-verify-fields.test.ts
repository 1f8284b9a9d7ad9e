import { beforeAll, describe, expect, it } from 'vitest';
import { isSignedBy, signCpix, verifyCpixSignatures, type CpixSignatureVerification } from '../src/signature.js';
import { cryptoFixtures, type CryptoFixtures } from './crypto-fixtures.js';
import { onFirstUse } from '../../../tooling/src/on-first-use.js';

let fx: CryptoFixtures;
beforeAll(() => {
  fx = cryptoFixtures();
}, 120_000);

const CPIX = 'urn:dashif:org:cpix';
const KID = '98ee5596-cd3e-a20d-163a-e382420c6eff';
const SOURCE = `<CPIX xmlns="${CPIX}" contentId="movie">\n  <ContentKeyList id="keys"><ContentKey kid="${KID}"/></ContentKeyList>\n  <ContentKeyUsageRuleList/>\n</CPIX>\n`;

/** The list signed on its own, by id. */
const signedList = onFirstUse(() =>
  signCpix(SOURCE, { privateKey: fx.key('signer'), certificate: fx.pem('signer'), target: 'ContentKeyList' }),
);

/** A failed result of the list signature, `rest` being its fields that differ from the reference-only ones. */
function failed(
  code: string,
  reason: string,
  rest: Partial<CpixSignatureVerification> = {},
): CpixSignatureVerification {
  return {
    target: 'ContentKeyList',
    uri: '#keys',
    id: 'keys',
    valid: false,
    location: '/CPIX/Signature[1]',
    covers: [],
    code: code as CpixSignatureVerification['code'],
    reason,
    ...rest,
  };
}

describe('verifyCpixSignatures: the whole result of each failure', () => {
  it('a reference whose target lost its id points at nothing', async () => {
    const [result] = verifyCpixSignatures(
      (await signedList()).replace('<ContentKeyList id="keys">', '<ContentKeyList>'),
    );
    expect(result).toStrictEqual(
      failed(
        'ERR_CPIX_SIGNATURE_REFERENCE_NOT_FOUND',
        'The target of reference #keys is missing: it points at no element',
        {
          target: '#keys',
        },
      ),
    );
  });

  it('a reference whose id two elements carry is ambiguous, with their count', async () => {
    const [result] = verifyCpixSignatures(
      (await signedList()).replace('<ContentKeyUsageRuleList/>', '<ContentKeyUsageRuleList id="keys"/>'),
    );
    expect(result).toStrictEqual(
      failed(
        'ERR_CPIX_SIGNATURE_AMBIGUOUS_REFERENCE',
        'The target of reference #keys is ambiguous: 2 elements carry the id',
        {
          target: '#keys',
        },
      ),
    );
  });

  it('a reference URI that is not "" or "#id", or no reference at all, points at nothing', async () => {
    const signed = await signedList();
    expect(verifyCpixSignatures(signed.replace('URI="#keys"', 'URI="keys"'))[0]).toStrictEqual({
      target: 'keys',
      uri: 'keys',
      valid: false,
      location: '/CPIX/Signature[1]',
      covers: [],
      code: 'ERR_CPIX_SIGNATURE_REFERENCE_NOT_FOUND',
      reason: 'Reference URI "keys" is not "" or "#id": it points at nothing in the document',
    });
    expect(verifyCpixSignatures(signed.replace(/<ds:Reference [\s\S]*<\/ds:Reference>/, ''))[0]).toStrictEqual({
      target: 'document',
      uri: '',
      valid: false,
      location: '/CPIX/Signature[1]',
      covers: [],
      code: 'ERR_CPIX_SIGNATURE_MALFORMED',
      reason: 'The signature has no SignedInfo/Reference',
    });
  });

  it('a signature without its certificate, or over a document with XML 1.1 line ends, says so', async () => {
    const withoutCertificate = (await signedList()).replace(/<ds:X509Certificate>[^<]*<\/ds:X509Certificate>/, '');
    expect(verifyCpixSignatures(withoutCertificate)[0]).toStrictEqual(
      failed('ERR_CPIX_SIGNATURE_NO_CERTIFICATE', 'The signature carries no ds:X509Certificate'),
    );
    const unsafe = (await signedList()).replace('contentId="movie"', 'contentId="movie\u2028"');
    expect(verifyCpixSignatures(unsafe)[0]).toStrictEqual(
      failed(
        'ERR_CPIX_SIGNATURE_UNSAFE_CHARACTER',
        'The document holds U+0085, U+2028 or U+2029, which the signature library reads as line feeds and parseCpix as characters',
      ),
    );
  });

  it('an altered signature value does not verify with the certificate', async () => {
    const signed = await signedList();
    const value = /<ds:SignatureValue>([^<]*)<\/ds:SignatureValue>/.exec(signed)![1]!;
    const altered = signed.replace(value, (value[0] === 'A' ? 'B' : 'A') + value.slice(1));
    const { certificate, ...result } = verifyCpixSignatures(altered)[0]!;
    expect(result).toStrictEqual(
      failed(
        'ERR_CPIX_SIGNATURE_VALUE_MISMATCH',
        'The signature value does not verify with the embedded certificate (SignedInfo altered or another key)',
      ),
    );
    expect(certificate?.subject).toBe('CN=cpixkit test signer\nO=cpixkit');
  });

  it('a changed signed list is a digest mismatch of its reference', async () => {
    const altered = (await signedList()).replace(`kid="${KID}"`, `kid="${KID.replace('98', '99')}"`);
    const { certificate: _certificate, ...result } = verifyCpixSignatures(altered)[0]!;
    expect(result).toStrictEqual(
      failed('ERR_CPIX_SIGNATURE_DIGEST_MISMATCH', 'The content signed by reference #keys changed after it was signed'),
    );
  });
});

describe('isSignedBy', () => {
  const FINGERPRINT = 'AB:CD:EF';
  function result(fields: Partial<CpixSignatureVerification>): CpixSignatureVerification {
    return {
      target: 'document',
      uri: '',
      valid: true,
      location: '/CPIX/Signature[1]',
      covers: ['/CPIX/ContentKeyList'],
      certificate: { fingerprint256: FINGERPRINT } as CpixSignatureVerification['certificate'],
      ...fields,
    };
  }

  it('needs one valid signature by that certificate covering the path or a part holding it', () => {
    expect(isSignedBy([result({})], '/CPIX/ContentKeyList/ContentKey[1]', 'abcdef')).toBe(true);
    expect(isSignedBy([result({ valid: false }), result({})], '/CPIX/ContentKeyList', 'ab:cd:ef')).toBe(true);
    expect(
      isSignedBy(
        [result({ covers: ['/CPIX/DRMSystemList', '/CPIX/ContentKeyList'] })],
        '/CPIX/ContentKeyList',
        'ABCDEF',
      ),
    ).toBe(true);
  });

  it('is false for an invalid signature, one without certificate, another certificate or another part', () => {
    expect(isSignedBy([result({ valid: false })], '/CPIX/ContentKeyList', FINGERPRINT)).toBe(false);
    expect(isSignedBy([result({ certificate: undefined })], '/CPIX/ContentKeyList', FINGERPRINT)).toBe(false);
    expect(isSignedBy([result({})], '/CPIX/ContentKeyList', 'AB:CD:EE')).toBe(false);
    expect(isSignedBy([result({})], '/CPIX/ContentKeyListX', FINGERPRINT)).toBe(false);
    expect(isSignedBy([result({})], '/CPIX', FINGERPRINT)).toBe(false);
  });
});
