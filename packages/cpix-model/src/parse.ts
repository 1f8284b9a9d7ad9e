import { readBase64 } from './base64.js';
import { ByteArena } from './byte-arena.js';
import { decodeCpixText } from './decode.js';
import { CpixError } from './errors.js';
import { isNcName } from './ncname.js';
import { isUuid } from './uuid.js';
import {
  CPIX_NAMESPACES,
  type AudioFilter,
  type BitrateFilter,
  type ContentKey,
  type ContentKeyPeriod,
  type ContentKeyUsageRule,
  type CpixDocument,
  type DeliveryData,
  type DeliveryKey,
  type DocumentKey,
  type DrmSystem,
  type EncryptedData,
  type Extensible,
  type HdcpData,
  type HlsPlaylist,
  type HlsSignalingData,
  type KeyData,
  type KeyPeriodFilter,
  type LabelFilter,
  type MacMethod,
  type PskcKeyFields,
  type PskcSecret,
  type RawXml,
  type UnknownAttribute,
  type UpdateHistoryItem,
  type VideoFilter,
} from './model.js';
import { normalizeLineEnds, rawElementXml, readXml, type XmlElement, type XmlLimits } from './xml-reader.js';

/** Options of {@link parseCpix}. */
export interface ParseCpixOptions {
  /** Turn every leniency (each would-be warning) into a `CpixError` with code `ERR_CPIX_<warning code>`. */
  strict?: boolean;
  /** Largest accepted document, in bytes (or characters for a string). Default 16 MiB. */
  maxBytes?: number;
  /** Deepest element nesting. Default 48. */
  maxDepth?: number;
  /** Most elements. Default 500,000. */
  maxElements?: number;
}

/** Something that was off in a document but could be read; `code` is stable. */
export interface CpixWarning {
  code: CpixWarningCode;
  /** Where, e.g. `/CPIX/ContentKeyList/ContentKey[2]/@explicitIV`. */
  path: string;
  message: string;
}

/** The stable codes of {@link CpixWarning}. With `strict`, each becomes the error code `ERR_CPIX_<code>`. */
export type CpixWarningCode =
  | 'CHILD_ORDER'
  | 'NON_CANONICAL_BASE64'
  | 'INVALID_BASE64'
  | 'ENUM_CASE'
  | 'ID_NOT_NCNAME'
  | 'DELIVERY_DATA_WITHOUT_DOCUMENT_KEY'
  | 'UNKNOWN_ELEMENT'
  | 'UNKNOWN_ATTRIBUTE'
  | 'IGNORED_ATTRIBUTE'
  | 'IGNORED_ELEMENT'
  | 'INCOMPLETE_UPDATE_HISTORY_ITEM'
  | 'NESTED_MAC_KEY';

/** What {@link parseCpix} returns. */
export interface ParseCpixResult {
  document: CpixDocument;
  warnings: CpixWarning[];
}

const DEFAULT_LIMITS = { maxBytes: 16 * 1024 * 1024, maxDepth: 48, maxElements: 500_000 };
const { cpix: CPIX, pskc: PSKC, speke: SPEKE, ds: DS, enc: ENC } = CPIX_NAMESPACES;
const KNOWN_NAMESPACES = Object.values(CPIX_NAMESPACES);
const INTEGER = /^[+-]?[0-9]+$/;
const FORBIDDEN_DECLARATION = /<!(DOCTYPE|ENTITY)/i;

/**
 * Reads a CPIX 2.0–2.4 document. Namespaces are matched by URI, never by prefix; the document may
 * be a string or bytes (UTF-8 with or without BOM, UTF-16 with BOM; a declared encoding that
 * contradicts the bytes is refused with `ERR_CPIX_ENCODING`). Reading is lenient where real
 * traffic is off (child order, non-canonical base64, case of enumerations, ids that are not XML
 * ids, request-side `DeliveryData`) and says so in `warnings`; with `strict` each of those is an
 * error. DTDs and entity declarations are refused before any parsing; size, depth and element
 * count are limited. Every failure is a {@link CpixError} with a stable `code` and, where it has
 * one, a `path`.
 */
export function parseCpix(xml: string | Uint8Array, options: ParseCpixOptions = {}): ParseCpixResult {
  const { source, root } = readCpixTree(xml, options);
  const reader = new DocumentReader(source, options.strict === true);
  const document = reader.document(root);
  return { document, warnings: reader.warnings };
}

/**
 * The text of a document (decoded, line ends normalized) and its element tree, as `parseCpix`
 * reads them before building the model; signature verification binds signatures to this tree.
 */
export function readCpixTree(
  xml: string | Uint8Array,
  options: Pick<ParseCpixOptions, 'maxBytes' | 'maxDepth' | 'maxElements'> = {},
): { source: string; root: XmlElement } {
  const maxBytes = options.maxBytes ?? DEFAULT_LIMITS.maxBytes;
  if (typeof xml !== 'string' && !(xml instanceof Uint8Array)) {
    throw new CpixError('ERR_CPIX_INVALID_INPUT', 'parseCpix expects a string or a Uint8Array');
  }
  if (xml.length > maxBytes) {
    throw new CpixError(
      'ERR_CPIX_TOO_LARGE',
      `Document of ${xml.length} ${typeof xml === 'string' ? 'characters' : 'bytes'} exceeds the limit of ${maxBytes}`,
    );
  }
  const source = normalizeLineEnds(decodeCpixText(xml));
  if (FORBIDDEN_DECLARATION.test(source)) {
    throw new CpixError('ERR_CPIX_DTD_FORBIDDEN', 'DOCTYPE and entity declarations are not accepted');
  }
  const limits: XmlLimits = {
    maxLength: maxBytes,
    maxDepth: options.maxDepth ?? DEFAULT_LIMITS.maxDepth,
    maxElements: options.maxElements ?? DEFAULT_LIMITS.maxElements,
  };
  return { source, root: readXml(source, limits, KNOWN_NAMESPACES) };
}

