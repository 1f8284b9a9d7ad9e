/**
 * Signature-wrapping attacks on CPIX documents, built from text: a signed list or list item is
 * moved where the model does not read it, and the attacker's own keys are put where it does. Used
 * by the cpix-model tests and by the reliability suite (against the built CLI).
 */

/** The attacker's content key, which no verification may ever vouch for. */
export const ATTACKER_KID = 'a77ac4e2-0000-4000-8000-00000000a77a';
const ATTACKER_VALUE = Buffer.alloc(16, 0x41).toString('base64');
const FOREIGN = 'xmlns:x="urn:example:attacker"';

/** One attack: its name, the forged document, and whether `parseCpix` still reads it (taking the attacker's keys). */
export interface WrappingAttack {
  name: string;
  xml: string;
  parses: boolean;
}

function attackerKey(attributes = ''): string {
  return `<cpix:ContentKey kid="${ATTACKER_KID}"${attributes}><cpix:Data><pskc:Secret><pskc:PlainValue>${ATTACKER_VALUE}</pskc:PlainValue></pskc:Secret></cpix:Data></cpix:ContentKey>`;
}

function attackerList(attributes = '', inside = ''): string {
  return `<cpix:ContentKeyList${attributes}>${attackerKey()}${inside}</cpix:ContentKeyList>`;
}

function only(xml: string, pattern: RegExp, what: string): string {
  const found = xml.match(new RegExp(pattern, 'g'));
  if (found?.length !== 1) throw new Error(`expected one ${what} in the signed document, found ${found?.length ?? 0}`);
  return found[0]!;
}

function intoSignatureObject(xml: string, element: string): string {
  const close = xml.lastIndexOf('</ds:Signature>');
  return `${xml.slice(0, close)}<ds:Object>${element}</ds:Object>${xml.slice(close)}`;
}

function intoDrmSystemList(xml: string, element: string): string {
  return xml.replace('</cpix:DRMSystemList>', `${element}</cpix:DRMSystemList>`);
}

/**
 * The attacks on `listSigned`, a document whose `ContentKeyList` (`id="keys"`) is signed with
 * exclusive canonicalization, and on `itemSigned`, one whose `ContentKey` `id="key-1"` is signed.
 * Each document also has a `DRMSystemList`.
 */
export function wrappingAttacks(listSigned: string, itemSigned: string): WrappingAttack[] {
  const list = only(
    listSigned,
    /<cpix:ContentKeyList id="keys">[\s\S]*?<\/cpix:ContentKeyList>/,
    'signed ContentKeyList',
  );
  const item = only(itemSigned, /<cpix:ContentKey id="key-1"[\s\S]*?<\/cpix:ContentKey>/, 'signed ContentKey');
  const wrapped = (element: string) => `<x:Wrapper ${FOREIGN}>${element}</x:Wrapper>`;
  return [
    {
      name: 'signed list in an unknown wrapper, the attacker list in its place',
      xml: listSigned.replace(list, attackerList() + wrapped(list)),
      parses: true,
    },
    {
      name: 'signed list in ds:Object of the signature, the attacker list in its place',
      xml: intoSignatureObject(listSigned.replace(list, attackerList()), list),
      parses: true,
    },
    {
      name: 'attacker list with the signed id, signed list in a wrapper (duplicate ids)',
      xml: listSigned.replace(list, attackerList(' id="keys"') + wrapped(list)),
      parses: true,
    },
    {
      name: 'attacker list with the id in a foreign-namespace attribute',
      xml: listSigned.replace(list, attackerList(` ${FOREIGN} x:id="keys"`) + wrapped(list)),
      parses: true,
    },
    {
      name: 'id on a second list: the attacker list first, the signed list after it',
      xml: listSigned.replace(list, attackerList() + list),
      parses: false,
    },
    {
      name: 'signed list nested inside the attacker list',
      xml: listSigned.replace(list, attackerList('', list)),
      parses: true,
    },
    {
      name: 'signed list moved into the DRMSystemList',
      xml: intoDrmSystemList(listSigned.replace(list, attackerList()), list),
      parses: true,
    },
    {
      name: 'signed item in an unknown wrapper inside its list, an attacker item in its place',
      xml: itemSigned.replace(item, attackerKey() + wrapped(item)),
      parses: true,
    },
    {
      name: 'signed item moved into the DRMSystemList, an attacker item in its place',
      xml: intoDrmSystemList(itemSigned.replace(item, attackerKey()), item),
      parses: true,
    },
    {
      name: 'signed item in ds:Object of the signature, an attacker item in its place',
      xml: intoSignatureObject(itemSigned.replace(item, attackerKey()), item),
      parses: true,
    },
  ];
}
