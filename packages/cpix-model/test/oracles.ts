import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import {
  CPIX_NAMESPACES,
  type ContentKey,
  type CpixDocument,
  type DeliveryData,
  type EncryptedData,
} from '../src/index.js';
import { readXml, type XmlElement } from '../src/xml-reader.js';

/**
 * Independent implementations our XML reader and writer are checked against: fast-xml-parser
 * (the chosen stack's parser) reads, xmlbuilder2 (the chosen stack's builder) writes. Both are
 * compared on the infoset: elements by namespace URI and local name, attributes (namespace
 * declarations aside), and character data.
 */

/** An element of the infoset: `{namespace}local` names, attributes sorted, its own character data. */
export interface InfosetElement {
  name: string;
  attributes: string[];
  text: string;
  children: InfosetElement[];
}

/** What a reader made of a document: its infoset, or the reason it refused it. */
export type Reading = { infoset: InfosetElement } | { refused: string };

const LIMITS = { maxLength: 64 * 1024 * 1024, maxDepth: 100_000, maxElements: 10_000_000 };
const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';

function expanded(namespace: string | undefined, localName: string): string {
  return namespace === undefined ? localName : `{${namespace}}${localName}`;
}

/** Our reader's infoset of `text`. */
export function readWithOurs(text: string): Reading {
  let root: XmlElement;
  try {
    root = readXml(text, LIMITS);
  } catch (error) {
    return { refused: error instanceof Error ? error.message : String(error) };
  }
  const convert = (element: XmlElement): InfosetElement => ({
    name: expanded(element.namespace, element.localName),
    attributes: element.attributes
      .map((attribute) => `${expanded(attribute.namespace, attribute.localName)}=${attribute.value}`)
      .sort(),
    text: element.text,
    children: element.children.map(convert),
  });
  return { infoset: convert(root) };
}

type FxpNode = Record<string, unknown> & { ':@'?: Record<string, string> };

const fastXmlParser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  // Character references (`&#65;`) are decoded only with HTML entities on.
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: '#comment',
  cdataPropName: '#cdata',
  // Its default (100) is a limit of its own, not of XML: the mutations nest thousands deep.
  maxNestedTags: 1_000_000,
});

class NamespaceError extends Error {}

/**
 * fast-xml-parser's infoset of `text`: its validator must accept the document and its parser read it
 * (the validator lets through some text the parser throws on, as a CDATA section left open after the
 * root element), and its raw qualified names are resolved to namespaces here (fast-xml-parser has no
 * namespace support).
 */
export function readWithFastXmlParser(text: string): Reading {
  const valid = XMLValidator.validate(text);
  if (valid !== true) return { refused: `${valid.err.code}: ${valid.err.msg}` };
  let nodes: FxpNode[];
  try {
    nodes = fastXmlParser.parse(text) as FxpNode[];
  } catch (error) {
    return { refused: `parser: ${(error as Error).message}` };
  }
  const roots = nodes.filter((node) => elementName(node) !== undefined);
  if (roots.length !== 1) return { refused: `${roots.length} root elements` };
  try {
    return { infoset: convertFxp(roots[0]!, new Map([['xml', XML_NAMESPACE]])) };
  } catch (error) {
    if (error instanceof NamespaceError) return { refused: error.message };
    throw error;
  }
}

function elementName(node: FxpNode): string | undefined {
  return Object.keys(node).find((key) => key !== ':@' && !key.startsWith('#'));
}

function convertFxp(node: FxpNode, inherited: Map<string, string>): InfosetElement {
  const qname = elementName(node)!;
  const scope = new Map(inherited);
  const plain: [string, string][] = [];
  for (const [name, value] of Object.entries(node[':@'] ?? {})) {
    if (name === 'xmlns') scope.set('', value);
    else if (name.startsWith('xmlns:')) scope.set(name.slice(6), value);
    else plain.push([name, value]);
  }
  const resolve = (name: string, useDefault: boolean): string => {
    const colon = name.indexOf(':');
    if (colon === -1) {
      const namespace = useDefault ? scope.get('') : undefined;
      return expanded(namespace === '' ? undefined : namespace, name);
    }
    const namespace = scope.get(name.slice(0, colon));
    if (namespace === undefined) throw new NamespaceError(`unbound prefix in ${name}`);
    return expanded(namespace, name.slice(colon + 1));
  };
  let text = '';
  const children: InfosetElement[] = [];
  for (const child of node[qname] as FxpNode[]) {
    if ('#text' in child) text += String(child['#text']);
    else if ('#cdata' in child)
      text += (child['#cdata'] as { '#text': string }[]).map((piece) => piece['#text']).join('');
    else if (elementName(child) !== undefined) children.push(convertFxp(child, scope));
  }
  return {
    name: resolve(qname, true),
    attributes: plain.map(([name, value]) => `${resolve(name, false)}=${value}`).sort(),
    text,
    children,
  };
}