/** Element key: the local name for CPIX elements, `prefix:local` for the other known namespaces. */
function keyOf(element: XmlElement): string | undefined {
  switch (element.namespace) {
    case CPIX:
      return element.localName;
    case PSKC:
      return `pskc:${element.localName}`;
    case SPEKE:
      return `speke:${element.localName}`;
    case DS:
      return `ds:${element.localName}`;
    case ENC:
      return `enc:${element.localName}`;
    default:
      return undefined;
  }
}

type Attributes = Record<string, string | undefined>;

const ROOT_ORDER = [
  'DeliveryDataList',
  'ContentKeyList',
  'DRMSystemList',
  'ContentKeyPeriodList',
  'ContentKeyUsageRuleList',
  'UpdateHistoryItemList',
  'ds:Signature',
];
const CONTENT_KEY_ORDER = [
  'HDCPData',
  'Issuer',
  'AlgorithmParameters',
  'KeyProfileId',
  'KeyReference',
  'FriendlyName',
  'Data',
  'UserId',
  'Policy',
  'Extensions',
];
const DELIVERY_DATA_ORDER = [
  'DeliveryKey',
  'DocumentKey',
  'MACMethod',
  'Description',
  'SendingEntity',
  'SenderPointOfContact',
  'ReceivingEntity',
  'SendingTime',
];
const DRM_SYSTEM_ORDER = [
  'PSSH',
  'ContentProtectionData',
  'URIExtXKey',
  'HLSSignalingData',
  'SmoothStreamingProtectionHeaderData',
  'HDSSignalingData',
];
const USAGE_RULE_ORDER = ['KeyPeriodFilter', 'LabelFilter', 'VideoFilter', 'AudioFilter', 'BitrateFilter'];
const KEY_DATA_ORDER = ['pskc:Secret', 'pskc:Counter', 'pskc:Time', 'pskc:TimeInterval', 'pskc:TimeDrift'];
const ENCRYPTED_DATA_ORDER = ['enc:EncryptionMethod', 'ds:KeyInfo', 'enc:CipherData', 'enc:EncryptionProperties'];
const KEY_FIELD_STRINGS = {
  Issuer: 'issuer',
  KeyProfileId: 'keyProfileId',
  KeyReference: 'keyReference',
  FriendlyName: 'friendlyName',
  UserId: 'userId',
} as const;

class DocumentReader {
  readonly warnings: CpixWarning[] = [];
  private readonly arena = new ByteArena();

  constructor(
    private readonly source: string,
    private readonly strict: boolean,
  ) {}

  warn(code: CpixWarningCode, path: string, message: string): void {
    if (this.strict) throw new CpixError(`ERR_CPIX_${code}`, message, { path });
    this.warnings.push({ code, path, message });
  }

  raw(element: XmlElement): RawXml {
    return rawElementXml(this.source, element, 'used');
  }

  /** Splits attributes into the known unqualified ones and the rest (kept, and reported when unqualified). */
  attributes(element: XmlElement, path: string, known: readonly string[], target: Extensible): Attributes {
    const values: Attributes = {};
    for (const attribute of element.attributes) {
      const index = attribute.namespace === undefined ? known.indexOf(attribute.localName) : -1;
      if (index !== -1) {
        // Keyed by the constant name: a property key V8 already knows, unlike the name read from the text.
        values[known[index]!] = attribute.value;
        continue;
      }
      const unknown: UnknownAttribute = { localName: attribute.localName, value: attribute.value };
      if (attribute.namespace !== undefined) {
        unknown.namespace = attribute.namespace;
        if (attribute.prefix !== undefined) unknown.prefix = attribute.prefix;
      } else {
        this.warn(
          'UNKNOWN_ATTRIBUTE',
          `${path}/@${attribute.localName}`,
          `Unknown attribute ${attribute.localName} kept`,
        );
      }
      (target.unknownAttributes ??= []).push(unknown);
    }
    return values;
  }

  /** Attributes on elements modelled as plain values (PSSH, URIExtXKey...) have nowhere to go. */
  ignoreAttributes(element: XmlElement, path: string): void {
    for (const attribute of element.attributes) {
      this.warn('IGNORED_ATTRIBUTE', `${path}/@${attribute.localName}`, `Attribute ${attribute.localName} ignored`);
    }
  }

  extension(element: XmlElement, path: string, target: Extensible): void {
    if (element.namespace === undefined || element.namespace === CPIX || element.namespace === PSKC) {
      this.warn(
        'UNKNOWN_ELEMENT',
        `${path}/${element.localName}`,
        `Unknown element ${element.localName} kept as an extension`,
      );
    }
    (target.extensions ??= []).push(this.raw(element));
  }

