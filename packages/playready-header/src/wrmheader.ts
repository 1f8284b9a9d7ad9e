import { computeKeyChecksum } from './checksum.js';
import { PlayReadyError } from './errors.js';
import { guidBase64ToKid, kidToGuidBase64 } from './kid.js';
import { escapeText, NOT_XML_CHAR, parseXmlElement, type XmlElement } from './xml.js';

/** The `xmlns` of every WRMHEADER. */
export const WRMHEADER_NAMESPACE = 'http://schemas.microsoft.com/DRM/2007/03/PlayReadyHeader';

/** WRMHEADER versions, oldest first. 4.2 needs PlayReady 3.0 clients, 4.3 PlayReady 4.0. */
export const WRMHEADER_VERSIONS = ['4.0.0.0', '4.1.0.0', '4.2.0.0', '4.3.0.0'] as const;

/** A WRMHEADER `version`. */
export type WrmHeaderVersion = (typeof WRMHEADER_VERSIONS)[number];

/** Content encryption algorithms a WRMHEADER names in `ALGID`. AESCBC needs version 4.3. */
export type PlayReadyAlgorithm = 'AESCTR' | 'AESCBC' | 'COCKTAIL';

/** One key of a WRMHEADER. */
export interface WrmHeaderKey {
  /** The KID as a UUID string (RFC 4122 order); the header carries it in GUID little-endian base64. */
  kid: string;
  /** `ALGID`. Defaults to AESCTR before 4.3; optional in 4.3, where it is written only when given. */
  algId?: PlayReadyAlgorithm;
  /** `CHECKSUM` as written in the header (base64). */
  checksum?: string;
  /**
   * The content key (16 bytes), used only to compute `CHECKSUM` for AESCTR keys; never written. When
   * `checksum` is also given the two must agree.
   */
  key?: Uint8Array;
}