/** The infoset without the whitespace-only text that indentation adds (for comparing two writers). */
export function withoutIndentation(element: InfosetElement): InfosetElement {
  return {
    ...element,
    text: element.text.trim() === '' ? '' : element.text,
    children: element.children.map(withoutIndentation),
  };
}

// ---------------------------------------------------------------------------------------------
// xmlbuilder2 as a second writer, for the documents of bench/live-document.ts (clear or encrypted).

const { cpix: CPIX, pskc: PSKC, ds: DS, enc: ENC } = CPIX_NAMESPACES;
const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/**
 * The document as CPIX 2.3 XML built with xmlbuilder2: the content keys (IV, scheme, plain or
 * encrypted value), DRM systems (PSSH, ContentProtectionData, HLS signalling), periods, usage rules
 * (period and video filters) and recipients. Throws on a field it does not write, so that a
 * comparison never passes by leaving something out.
 */
export function writeWithXmlBuilder2(document: CpixDocument): string {
  const { contentKeyList, drmSystemList, contentKeyPeriodList, contentKeyUsageRuleList, deliveryDataList, ...rest } =
    document;
  expectOnly(rest, ['contentId', 'version'], 'CPIX');
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(CPIX, 'cpix:CPIX').att('xmlns:pskc', PSKC);
  if (deliveryDataList !== undefined) root.att('xmlns:ds', DS).att('xmlns:enc', ENC);
  if (document.contentId !== undefined) root.att('contentId', document.contentId);
  if (document.version !== undefined) root.att('version', document.version);
  if (deliveryDataList !== undefined) {
    const list = root.ele(CPIX, 'cpix:DeliveryDataList');
    for (const data of deliveryDataList.deliveryData) writeDeliveryData(list, data);
  }
  if (contentKeyList !== undefined) {
    const list = root.ele(CPIX, 'cpix:ContentKeyList');
    for (const key of contentKeyList.contentKeys) writeContentKey(list, key);
  }
  if (drmSystemList !== undefined) {
    const list = root.ele(CPIX, 'cpix:DRMSystemList');
    for (const { systemId, kid, pssh, contentProtectionData, hlsSignalingData, ...other } of drmSystemList.drmSystems) {
      expectOnly(other, [], 'DRMSystem');
      const system = list.ele(CPIX, 'cpix:DRMSystem').att('systemId', systemId).att('kid', kid);
      if (pssh !== undefined) system.ele(CPIX, 'cpix:PSSH').txt(base64(pssh));
      if (contentProtectionData !== undefined)
        system.ele(CPIX, 'cpix:ContentProtectionData').txt(base64(contentProtectionData.value));
      for (const signaling of hlsSignalingData ?? []) {
        const element = system.ele(CPIX, 'cpix:HLSSignalingData');
        if (signaling.playlist !== undefined) element.att('playlist', signaling.playlist);
        element.txt(base64(signaling.value));
      }
    }
  }
  if (contentKeyPeriodList !== undefined) {
    const list = root.ele(CPIX, 'cpix:ContentKeyPeriodList');
    for (const { id, index, ...other } of contentKeyPeriodList.contentKeyPeriods) {
      expectOnly(other, [], 'ContentKeyPeriod');
      const period = list.ele(CPIX, 'cpix:ContentKeyPeriod');
      if (id !== undefined) period.att('id', id);
      if (index !== undefined) period.att('index', String(index));
    }
  }
  if (contentKeyUsageRuleList !== undefined) {
    const list = root.ele(CPIX, 'cpix:ContentKeyUsageRuleList');
    for (const {
      kid,
      intendedTrackType,
      keyPeriodFilters,
      videoFilters,
      ...other
    } of contentKeyUsageRuleList.contentKeyUsageRules) {
      expectOnly(other, [], 'ContentKeyUsageRule');
      const rule = list.ele(CPIX, 'cpix:ContentKeyUsageRule').att('kid', kid);
      if (intendedTrackType !== undefined) rule.att('intendedTrackType', intendedTrackType);
      for (const filter of keyPeriodFilters ?? [])
        rule.ele(CPIX, 'cpix:KeyPeriodFilter').att('periodId', filter.periodId);
      for (const { minPixels, maxPixels, ...bounds } of videoFilters ?? []) {
        expectOnly(bounds, [], 'VideoFilter');
        const filter = rule.ele(CPIX, 'cpix:VideoFilter');
        if (minPixels !== undefined) filter.att('minPixels', String(minPixels));
        if (maxPixels !== undefined) filter.att('maxPixels', String(maxPixels));
      }
    }
  }
  return root.end({ prettyPrint: true });
}