  /** Returns a function that reports, once per parent, a known child that comes before one it should follow. */
  orderCheck(path: string, order: readonly string[]): (key: string) => void {
    let highest = -1;
    let reported = false;
    return (key) => {
      const rank = order.indexOf(key);
      if (rank === -1) return;
      if (rank < highest && !reported) {
        reported = true;
        this.warn('CHILD_ORDER', path, `Children are not in schema order (${key} after ${order[highest]})`);
      }
      highest = Math.max(highest, rank);
    };
  }

  required(value: string | undefined, path: string, name: string): string {
    if (value === undefined)
      throw new CpixError('ERR_CPIX_MISSING_ATTRIBUTE', `Required attribute ${name} is missing`, {
        path: `${path}/@${name}`,
      });
    return value;
  }

  kid(value: string | undefined, path: string, name: string): string {
    const kid = this.required(value, path, name);
    if (!isUuid(kid))
      throw new CpixError('ERR_CPIX_INVALID_KID', `Attribute ${name} is not a UUID`, { path: `${path}/@${name}` });
    return kid;
  }

  id(value: string | undefined, path: string, name = 'id'): string | undefined {
    if (value !== undefined && !isNcName(value)) {
      this.warn('ID_NOT_NCNAME', `${path}/@${name}`, `Attribute ${name} "${value}" is not an XML id (NCName)`);
    }
    return value;
  }

  integer(value: string | undefined, path: string, name: string, min = 0): number | undefined {
    if (value === undefined) return undefined;
    const trimmed = value.trim();
    const number = INTEGER.test(trimmed) ? Number(trimmed) : Number.NaN;
    if (!Number.isSafeInteger(number) || number < min) {
      throw new CpixError(
        'ERR_CPIX_INVALID_NUMBER',
        `Attribute ${name} must be an integer from ${min} to ${Number.MAX_SAFE_INTEGER}`,
        { path: `${path}/@${name}` },
      );
    }
    return number || 0; // "-0" is 0, not the -0 that Number reads
  }

  boolean(value: string | undefined, path: string, name: string): boolean | undefined {
    if (value === undefined) return undefined;
    const trimmed = value.trim();
    const lower = trimmed.toLowerCase();
    if (lower !== 'true' && lower !== 'false' && lower !== '1' && lower !== '0') {
      throw new CpixError('ERR_CPIX_INVALID_BOOLEAN', `Attribute ${name} must be true or false`, {
        path: `${path}/@${name}`,
      });
    }
    if (lower !== trimmed)
      this.warn('ENUM_CASE', `${path}/@${name}`, `Attribute ${name} "${trimmed}" read as ${lower}`);
    return lower === 'true' || lower === '1';
  }

  /** Reads base64; a non-canonical value is decoded leniently, an undecodable one is dropped (both with a warning). */
  base64(text: string, path: string): Uint8Array | undefined {
    const reading = readBase64(text, this.arena);
    if (reading.status === 'invalid') {
      this.warn('INVALID_BASE64', path, 'Value is not base64 and was dropped');
      return undefined;
    }
    if (reading.status === 'non-canonical')
      this.warn(
        'NON_CANONICAL_BASE64',
        path,
        'Base64 value is not canonical (padding or trailing bits); decoded leniently',
      );
    return reading.bytes;
  }

  once<T>(current: T | undefined, path: string, name: string): void {
    if (current !== undefined)
      throw new CpixError('ERR_CPIX_DUPLICATE_ELEMENT', `Element ${name} occurs more than once`, {
        path: `${path}/${name}`,
      });
  }

  // ---------------------------------------------------------------------------------------------

  document(root: XmlElement): CpixDocument {
    if (root.namespace !== CPIX || root.localName !== 'CPIX') {
      throw new CpixError(
        'ERR_CPIX_NOT_CPIX',
        `Root element is {${root.namespace ?? ''}}${root.localName}, not {${CPIX}}CPIX`,
        { path: '/' },
      );
    }
    const path = '/CPIX';
    const document: CpixDocument = {};
    const a = this.attributes(root, path, ['id', 'contentId', 'name', 'version'], document);
    if (a.id !== undefined) document.id = this.id(a.id, path)!;
    if (a.contentId !== undefined) document.contentId = a.contentId;
    if (a.name !== undefined) document.name = a.name;
    if (a.version !== undefined) document.version = a.version;
    const order = this.orderCheck(path, ROOT_ORDER);
    for (const child of root.children) {
      const key = keyOf(child);
      if (key !== undefined) order(key);
      switch (key) {
        case 'DeliveryDataList': {
          this.once(document.deliveryDataList, path, key);
          const list = this.list(child, `${path}/${key}`, 'DeliveryData', (e, p) => this.deliveryData(e, p));
          document.deliveryDataList = { ...list.attributes, deliveryData: list.items };
          break;
        }
        case 'ContentKeyList': {
          this.once(document.contentKeyList, path, key);
          const list = this.list(child, `${path}/${key}`, 'ContentKey', (e, p) => this.contentKey(e, p));
          document.contentKeyList = { ...list.attributes, contentKeys: list.items };
          break;
        }
        case 'DRMSystemList': {
          this.once(document.drmSystemList, path, key);
          const list = this.list(child, `${path}/${key}`, 'DRMSystem', (e, p) => this.drmSystem(e, p));
          document.drmSystemList = { ...list.attributes, drmSystems: list.items };
          break;
        }
        case 'ContentKeyPeriodList': {
          this.once(document.contentKeyPeriodList, path, key);
          const list = this.list(child, `${path}/${key}`, 'ContentKeyPeriod', (e, p) => this.contentKeyPeriod(e, p));
          document.contentKeyPeriodList = { ...list.attributes, contentKeyPeriods: list.items };
          break;
        }
        case 'ContentKeyUsageRuleList': {
          this.once(document.contentKeyUsageRuleList, path, key);
          const list = this.list(child, `${path}/${key}`, 'ContentKeyUsageRule', (e, p) => this.usageRule(e, p));
          document.contentKeyUsageRuleList = { ...list.attributes, contentKeyUsageRules: list.items };
          break;
        }
        case 'UpdateHistoryItemList': {
          this.once(document.updateHistoryItemList, path, key);
          const list = this.list(child, `${path}/${key}`, 'UpdateHistoryItem', (e, p) => this.updateHistoryItem(e, p));
          const items: UpdateHistoryItem[] = [];
          // An item read leniently without its required attributes is kept verbatim, as an extension.
          for (const item of list.items) {
            if (typeof item === 'string') (list.attributes.extensions ??= []).push(item);
            else items.push(item);
          }
          document.updateHistoryItemList = { ...list.attributes, updateHistoryItems: items };
          break;
        }
        case 'ds:Signature':
          (document.signatures ??= []).push(rawElementXml(this.source, child, 'all'));
          break;
        default:
          this.extension(child, path, document);
      }
    }
    return document;
  }

