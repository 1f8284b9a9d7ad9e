import { createPrivateKey, KeyObject } from 'node:crypto';
import { CpixError } from '../errors.js';

/** A PKCS#12 (`.p12`/`.pfx`) file and its password. */
export interface Pkcs12Input {
  pkcs12: Uint8Array;
  password: string;
}

/** A private key: PEM text (PKCS#1 or PKCS#8, unencrypted), a node `KeyObject`, or a PKCS#12 file. */
export type PrivateKeyInput = string | KeyObject | Pkcs12Input;

function isPkcs12(input: PrivateKeyInput): input is Pkcs12Input {
  return typeof input === 'object' && !(input instanceof KeyObject) && input !== null && 'pkcs12' in input;
}

/** Loads a private key; node-forge is imported only for PKCS#12 input. Never echoes key material in errors. */
export async function loadPrivateKey(input: PrivateKeyInput): Promise<KeyObject> {
  if (input instanceof KeyObject) {
    if (input.type !== 'private')
      throw new CpixError('ERR_CPIX_PRIVATE_KEY_INVALID', `Expected a private key, got a ${input.type} key`);
    return input;
  }
  if (typeof input === 'string') {
    try {
      return createPrivateKey(input);
    } catch (cause) {
      throw new CpixError('ERR_CPIX_PRIVATE_KEY_INVALID', 'Not a readable unencrypted PEM private key', { cause });
    }
  }
  if (isPkcs12(input) && input.pkcs12 instanceof Uint8Array && typeof input.password === 'string') {
    return createPrivateKey(await pkcs12PrivateKeyPem(input));
  }
  throw new CpixError(
    'ERR_CPIX_PRIVATE_KEY_INVALID',
    'A private key must be PEM text, a KeyObject or { pkcs12, password }',
  );
}

async function pkcs12PrivateKeyPem({ pkcs12, password }: Pkcs12Input): Promise<string> {
  const { default: forge } = await import('node-forge');
  let store: ReturnType<typeof forge.pkcs12.pkcs12FromAsn1>;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(pkcs12).toString('binary')));
    store = forge.pkcs12.pkcs12FromAsn1(asn1, password);
  } catch (cause) {
    // node-forge reports a wrong password and a damaged file alike ("Invalid password?", ASN.1 errors).
    throw new CpixError(
      'ERR_CPIX_PRIVATE_KEY_INVALID',
      'PKCS#12 file could not be opened (wrong password or not PKCS#12)',
      { cause },
    );
  }
  const { pkcs8ShroudedKeyBag, keyBag } = forge.pki.oids;
  for (const bagType of [pkcs8ShroudedKeyBag, keyBag]) {
    if (bagType === undefined) continue;
    const key = store.getBags({ bagType })[bagType]?.find((bag) => bag.key !== undefined)?.key;
    if (key !== undefined) return forge.pki.privateKeyToPem(key);
  }
  throw new CpixError('ERR_CPIX_PRIVATE_KEY_INVALID', 'PKCS#12 file holds no private key');
}