/** The PlayReady Header (WRMHEADER) model shared by {@link buildWrmHeader} and {@link parseWrmHeader}. */
export interface WrmHeader {
  version: WrmHeaderVersion;
  /** Exactly one key in 4.0, at most one in 4.1, any number in 4.2 and 4.3. */
  keys: WrmHeaderKey[];
  /** `LA_URL`: license acquisition URL. */
  laUrl?: string;
  /** `LUI_URL`: non-silent license acquisition page. */
  luiUrl?: string;
  /** `DS_ID`: domain service id (base64 GUID). */
  dsId?: string;
  /** Inner XML of `CUSTOMATTRIBUTES`, kept verbatim (e.g. `<PERIOD_INDEX>128</PERIOD_INDEX>`). */
  customAttributes?: string;
  /** `DECRYPTORSETUP` (4.1 and later); the only defined value is `ONDEMAND`. */
  decryptorSetup?: 'ONDEMAND';
  /** `PROTECTINFO@LICENSEREQUESTED` (4.3, added to the specification in 2021). */
  licenseRequested?: boolean;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Writes a WRMHEADER exactly as the PlayReady Header Specification requires: `xmlns` first, attributes in
 * alphabetical order, explicit close tags, no XML declaration, `&`/`<`/`>` escaped. In 4.0 the key goes in
 * `PROTECTINFO/KEYLEN`, `ALGID` then `DATA/KID`, `DATA/CHECKSUM`; in 4.1 in `PROTECTINFO/KID`; in 4.2 and 4.3
 * in `PROTECTINFO/KIDS/KID`. Throws {@link PlayReadyError} for combinations the version does not allow.
 */
export function buildWrmHeader(header: WrmHeader): string {
  if (typeof header !== 'object' || header === null) invalid('buildWrmHeader takes a { version, keys, … } object');
  const version = checkVersion(header.version);
  const keys = header.keys ?? [];
  if (!Array.isArray(keys)) invalid('keys must be an array');
  const v = WRMHEADER_VERSIONS.indexOf(version);
  if (v === 0 && keys.length !== 1) {
    invalid(`a 4.0.0.0 header carries exactly one KID, got ${keys.length}; use 4.2.0.0 or later`);
  }
  if (v === 1 && keys.length > 1) {
    invalid(`a 4.1.0.0 header carries at most one KID, got ${keys.length}; use 4.2.0.0 or later`);
  }
  const resolved = keys.map((key) => resolveKey(key, version));
  if (v === 3 && resolved.length > 1) {
    const algIds = new Set(resolved.map((key) => key.algId));
    if (algIds.size > 1) {
      invalid(
        `in a 4.3.0.0 header with several KIDs, ALGID is on every KID with one value, got ${[...algIds].join(', ')}`,
      );
    }
  }
  if (header.decryptorSetup !== undefined) {
    if (v === 0) invalid('DECRYPTORSETUP needs version 4.1.0.0 or later');
    if (header.decryptorSetup !== 'ONDEMAND') invalid('DECRYPTORSETUP may only be ONDEMAND');
  }
  if (header.licenseRequested !== undefined) {
    if (v !== 3) invalid('LICENSEREQUESTED needs version 4.3.0.0');
    if (typeof header.licenseRequested !== 'boolean') invalid('licenseRequested must be a boolean');
  }

  let protectInfo = '';
  let afterProtectInfo = '';
  const licenseRequested =
    header.licenseRequested === undefined ? '' : ` LICENSEREQUESTED="${String(header.licenseRequested)}"`;
  if (v === 0) {
    const key = resolved[0]!;
    const keyLength = key.algId === 'COCKTAIL' ? 7 : 16;
    protectInfo = `<PROTECTINFO><KEYLEN>${keyLength}</KEYLEN><ALGID>${key.algId}</ALGID></PROTECTINFO>`;
    afterProtectInfo = `<KID>${key.value}</KID>${key.checksum === undefined ? '' : `<CHECKSUM>${key.checksum}</CHECKSUM>`}`;
  } else if (v === 1) {
    if (resolved[0]) protectInfo = `<PROTECTINFO>${kidElement(resolved[0])}</PROTECTINFO>`;
  } else if (resolved.length > 0) {
    protectInfo = `<PROTECTINFO${licenseRequested}><KIDS>${resolved.map(kidElement).join('')}</KIDS></PROTECTINFO>`;
  } else if (licenseRequested) {
    protectInfo = `<PROTECTINFO${licenseRequested}></PROTECTINFO>`;
  }

  let data = protectInfo + afterProtectInfo;
  data += textElement('LA_URL', header.laUrl);
  data += textElement('LUI_URL', header.luiUrl);
  data += textElement('DS_ID', header.dsId);
  if (header.customAttributes !== undefined) {
    data += `<CUSTOMATTRIBUTES>${checkCustomAttributes(header.customAttributes)}</CUSTOMATTRIBUTES>`;
  }
  if (header.decryptorSetup !== undefined) data += `<DECRYPTORSETUP>${header.decryptorSetup}</DECRYPTORSETUP>`;
  return `<WRMHEADER xmlns="${WRMHEADER_NAMESPACE}" version="${version}"><DATA>${data}</DATA></WRMHEADER>`;
}

/**
 * Reads a WRMHEADER of any version into the {@link WrmHeader} model. Reading is lenient where the
 * specification is (whitespace between elements, child order, `<X/>`, an XML declaration) and strict about
 * what would change the meaning (unknown version, bad KIDs, malformed XML). `buildWrmHeader` of the result
 * gives back a canonical header byte for byte.
 */
export function parseWrmHeader(xml: string): WrmHeader {
  if (typeof xml !== 'string') invalid('the WRMHEADER must be a string');
  const root = parseXmlElement(xml);
  if (root.name !== 'WRMHEADER') invalid(`the root element is <${root.name}>, not <WRMHEADER>`);
  const namespace = root.attributes.get('xmlns');
  if (namespace !== undefined && namespace !== WRMHEADER_NAMESPACE) invalid(`unexpected namespace ${namespace}`);
  const version = checkVersion(root.attributes.get('version'));
  const header: WrmHeader = { version, keys: [] };
  const data = child(root, 'DATA');
  if (!data) return header;

  const protectInfo = child(data, 'PROTECTINFO');
  if (protectInfo) {
    const kids = child(protectInfo, 'KIDS');
    const kidElements = [...(kids ? children(kids, 'KID') : []), ...children(protectInfo, 'KID')];
    header.keys = kidElements.map(readKidElement);
    const requested = protectInfo.attributes.get('LICENSEREQUESTED');
    if (requested !== undefined) header.licenseRequested = requested.trim().toLowerCase() === 'true';
  }
  const dataKid = child(data, 'KID');
  if (dataKid) {
    const algId = text(protectInfo && child(protectInfo, 'ALGID')) ?? 'AESCTR';
    // Stryker disable next-line MethodExpression: base64 decoding skips the whitespace trim() removes
    const key: WrmHeaderKey = { kid: guidBase64ToKid(dataKid.text.trim()), algId: checkAlgId(algId) };
    const checksum = text(child(data, 'CHECKSUM'));
    if (checksum !== undefined) key.checksum = checksum;
    header.keys.push(key);
  }
  assign(header, 'laUrl', text(child(data, 'LA_URL')));
  assign(header, 'luiUrl', text(child(data, 'LUI_URL')));
  assign(header, 'dsId', text(child(data, 'DS_ID')));
  const custom = child(data, 'CUSTOMATTRIBUTES');
  const fragment = custom && xml.replace(/^\uFEFF/, '').slice(custom.innerStart, custom.innerEnd);
  // The specification forbids empty LA_URL, LUI_URL, DS_ID and CUSTOMATTRIBUTES; read an empty one as absent.
  if (fragment?.trim()) header.customAttributes = fragment;
  const decryptorSetup = text(child(data, 'DECRYPTORSETUP'));
  if (decryptorSetup !== undefined) {
    if (decryptorSetup !== 'ONDEMAND') {
      invalid(`DECRYPTORSETUP is ${JSON.stringify(decryptorSetup)}, only ONDEMAND is defined`);
    }
    header.decryptorSetup = decryptorSetup;
  }
  return header;
}

interface ResolvedKey {
  value: string;
  algId: PlayReadyAlgorithm | undefined;
  checksum: string | undefined;
}

function resolveKey(key: WrmHeaderKey, version: WrmHeaderVersion): ResolvedKey {
  if (typeof key !== 'object' || key === null) invalid('each key must be an object with a kid');
  const value = kidToGuidBase64(key.kid);
  const algId = key.algId === undefined ? (version === '4.3.0.0' ? undefined : 'AESCTR') : checkAlgId(key.algId);
  if (algId === 'AESCBC' && version !== '4.3.0.0') {
    invalid(`ALGID AESCBC needs version 4.3.0.0, the header is ${version}`);
  }
  let checksum = key.checksum;
  if (checksum !== undefined && (typeof checksum !== 'string' || !BASE64.test(checksum))) {
    invalid(`the CHECKSUM of KID ${key.kid} is not base64`);
  }
  if (algId === 'AESCBC' && checksum !== undefined) {
    invalid(`KID ${key.kid} is AESCBC: PlayReady defines no checksum for AESCBC keys, so CHECKSUM must be omitted`);
  }
  if (key.key !== undefined && algId !== 'AESCBC') {
    if (algId !== 'AESCTR') {
      throw new PlayReadyError(
        'ERR_PLAYREADY_UNSUPPORTED',
        `a CHECKSUM is only computed for AESCTR keys (KID ${key.kid}: ${algId ?? 'no ALGID'}); pass checksum instead`,
      );
    }
    const computed = computeKeyChecksum(key.kid, key.key);
    if (checksum !== undefined && checksum !== computed) {
      throw new PlayReadyError(
        'ERR_PLAYREADY_INVALID_KEY',
        `the CHECKSUM given for KID ${key.kid} does not match its key`,
      );
    }
    checksum = computed;
  }
  return { value, algId, checksum };
}

function kidElement(key: ResolvedKey): string {
  const algId = key.algId === undefined ? '' : ` ALGID="${key.algId}"`;
  const checksum = key.checksum === undefined ? '' : ` CHECKSUM="${key.checksum}"`;
  return `<KID${algId}${checksum} VALUE="${key.value}"></KID>`;
}

function readKidElement(element: XmlElement): WrmHeaderKey {
  const value = element.attributes.get('VALUE');
  if (value === undefined) invalid('a KID element has no VALUE attribute');
  // Stryker disable next-line MethodExpression: base64 decoding skips the whitespace trim() removes
  const key: WrmHeaderKey = { kid: guidBase64ToKid(value.trim()) };
  const algId = element.attributes.get('ALGID');
  if (algId !== undefined) key.algId = checkAlgId(algId);
  const checksum = element.attributes.get('CHECKSUM');
  if (checksum !== undefined) key.checksum = checksum;
  return key;
}

function textElement(name: string, value: string | undefined): string {
  if (value === undefined) return '';
  if (typeof value !== 'string' || value.trim() === '') invalid(`${name} must be a non-empty string`);
  if (NOT_XML_CHAR.test(value)) invalid(`${name} holds a character XML does not allow`);
  return `<${name}>${escapeText(value)}</${name}>`;
}

function checkCustomAttributes(fragment: string): string {
  if (typeof fragment !== 'string' || fragment.trim() === '')
    invalid('CUSTOMATTRIBUTES must be a non-empty XML fragment');
  if (NOT_XML_CHAR.test(fragment)) invalid('CUSTOMATTRIBUTES holds a character XML does not allow');
  const wrapper = parseXmlElement(`<CUSTOMATTRIBUTES>${fragment}</CUSTOMATTRIBUTES>`);
  const selfClosing = findSelfClosing(wrapper);
  if (selfClosing) invalid(`<${selfClosing}/> in CUSTOMATTRIBUTES: every element needs an explicit close tag`);
  return fragment;
}

function findSelfClosing(element: XmlElement): string | undefined {
  if (element.selfClosing) return element.name;
  for (const inner of element.children) {
    const found = findSelfClosing(inner);
    if (found) return found;
  }
  return undefined;
}

function checkVersion(version: unknown): WrmHeaderVersion {
  if (!WRMHEADER_VERSIONS.includes(version as WrmHeaderVersion)) {
    throw new PlayReadyError(
      'ERR_PLAYREADY_UNSUPPORTED',
      `WRMHEADER version ${JSON.stringify(version)} is not one of ${WRMHEADER_VERSIONS.join(', ')}`,
    );
  }
  return version as WrmHeaderVersion;
}

function checkAlgId(algId: unknown): PlayReadyAlgorithm {
  const trimmed = typeof algId === 'string' ? algId.trim() : algId;
  if (trimmed !== 'AESCTR' && trimmed !== 'AESCBC' && trimmed !== 'COCKTAIL') {
    invalid(`ALGID ${JSON.stringify(algId)} is not AESCTR, AESCBC or COCKTAIL`);
  }
  return trimmed;
}

function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  // Stryker disable next-line OptionalChaining: parseWrmHeader returns before looking inside a missing DATA
  return element?.children.find((c) => c.name === name);
}

function children(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}

function text(element: XmlElement | undefined): string | undefined {
  return element?.text.trim();
}

function assign(header: WrmHeader, field: 'laUrl' | 'luiUrl' | 'dsId', value: string | undefined): void {
  if (value) header[field] = value;
}

function invalid(message: string): never {
  throw new PlayReadyError('ERR_PLAYREADY_INVALID_HEADER', message);
}