  list<T>(
    element: XmlElement,
    path: string,
    itemName: string,
    readItem: (element: XmlElement, path: string) => T,
  ): { attributes: Extensible & { id?: string; updateVersion?: number }; items: T[] } {
    const attributes: Extensible & { id?: string; updateVersion?: number } = {};
    const a = this.attributes(element, path, ['id', 'updateVersion'], attributes);
    if (a.id !== undefined) attributes.id = this.id(a.id, path)!;
    const updateVersion = this.integer(a.updateVersion, path, 'updateVersion');
    if (updateVersion !== undefined) attributes.updateVersion = updateVersion;
    const items: T[] = [];
    for (const child of element.children) {
      if (child.namespace === CPIX && child.localName === itemName)
        items.push(readItem(child, `${path}/${itemName}[${items.length + 1}]`));
      else this.extension(child, path, attributes);
    }
    return { attributes, items };
  }

  // --- ContentKey ------------------------------------------------------------------------------

  contentKey(element: XmlElement, path: string): ContentKey {
    const attributes: Extensible = {};
    const a = this.attributes(
      element,
      path,
      ['id', 'kid', 'explicitIV', 'commonEncryptionScheme', 'dependsOnKey', 'contentId', 'Algorithm'],
      attributes,
    );
    const key: ContentKey = { kid: this.kid(a.kid, path, 'kid') };
    if (a.id !== undefined) key.id = this.id(a.id, path)!;
    if (a.explicitIV !== undefined) {
      const iv = this.base64(a.explicitIV, `${path}/@explicitIV`);
      if (iv !== undefined) key.explicitIV = iv;
    }
    if (a.commonEncryptionScheme !== undefined) {
      const scheme = a.commonEncryptionScheme.trim();
      const lower = scheme.toLowerCase();
      if (lower !== scheme)
        this.warn(
          'ENUM_CASE',
          `${path}/@commonEncryptionScheme`,
          `commonEncryptionScheme "${scheme}" read as ${lower}`,
        );
      key.commonEncryptionScheme = lower;
    }
    if (a.dependsOnKey !== undefined) key.dependsOnKey = a.dependsOnKey;
    if (a.contentId !== undefined) key.contentId = a.contentId;
    if (a.Algorithm !== undefined) key.algorithm = a.Algorithm;
    Object.assign(key, attributes);
    const order = this.orderCheck(path, CONTENT_KEY_ORDER);
    for (const child of element.children) {
      const name = keyOf(child);
      if (name !== undefined) order(name);
      if (name === 'HDCPData') {
        this.once(key.hdcpData, path, name);
        key.hdcpData = this.hdcpData(child, `${path}/HDCPData`);
      } else if (!this.keyField(child, name, path, key)) {
        this.extension(child, path, key);
      }
    }
    return key;
  }

  hdcpData(element: XmlElement, path: string): HdcpData {
    const hdcp: HdcpData = {};
    const a = this.attributes(element, path, ['HLSHDCPLevel'], hdcp);
    if (a.HLSHDCPLevel !== undefined) hdcp.hlsHdcpLevel = a.HLSHDCPLevel;
    for (const child of element.children) {
      if (keyOf(child) === 'HDCPOutputProtectionData') {
        const value = this.base64(child.text, `${path}/HDCPOutputProtectionData`);
        if (value !== undefined) hdcp.hdcpOutputProtectionData = value;
      } else {
        this.extension(child, path, hdcp);
      }
    }
    return hdcp;
  }