function writeContentKey(
  list: XMLBuilder,
  { kid, explicitIV, commonEncryptionScheme, data, ...other }: ContentKey,
): void {
  expectOnly(other, [], 'ContentKey');
  const key = list.ele(CPIX, 'cpix:ContentKey').att('kid', kid);
  if (explicitIV !== undefined) key.att('explicitIV', base64(explicitIV));
  if (commonEncryptionScheme !== undefined) key.att('commonEncryptionScheme', commonEncryptionScheme);
  const secret = data?.secret;
  if (secret === undefined) return;
  const element = key.ele(CPIX, 'cpix:Data').ele(PSKC, 'pskc:Secret');
  if (secret.plainValue !== undefined) element.ele(PSKC, 'pskc:PlainValue').txt(base64(secret.plainValue));
  if (secret.encryptedValue !== undefined)
    writeEncrypted(element.ele(PSKC, 'pskc:EncryptedValue'), secret.encryptedValue);
  if (secret.valueMac !== undefined) element.ele(PSKC, 'pskc:ValueMAC').txt(base64(secret.valueMac));
}

function writeDeliveryData(list: XMLBuilder, { deliveryKey, documentKeys, macMethod, ...other }: DeliveryData): void {
  expectOnly(other, [], 'DeliveryData');
  const data = list.ele(CPIX, 'cpix:DeliveryData');
  const x509Data = data.ele(CPIX, 'cpix:DeliveryKey').ele(DS, 'ds:X509Data');
  for (const certificate of deliveryKey.x509Certificates)
    x509Data.ele(DS, 'ds:X509Certificate').txt(base64(certificate));
  for (const documentKey of documentKeys) {
    const element = data.ele(CPIX, 'cpix:DocumentKey');
    if (documentKey.algorithm !== undefined) element.att('Algorithm', documentKey.algorithm);
    const encrypted = documentKey.data?.secret?.encryptedValue;
    if (encrypted !== undefined)
      writeEncrypted(
        element.ele(CPIX, 'cpix:Data').ele(PSKC, 'pskc:Secret').ele(PSKC, 'pskc:EncryptedValue'),
        encrypted,
      );
  }
  if (macMethod !== undefined) {
    const method = data.ele(CPIX, 'cpix:MACMethod').att('Algorithm', macMethod.algorithm);
    if (macMethod.key !== undefined) writeEncrypted(method.ele(CPIX, 'cpix:Key'), macMethod.key);
  }
}

function writeEncrypted(element: XMLBuilder, { algorithm, cipherValue, ...other }: EncryptedData): void {
  expectOnly(other, [], 'EncryptedData');
  if (algorithm !== undefined) element.ele(ENC, 'enc:EncryptionMethod').att('Algorithm', algorithm);
  element.ele(ENC, 'enc:CipherData').ele(ENC, 'enc:CipherValue').txt(base64(cipherValue));
}

function expectOnly(rest: object, allowed: readonly string[], where: string): void {
  const unexpected = Object.keys(rest).filter((key) => !allowed.includes(key));
  if (unexpected.length > 0) throw new Error(`writeWithXmlBuilder2 does not write ${where} ${unexpected.join(', ')}`);
}
