/** One DER element: its tag and where its contents lie. */
interface DerElement {
  tag: number;
  contentStart: number;
  end: number;
}

/** Reads the DER element at `offset`; undefined when the bytes do not hold one. */
function readElement(bytes: Uint8Array, offset: number): DerElement | undefined {
  const tag = bytes[offset];
  let lengthByte = bytes[offset + 1];
  if (tag === undefined || lengthByte === undefined) return undefined;
  let position = offset + 2;
  let length = lengthByte;
  if (lengthByte & 0x80) {
    const count = lengthByte & 0x7f;
    if (count === 0 || count > 4) return undefined;
    length = 0;
    for (let i = 0; i < count; i += 1) {
      lengthByte = bytes[position];
      if (lengthByte === undefined) return undefined;
      length = length * 256 + lengthByte;
      position += 1;
    }
  }
  const end = position + length;
  return end <= bytes.length ? { tag, contentStart: position, end } : undefined;
}

function decodeOid(bytes: Uint8Array): string {
  const arcs: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      if (arcs.length === 0) arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    }
  }
  return arcs.join('.');
}

const SEQUENCE = 0x30;
const OBJECT_IDENTIFIER = 0x06;

/**
 * The `signatureAlgorithm` OID of a DER X.509 certificate (`Certificate ::= SEQUENCE { tbsCertificate,
 * signatureAlgorithm, signatureValue }`), which node 20's `X509Certificate` does not expose.
 */
export function certificateSignatureAlgorithmOid(der: Uint8Array): string | undefined {
  const certificate = readElement(der, 0);
  if (certificate?.tag !== SEQUENCE) return undefined;
  const tbs = readElement(der, certificate.contentStart);
  if (tbs?.tag !== SEQUENCE) return undefined;
  const algorithm = readElement(der, tbs.end);
  if (algorithm?.tag !== SEQUENCE) return undefined;
  const oid = readElement(der, algorithm.contentStart);
  if (oid?.tag !== OBJECT_IDENTIFIER) return undefined;
  return decodeOid(der.subarray(oid.contentStart, oid.end));
}