  /** Reads a `cpix:KeyType` child (shared by ContentKey and DocumentKey); false when it is not one. */
  keyField(
    child: XmlElement,
    name: string | undefined,
    path: string,
    key: PskcKeyFields & { data?: KeyData },
  ): boolean {
    switch (name) {
      case 'Issuer':
      case 'KeyProfileId':
      case 'KeyReference':
      case 'FriendlyName':
      case 'UserId': {
        const field = KEY_FIELD_STRINGS[name];
        this.once(key[field], path, name);
        key[field] = child.text;
        return true;
      }
      case 'AlgorithmParameters':
        this.once(key.algorithmParameters, path, name);
        key.algorithmParameters = this.raw(child);
        return true;
      case 'Policy':
        this.once(key.policy, path, name);
        key.policy = this.raw(child);
        return true;
      case 'Extensions':
        (key.pskcExtensions ??= []).push(this.raw(child));
        return true;
      case 'Data':
        this.once(key.data, path, name);
        key.data = this.keyData(child, `${path}/Data`);
        return true;
      default:
        return false;
    }
  }

  keyData(element: XmlElement, path: string): KeyData {
    const data: KeyData = {};
    this.attributes(element, path, [], data);
    const order = this.orderCheck(path, KEY_DATA_ORDER);
    for (const child of element.children) {
      const name = keyOf(child);
      if (name !== undefined) order(name);
      if (name === 'pskc:Secret') {
        this.once(data.secret, path, 'Secret');
        data.secret = this.secret(child, `${path}/Secret`);
      } else if (name !== undefined && KEY_DATA_ORDER.includes(name)) {
        (data.otherPskcData ??= []).push(this.raw(child));
      } else {
        this.extension(child, path, data);
      }
    }
    return data;
  }

  secret(element: XmlElement, path: string): PskcSecret {
    const secret: PskcSecret = {};
    this.attributes(element, path, [], secret);
    for (const child of element.children) {
      switch (keyOf(child)) {
        case 'pskc:PlainValue': {
          this.once(secret.plainValue, path, 'PlainValue');
          const value = this.base64(child.text, `${path}/PlainValue`);
          if (value !== undefined) secret.plainValue = value;
          break;
        }
        case 'pskc:EncryptedValue':
          this.once(secret.encryptedValue, path, 'EncryptedValue');
          secret.encryptedValue = this.encryptedData(child, `${path}/EncryptedValue`);
          break;
        case 'pskc:ValueMAC': {
          this.once(secret.valueMac, path, 'ValueMAC');
          const value = this.base64(child.text, `${path}/ValueMAC`);
          if (value !== undefined) secret.valueMac = value;
          break;
        }
        default:
          this.extension(child, path, secret);
      }
    }
    if (secret.plainValue !== undefined && secret.encryptedValue !== undefined) {
      throw new CpixError('ERR_CPIX_INVALID_SECRET', 'Secret has both PlainValue and EncryptedValue', { path });
    }
    return secret;
  }

  encryptedData(element: XmlElement, path: string): EncryptedData {
    const attributes: Extensible = {};
    const a = this.attributes(element, path, ['Id', 'Type', 'MimeType', 'Encoding'], attributes);
    let cipherValue: Uint8Array | undefined;
    const data: Omit<EncryptedData, 'cipherValue'> = {};
    if (a.Id !== undefined) data.id = this.id(a.Id, path, 'Id')!;
    if (a.Type !== undefined) data.type = a.Type;
    if (a.MimeType !== undefined) data.mimeType = a.MimeType;
    if (a.Encoding !== undefined) data.encoding = a.Encoding;
    Object.assign(data, attributes);
    const order = this.orderCheck(path, ENCRYPTED_DATA_ORDER);
    for (const child of element.children) {
      const name = keyOf(child);
      if (name !== undefined) order(name);
      switch (name) {
        case 'enc:EncryptionMethod': {
          this.once(data.algorithm, path, 'EncryptionMethod');
          const holder: Extensible = {};
          const m = this.attributes(child, `${path}/EncryptionMethod`, ['Algorithm'], holder);
          data.algorithm = this.required(m.Algorithm, `${path}/EncryptionMethod`, 'Algorithm');
          if (child.children.length !== 0) data.encryptionMethodParameters = child.children.map((c) => this.raw(c));
          break;
        }
        case 'ds:KeyInfo':
          this.once(data.keyInfo, path, 'KeyInfo');
          data.keyInfo = this.raw(child);
          break;
        case 'enc:CipherData': {
          this.once(cipherValue, path, 'CipherData');
          const value = child.children.find((c) => keyOf(c) === 'enc:CipherValue');
          if (value === undefined) {
            throw new CpixError(
              'ERR_CPIX_MISSING_ELEMENT',
              'CipherData has no CipherValue (CipherReference is not supported)',
              { path: `${path}/CipherData` },
            );
          }
          cipherValue = this.base64(value.text, `${path}/CipherData/CipherValue`);
          break;
        }
        default:
          this.extension(child, path, data);
      }
    }
    if (cipherValue === undefined)
      throw new CpixError('ERR_CPIX_MISSING_ELEMENT', 'Encrypted value has no readable CipherValue', {
        path: `${path}/CipherData`,
      });
    return { ...data, cipherValue };
  }

  // --- DeliveryData ----------------------------------------------------------------------------

  deliveryData(element: XmlElement, path: string): DeliveryData {
    const attributes: Extensible = {};
    const a = this.attributes(element, path, ['id', 'updateVersion', 'name'], attributes);
    let deliveryKey: DeliveryKey | undefined;
    const documentKeys: DocumentKey[] = [];
    const rest: Omit<DeliveryData, 'deliveryKey' | 'documentKeys'> = {};
    if (a.id !== undefined) rest.id = this.id(a.id, path)!;
    const updateVersion = this.integer(a.updateVersion, path, 'updateVersion');
    if (updateVersion !== undefined) rest.updateVersion = updateVersion;
    if (a.name !== undefined) rest.name = a.name;
    Object.assign(rest, attributes);
    const order = this.orderCheck(path, DELIVERY_DATA_ORDER);
    for (const child of element.children) {
      const name = keyOf(child);
      if (name !== undefined) order(name);
      switch (name) {
        case 'DeliveryKey':
          this.once(deliveryKey, path, name);
          deliveryKey = this.deliveryKey(child, `${path}/DeliveryKey`);
          break;
        case 'DocumentKey':
          documentKeys.push(this.documentKey(child, `${path}/DocumentKey[${documentKeys.length + 1}]`));
          break;
        case 'MACMethod':
          this.once(rest.macMethod, path, name);
          rest.macMethod = this.macMethod(child, `${path}/MACMethod`);
          break;
        case 'Description':
        case 'SendingEntity':
        case 'SenderPointOfContact':
        case 'ReceivingEntity':
        case 'SendingTime': {
          const field = `${name.charAt(0).toLowerCase()}${name.slice(1)}` as
            | 'description'
            | 'sendingEntity'
            | 'senderPointOfContact'
            | 'receivingEntity'
            | 'sendingTime';
          this.once(rest[field], path, name);
          rest[field] = child.text;
          break;
        }
        default:
          this.extension(child, path, rest);
      }
    }
    if (deliveryKey === undefined)
      throw new CpixError('ERR_CPIX_MISSING_ELEMENT', 'DeliveryData has no DeliveryKey', {
        path: `${path}/DeliveryKey`,
      });
    if (documentKeys.length === 0) {
      this.warn('DELIVERY_DATA_WITHOUT_DOCUMENT_KEY', path, 'DeliveryData holds only a DeliveryKey (request side)');
    }
    return { ...rest, deliveryKey, documentKeys };
  }

  deliveryKey(element: XmlElement, path: string): DeliveryKey {
    const attributes: Extensible = {};
    const a = this.attributes(element, path, ['Id'], attributes);
    const key: DeliveryKey = { x509Certificates: [] };
    if (a.Id !== undefined) key.id = this.id(a.Id, path, 'Id')!;
    Object.assign(key, attributes);
    for (const child of element.children) {
      if (keyOf(child) !== 'ds:X509Data') {
        if (child.namespace === DS) (key.otherKeyInfo ??= []).push(this.raw(child));
        else this.extension(child, path, key);
        continue;
      }
      for (const item of child.children) {
        const itemPath = `${path}/X509Data/${item.localName}`;
        if (keyOf(item) === 'ds:X509Certificate') {
          const certificate = this.base64(item.text, itemPath);
          if (certificate !== undefined) key.x509Certificates.push(certificate);
        } else {
          this.warn(
            'IGNORED_ELEMENT',
            itemPath,
            `X509Data child ${item.localName} ignored; only certificates are kept`,
          );
        }
      }
    }
    return key;
  }

  documentKey(element: XmlElement, path: string): DocumentKey {
    const key: DocumentKey = {};
    const a = this.attributes(element, path, ['id', 'Algorithm', 'encryptsKey'], key);
    if (a.id !== undefined) key.id = this.id(a.id, path)!;
    if (a.Algorithm !== undefined) key.algorithm = a.Algorithm;
    if (a.encryptsKey !== undefined) key.encryptsKey = a.encryptsKey;
    const order = this.orderCheck(path, CONTENT_KEY_ORDER);
    for (const child of element.children) {
      const name = keyOf(child);
      if (name !== undefined) order(name);
      if (!this.keyField(child, name, path, key)) this.extension(child, path, key);
    }
    return key;
  }

  macMethod(element: XmlElement, path: string): MacMethod {
    const attributes: Extensible = {};
    const a = this.attributes(element, path, ['Algorithm'], attributes);
    const method: MacMethod = { algorithm: this.required(a.Algorithm, path, 'Algorithm') };
    Object.assign(method, attributes);
    for (const child of element.children) {
      const name = keyOf(child);
      if (name === 'Key' || name === 'pskc:MACKey') {
        this.once(method.key, path, child.localName);
        const keyPath = `${path}/${child.localName}`;
        method.key = this.nestedMacKey(child, keyPath) ?? this.encryptedData(child, keyPath);
      } else if (name === 'pskc:MACKeyReference') {
        this.once(method.keyReference, path, 'MACKeyReference');
        method.keyReference = child.text;
      } else {
        this.extension(child, path, method);
      }
    }
    return method;
  }

  /**
   * AWS's SPEKE reference server writes the MAC key one level deeper than the schema: a
   * `pskc:EncryptedValue` (and a `pskc:ValueMAC` over it) inside `MACMethod/Key`. Read as the key,
   * with a warning; the `ValueMAC` is not kept (the serializer writes the schema's form).
   * Undefined when the key is in the schema's form.
   */
  nestedMacKey(element: XmlElement, path: string): EncryptedData | undefined {
    const nested = element.children.filter((child) => keyOf(child) === 'pskc:EncryptedValue');
    if (nested.length === 0 || element.children.some((child) => keyOf(child) === 'enc:CipherData')) return undefined;
    this.once(nested[1], path, 'EncryptedValue');
    this.warn(
      'NESTED_MAC_KEY',
      path,
      'MAC key inside pskc:EncryptedValue (as the AWS SPEKE reference server writes it) read; its ValueMAC is not kept',
    );
    const key = this.encryptedData(nested[0]!, `${path}/EncryptedValue`);
    for (const child of element.children) {
      const name = keyOf(child);
      if (name !== 'pskc:EncryptedValue' && name !== 'pskc:ValueMAC') this.extension(child, path, key);
    }
    return key;
  }

  // --- DRMSystem -------------------------------------------------------------------------------

  drmSystem(element: XmlElement, path: string): DrmSystem {
    const attributes: Extensible = {};
    const a = this.attributes(
      element,
      path,
      ['id', 'updateVersion', 'systemId', 'kid', 'name', 'HLSAllowedCPC'],
      attributes,
    );
    const systemId = this.kid(a.systemId, path, 'systemId');
    const system: DrmSystem = { systemId, kid: this.kid(a.kid, path, 'kid') };
    if (a.id !== undefined) system.id = this.id(a.id, path)!;
    const updateVersion = this.integer(a.updateVersion, path, 'updateVersion');
    if (updateVersion !== undefined) system.updateVersion = updateVersion;
    if (a.name !== undefined) system.name = a.name;
    if (a.HLSAllowedCPC !== undefined) system.hlsAllowedCpc = a.HLSAllowedCPC;
    Object.assign(system, attributes);
    const order = this.orderCheck(path, DRM_SYSTEM_ORDER);
    for (const child of element.children) {
      const name = keyOf(child);
      if (name !== undefined) order(name);
      const childPath = `${path}/${child.localName}`;
      switch (name) {
        case 'PSSH':
        case 'URIExtXKey':
        case 'HDSSignalingData': {
          const field = name === 'PSSH' ? 'pssh' : name === 'URIExtXKey' ? 'uriExtXKey' : 'hdsSignalingData';
          this.once(system[field], path, name);
          this.ignoreAttributes(child, childPath);
          const value = this.base64(child.text, childPath);
          if (value !== undefined) system[field] = value;
          break;
        }
        case 'ContentProtectionData': {
          this.once(system.contentProtectionData, path, name);
          const holder: Extensible = {};
          const c = this.attributes(child, childPath, ['robustness'], holder);
          const value = this.base64(child.text, childPath);
          if (value !== undefined) {
            system.contentProtectionData = { value, ...holder };
            if (c.robustness !== undefined) system.contentProtectionData.robustness = c.robustness;
          }
          break;
        }
        case 'HLSSignalingData': {
          const index = (system.hlsSignalingData?.length ?? 0) + 1;
          const signaling = this.hlsSignalingData(child, `${path}/HLSSignalingData[${index}]`);
          if (signaling !== undefined) (system.hlsSignalingData ??= []).push(signaling);
          break;
        }
        case 'SmoothStreamingProtectionHeaderData':
          this.once(system.smoothStreamingProtectionHeaderData, path, name);
          this.ignoreAttributes(child, childPath);
          system.smoothStreamingProtectionHeaderData = child.text;
          break;
        case 'speke:ProtectionHeader':
        case 'speke:KeyFormat':
        case 'speke:KeyFormatVersions': {
          const field =
            name === 'speke:ProtectionHeader'
              ? 'protectionHeader'
              : name === 'speke:KeyFormat'
                ? 'keyFormat'
                : 'keyFormatVersions';
          const speke = (system.speke ??= {});
          this.once(speke[field], path, name);
          this.ignoreAttributes(child, childPath);
          const value = this.base64(child.text, childPath);
          if (value !== undefined) speke[field] = value;
          break;
        }
        default:
          this.extension(child, path, system);
      }
    }
    return system;
  }

  hlsSignalingData(element: XmlElement, path: string): HlsSignalingData | undefined {
    const holder: Extensible = {};
    const a = this.attributes(element, path, ['playlist', 'allowedCPC'], holder);
    const value = this.base64(element.text, path);
    if (value === undefined) return undefined;
    const signaling: HlsSignalingData = { value, ...holder };
    if (a.playlist !== undefined) signaling.playlist = this.playlist(a.playlist, `${path}/@playlist`);
    if (a.allowedCPC !== undefined) signaling.allowedCpc = a.allowedCPC;
    return signaling;
  }

  playlist(value: string, path: string): HlsPlaylist {
    const trimmed = value.trim();
    for (const playlist of ['media', 'master', 'multiVariant'] as const) {
      if (trimmed === playlist) return playlist;
      if (trimmed.toLowerCase() === playlist.toLowerCase()) {
        this.warn('ENUM_CASE', path, `playlist "${trimmed}" read as ${playlist}`);
        return playlist;
      }
    }
    throw new CpixError('ERR_CPIX_INVALID_ENUM', `playlist "${trimmed}" is not media, master or multiVariant`, {
      path,
    });
  }

  // --- Periods, usage rules, update history -------------------------------------------------

  contentKeyPeriod(element: XmlElement, path: string): ContentKeyPeriod {
    const period: ContentKeyPeriod = {};
    const a = this.attributes(
      element,
      path,
      ['id', 'index', 'start', 'end', 'label', 'startOffset', 'endOffset', 'duration'],
      period,
    );
    if (a.id !== undefined) period.id = this.id(a.id, path)!;
    const index = this.integer(a.index, path, 'index');
    if (index !== undefined) period.index = index;
    for (const name of ['start', 'end', 'label', 'startOffset', 'endOffset', 'duration'] as const) {
      const value = a[name];
      if (value !== undefined) period[name] = value;
    }
    for (const child of element.children) this.extension(child, path, period);
    return period;
  }

  usageRule(element: XmlElement, path: string): ContentKeyUsageRule {
    const attributes: Extensible = {};
    const a = this.attributes(element, path, ['id', 'kid', 'intendedTrackType'], attributes);
    const rule: ContentKeyUsageRule = { kid: this.kid(a.kid, path, 'kid') };
    if (a.id !== undefined) rule.id = this.id(a.id, path)!;
    if (a.intendedTrackType !== undefined) rule.intendedTrackType = a.intendedTrackType;
    Object.assign(rule, attributes);
    const order = this.orderCheck(path, USAGE_RULE_ORDER);
    for (const child of element.children) {
      const name = keyOf(child);
      if (name !== undefined) order(name);
      switch (name) {
        case 'KeyPeriodFilter': {
          const filters = (rule.keyPeriodFilters ??= []);
          const p = `${path}/KeyPeriodFilter[${filters.length + 1}]`;
          const filter: KeyPeriodFilter = { periodId: '' };
          const f = this.attributes(child, p, ['periodId'], filter);
          filter.periodId = this.required(f.periodId, p, 'periodId');
          this.childless(child, p, filter);
          filters.push(filter);
          break;
        }
        case 'LabelFilter': {
          const filters = (rule.labelFilters ??= []);
          const p = `${path}/LabelFilter[${filters.length + 1}]`;
          const filter: LabelFilter = { label: '' };
          const f = this.attributes(child, p, ['label'], filter);
          filter.label = this.required(f.label, p, 'label');
          this.childless(child, p, filter);
          filters.push(filter);
          break;
        }
        case 'VideoFilter': {
          const filters = (rule.videoFilters ??= []);
          const p = `${path}/VideoFilter[${filters.length + 1}]`;
          const filter: VideoFilter = {};
          const f = this.attributes(child, p, ['minPixels', 'maxPixels', 'hdr', 'wcg', 'minFps', 'maxFps'], filter);
          for (const bound of ['minPixels', 'maxPixels', 'minFps', 'maxFps'] as const) {
            const value = this.integer(f[bound], p, bound);
            if (value !== undefined) filter[bound] = value;
          }
          for (const flag of ['hdr', 'wcg'] as const) {
            const value = this.boolean(f[flag], p, flag);
            if (value !== undefined) filter[flag] = value;
          }
          this.childless(child, p, filter);
          filters.push(filter);
          break;
        }
        case 'AudioFilter': {
          const filters = (rule.audioFilters ??= []);
          const p = `${path}/AudioFilter[${filters.length + 1}]`;
          const filter: AudioFilter = {};
          const f = this.attributes(child, p, ['minChannels', 'maxChannels'], filter);
          for (const bound of ['minChannels', 'maxChannels'] as const) {
            const value = this.integer(f[bound], p, bound);
            if (value !== undefined) filter[bound] = value;
          }
          this.childless(child, p, filter);
          filters.push(filter);
          break;
        }
        case 'BitrateFilter': {
          const filters = (rule.bitrateFilters ??= []);
          const p = `${path}/BitrateFilter[${filters.length + 1}]`;
          const filter: BitrateFilter = {};
          const f = this.attributes(child, p, ['minBitrate', 'maxBitrate'], filter);
          for (const bound of ['minBitrate', 'maxBitrate'] as const) {
            const value = this.integer(f[bound], p, bound);
            if (value !== undefined) filter[bound] = value;
          }
          this.childless(child, p, filter);
          filters.push(filter);
          break;
        }
        default:
          this.extension(child, path, rule);
      }
    }
    return rule;
  }

  /** Filters have no children in the schema; anything found inside one is kept as its extension. */
  childless(element: XmlElement, path: string, target: Extensible): void {
    for (const child of element.children) this.extension(child, path, target);
  }

  /**
   * An `UpdateHistoryItem`; read leniently, one missing a required attribute is returned verbatim
   * (SPEKE ignores the list, and real requests carry incomplete ones).
   */
  updateHistoryItem(element: XmlElement, path: string): UpdateHistoryItem | RawXml {
    const attributes: Extensible = {};
    const a = this.attributes(element, path, ['id', 'updateVersion', 'index', 'source', 'date'], attributes);
    const missing = (['updateVersion', 'index', 'source', 'date'] as const).find((name) => a[name] === undefined);
    if (missing !== undefined && !this.strict) {
      this.warn(
        'INCOMPLETE_UPDATE_HISTORY_ITEM',
        `${path}/@${missing}`,
        `UpdateHistoryItem without ${missing} kept verbatim`,
      );
      return this.raw(element);
    }
    const item: UpdateHistoryItem = {
      updateVersion: this.integer(this.required(a.updateVersion, path, 'updateVersion'), path, 'updateVersion')!,
      index: this.required(a.index, path, 'index'),
      source: this.required(a.source, path, 'source'),
      date: this.required(a.date, path, 'date'),
    };
    if (a.id !== undefined) item.id = this.id(a.id, path)!;
    Object.assign(item, attributes);
    for (const child of element.children) this.extension(child, path, item);
    return item;
  }
}
