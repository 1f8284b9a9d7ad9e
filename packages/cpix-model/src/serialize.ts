import { writeBase64 } from './base64.js';
import { CPIX_LIST_ITEMS, type CpixListName } from './list-items.js';
import { CpixError, withCpixErrors } from './errors.js';
import {
  CPIX_NAMESPACES,
  type ContentKey,
  type ContentKeyPeriod,
  type ContentKeyUsageRule,
  type CpixDocument,
  type CpixWriteVersion,
  type DeliveryData,
  type DocumentKey,
  type DrmSystem,
  type EncryptedData,
  type Extensible,
  type KeyData,
  type PskcKeyFields,
  type RawXml,
  type UpdateHistoryItem,
} from './model.js';
import { isNcName } from './ncname.js';
import { isUuid } from './uuid.js';
import { VERSION_FIELDS, type VersionFields } from './version-fields.js';
import { escapeAttribute, escapeText } from './xml-escape.js';
import { readXml } from './xml-reader.js';

/** The namespaces whose prefixes `serializeCpix` lets you choose. */
export type CpixPrefixRole = keyof typeof CPIX_NAMESPACES;

/** Options of {@link serializeCpix}. */
export interface SerializeCpixOptions {
  /** The CPIX version to write; the output validates against that version's schema (2.0 against 2.3's). */
  version: CpixWriteVersion;
  /** Prefixes to use; defaults `cpix`, `pskc`, `speke`, `ds`, `enc`. `cpix: ''` writes CPIX in the default namespace. */
  prefixes?: Partial<Record<CpixPrefixRole, string>>;
  /**
   * What to do with content the target version's schema cannot hold: unknown elements where the
   * schema has no wildcard, unknown attributes, invalid ids, a request-side `DeliveryData` without
   * `DocumentKey`, fields of another version. `omit` (default) leaves it out so the output stays
   * schema-valid; `error` throws `ERR_CPIX_NOT_REPRESENTABLE`; `keep` echoes unknown elements,
   * attributes and ids anyway (the output may then not validate; fields of another version are
   * still left out).
   */
  unrepresentable?: 'omit' | 'error' | 'keep';
  /** Write the `<?xml ...?>` declaration. Default true. */
  xmlDeclaration?: boolean;
}

const DEFAULT_PREFIXES: Readonly<Record<CpixPrefixRole, string>> = {
  cpix: 'cpix',
  pskc: 'pskc',
  speke: 'speke',
  ds: 'ds',
  enc: 'enc',
};
const EXTENSION_LIMITS = { maxLength: Number.MAX_SAFE_INTEGER, maxDepth: 256, maxElements: Number.MAX_SAFE_INTEGER };

/**
 * Writes a CPIX document in the given version, strictly: children in schema order, canonical
 * base64, the `playlist` spelling of the version (`master` up to 2.3, `multiVariant` in 2.4), the
 * version's own fields only (`VERSION_FIELDS` lists them: 2.4 drops `URIExtXKey`, `HDSSignalingData`
 * and `DocumentKey@Algorithm`; 2.3 and 2.0 drop the 2.4 additions), `version` written for 2.3 and
 * 2.4 but not 2.0 (SPEKE v1).
 * System ids, KIDs and ids are echoed as written; extensions (`speke:*`, vendor elements,
 * signatures) are echoed where the schema allows them. The `cpix` and `pskc` prefixes (and
 * `speke`, `ds`, `enc` when used) are declared on the root.
 */
export function serializeCpix(document: CpixDocument, options: SerializeCpixOptions): string {
  if (options.version !== '2.0' && options.version !== '2.3' && options.version !== '2.4') {
    throw new CpixError('ERR_CPIX_INVALID_OPTION', `Unsupported CPIX version to write: ${String(options.version)}`);
  }
  return withCpixErrors('serializeCpix', () => new DocumentWriter(document, options).write());
}

class DocumentWriter {
  /**
   * The output, piece by piece, joined once at the end: one flat string rather than a rope of
   * thousands of concatenations, which every consumer (a socket write, TextEncoder) must flatten.
   */
  private readonly parts: string[] = [];
  /** True while the last start tag written still lacks its `>` (it becomes `/>` if no child follows). */
  private pending = false;
  /** What the target version writes where versions differ. */
  private readonly fields: Readonly<VersionFields>;
  private readonly policy: 'omit' | 'error' | 'keep';
  private readonly prefix: Readonly<Record<CpixPrefixRole, string>>;
  private readonly ids = new Set<string>();
  private readonly periodReferences: { periodId: string; path: string }[] = [];

  constructor(
    private readonly document: CpixDocument,
    private readonly options: SerializeCpixOptions,
  ) {
    this.fields = VERSION_FIELDS[options.version];
    this.policy = options.unrepresentable ?? 'omit';
    // The defaults are known to be usable: only chosen prefixes need the check.
    this.prefix =
      options.prefixes === undefined ? DEFAULT_PREFIXES : checkedPrefixes({ ...DEFAULT_PREFIXES, ...options.prefixes });
  }

  // --- policy ------------------------------------------------------------------------------------

  /** True when content the schema cannot hold should be written anyway. */
  private keep(path: string, what: string): boolean {
    if (this.policy === 'error') {
      throw new CpixError('ERR_CPIX_NOT_REPRESENTABLE', `${what} cannot be written in CPIX ${this.options.version}`, {
        path,
      });
    }
    return this.policy === 'keep';
  }

  /**
   * A field the target version does not have: left out, or an error with `unrepresentable: 'error'`
   * at `path` + `place` (joined only then: the common case is a field that is absent).
   */
  private versionDrop(present: unknown, path: string, place: string, what: string): void {
    if (present !== undefined && this.policy === 'error') {
      throw new CpixError('ERR_CPIX_NOT_REPRESENTABLE', `${what} does not exist in CPIX ${this.options.version}`, {
        path: `${path}${place}`,
      });
    }
  }

  // --- names and low-level output ------------------------------------------------------------------

  private name(role: CpixPrefixRole, local: string): string {
    const prefix = this.prefix[role];
    return prefix === '' ? local : `${prefix}:${local}`;
  }

  private c(local: string): string {
    return this.name('cpix', local);
  }

  private attribute(name: string, value: string | number | boolean | undefined): void {
    if (value === undefined) return;
    if (typeof value === 'number' && (!Number.isSafeInteger(value) || value < 0)) {
      throw new CpixError(
        'ERR_CPIX_INVALID_NUMBER',
        `${name} must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}, not ${value}`,
      );
    }
    this.parts.push(` ${name}="${typeof value === 'string' ? attributeValue(value, name) : String(value)}"`);
  }

  /** Writes an attribute that must be a UUID, as it is: a UUID holds nothing to escape or refuse. */
  private uuidAttribute(name: string, value: string, path: string): void {
    if (!isUuid(value))
      throw new CpixError('ERR_CPIX_INVALID_KID', 'Value is not a UUID', { path: `${path}/@${name}` });
    this.parts.push(` ${name}="${value}"`);
  }

  private idAttribute(value: string | undefined, path: string, name = 'id'): void {
    if (value === undefined) return;
    if (!isNcName(value) && !this.keep(`${path}/@${name}`, `${name} "${value}" (not an XML id)`)) return;
    if (this.ids.has(value) && !this.keep(`${path}/@${name}`, `Duplicate id "${value}"`)) return;
    this.ids.add(value);
    this.attribute(name, value);
  }

  private unknownAttributes(target: Extensible, path: string): void {
    if (target.unknownAttributes === undefined || target.unknownAttributes.length === 0) return;
    if (!this.keep(path, 'Unknown attributes')) return;
    const reserved = new Set<string>(Object.values(this.prefix));
    const declared = new Map<string, string>();
    for (const attribute of target.unknownAttributes) {
      const namespace = attribute.namespace;
      if (namespace === undefined) {
        this.attribute(attribute.localName, attribute.value);
        continue;
      }
      let prefix = attribute.prefix ?? 'ns';
      for (let n = 1; reserved.has(prefix) || (declared.has(prefix) && declared.get(prefix) !== namespace); n += 1)
        prefix = `ns${n}`;
      if (!declared.has(prefix)) {
        declared.set(prefix, namespace);
        this.parts.push(` xmlns:${prefix}="${attributeValue(namespace, 'namespace')}"`);
      }
      this.attribute(`${prefix}:${attribute.localName}`, attribute.value);
    }
  }

  /**
   * Writes extension elements. `otherThan` is the namespace of the schema's `##other` wildcard
   * here, if it has one: elements of any other namespace are allowed.
   */
  private extensions(target: Extensible, path: string, depth: number, otherThan?: string): void {
    if (target.extensions === undefined) return;
    for (const raw of target.extensions) {
      const namespace = extensionNamespace(raw, path);
      if ((otherThan !== undefined && otherNamespace(namespace, otherThan)) || this.keep(path, 'An extension element'))
        this.raw(raw, depth);
    }
  }

  /** Writes child content, closing the parent's pending start tag first. */
  private emit(text: string): void {
    if (this.pending) {
      this.parts.push('>');
      this.pending = false;
    }
    this.parts.push(text);
  }

  private raw(raw: RawXml, depth: number): void {
    this.emit(`${indent(depth)}${raw}`);
  }

  private open(name: string, depth: number): void {
    this.emit(`${indent(depth)}<${name}`);
  }

  /** Writes an element of text, if there is text (the name is made only then: most optional fields are absent). */
  private textElement(role: CpixPrefixRole, local: string, text: string | undefined, depth: number): void {
    if (text === undefined) return;
    const name = this.name(role, local);
    this.emit(`${indent(depth)}<${name}>${characterData(text, name)}</${name}>`);
  }

  /** Writes an element of base64 bytes, if there are bytes. */
  private bytesElement(role: CpixPrefixRole, local: string, bytes: Uint8Array | undefined, depth: number): void {
    if (bytes === undefined) return;
    const name = this.name(role, local);
    this.emit(`${indent(depth)}<${name}>${writeBase64(bytes)}</${name}>`);
  }

  /** Writes an element's children after its start tag: `/>` when there are none, else `>` … `</name>`. */
  private children(name: string, depth: number, write: () => void): void {
    this.pending = true;
    write();
    if (this.pending) {
      this.parts.push('/>');
      this.pending = false;
    } else {
      this.parts.push(`${indent(depth)}</${name}>`);
    }
  }

  // --- document ----------------------------------------------------------------------------------

  write(): string {
    const d = this.document;
    const path = '/CPIX';
    const root = this.c('CPIX');
    if (this.options.xmlDeclaration !== false) this.parts.push('<?xml version="1.0" encoding="UTF-8"?>\n');
    this.parts.push(`<${root}`);
    this.parts.push(
      this.prefix.cpix === ''
        ? ` xmlns="${CPIX_NAMESPACES.cpix}"`
        : ` xmlns:${this.prefix.cpix}="${CPIX_NAMESPACES.cpix}"`,
    );
    this.parts.push(` xmlns:${this.prefix.pskc}="${CPIX_NAMESPACES.pskc}"`);
    const uses = usedNamespaces(d);
    if (uses.speke) this.parts.push(` xmlns:${this.prefix.speke}="${CPIX_NAMESPACES.speke}"`);
    if (uses.ds) this.parts.push(` xmlns:${this.prefix.ds}="${CPIX_NAMESPACES.ds}"`);
    if (uses.enc) this.parts.push(` xmlns:${this.prefix.enc}="${CPIX_NAMESPACES.enc}"`);
    this.idAttribute(d.id, path);
    this.attribute('contentId', d.contentId);
    this.attribute('name', d.name);
    if (this.fields.version) this.attribute('version', this.options.version);
    this.unknownAttributes(d, path);
    this.children(root, 0, () => {
      if (d.deliveryDataList !== undefined) {
        const list = d.deliveryDataList;
        this.list('DeliveryDataList', list, list.deliveryData, `${path}/DeliveryDataList`, (item, p) =>
          this.deliveryData(item, p),
        );
      }
      if (d.contentKeyList !== undefined) {
        const list = d.contentKeyList;
        this.list('ContentKeyList', list, list.contentKeys, `${path}/ContentKeyList`, (item, p) =>
          this.contentKey(item, p),
        );
      }
      if (d.drmSystemList !== undefined) {
        const list = d.drmSystemList;
        this.list('DRMSystemList', list, list.drmSystems, `${path}/DRMSystemList`, (item, p) =>
          this.drmSystem(item, p),
        );
      }
      if (d.contentKeyPeriodList !== undefined) {
        const list = d.contentKeyPeriodList;
        this.list('ContentKeyPeriodList', list, list.contentKeyPeriods, `${path}/ContentKeyPeriodList`, (item, p) =>
          this.period(item, p),
        );
      }
      if (d.contentKeyUsageRuleList !== undefined) {
        const list = d.contentKeyUsageRuleList;
        this.list(
          'ContentKeyUsageRuleList',
          list,
          list.contentKeyUsageRules,
          `${path}/ContentKeyUsageRuleList`,
          (item, p) => this.usageRule(item, p),
        );
      }
      if (d.updateHistoryItemList !== undefined) {
        const list = d.updateHistoryItemList;
        this.list('UpdateHistoryItemList', list, list.updateHistoryItems, `${path}/UpdateHistoryItemList`, (item, p) =>
          this.updateHistoryItem(item, p),
        );
      }
      this.extensions(d, path, 1);
      for (const signature of d.signatures ?? []) this.raw(signature, 1);
    });
    this.parts.push('\n');
    this.checkReferences();
    return this.parts.join('');
  }

  private checkReferences(): void {
    for (const reference of this.periodReferences) {
      if (
        !this.ids.has(reference.periodId) &&
        !this.keep(reference.path, `periodId "${reference.periodId}" (no ContentKeyPeriod has this id)`)
      ) {
        throw new CpixError(
          'ERR_CPIX_DANGLING_REFERENCE',
          `KeyPeriodFilter refers to period "${reference.periodId}", which is not in the document`,
          { path: reference.path },
        );
      }
    }
  }

  private list<T>(
    local: string,
    list: Extensible & { id?: string; updateVersion?: number },
    items: readonly T[],
    path: string,
    writeItem: (item: T, path: string) => void,
  ): void {
    if (items.length === 0 && !this.fields.emptyLists) {
      if (this.policy === 'error') {
        throw new CpixError(
          'ERR_CPIX_NOT_REPRESENTABLE',
          `An empty ${local} cannot be written in CPIX ${this.options.version}`,
          { path },
        );
      }
      return;
    }
    const name = this.c(local);
    this.open(name, 1);
    this.idAttribute(list.id, path);
    this.attribute('updateVersion', list.updateVersion);
    this.unknownAttributes(list, path);
    this.children(name, 1, () => {
      const itemName = CPIX_LIST_ITEMS[local as CpixListName];
      items.forEach((item, index) => {
        writeItem(item, `${path}/${itemName}[${index + 1}]`);
      });
      this.extensions(list, path, 2);
    });
  }

  // --- DeliveryData ------------------------------------------------------------------------------

  private deliveryData(data: DeliveryData, path: string): void {
    const key = data.deliveryKey;
    const keyInfoChildren =
      key.x509Certificates.length + (key.otherKeyInfo?.length ?? 0) + (key.extensions?.length ?? 0);
    if (keyInfoChildren === 0 && !this.keep(`${path}/DeliveryKey`, 'A DeliveryKey without certificate')) return;
    if (data.documentKeys.length === 0 && !this.keep(path, 'A DeliveryData without DocumentKey')) return;
    const name = this.c('DeliveryData');
    this.open(name, 2);
    this.idAttribute(data.id, path);
    this.attribute('updateVersion', data.updateVersion);
    this.attribute('name', data.name);
    this.unknownAttributes(data, path);
    this.children(name, 2, () => {
      const keyName = this.c('DeliveryKey');
      this.open(keyName, 3);
      this.idAttribute(key.id, `${path}/DeliveryKey`, 'Id');
      this.unknownAttributes(key, `${path}/DeliveryKey`);
      this.children(keyName, 3, () => {
        if (key.x509Certificates.length !== 0) {
          const x509Data = this.name('ds', 'X509Data');
          this.emit(`${indent(4)}<${x509Data}>`);
          for (const certificate of key.x509Certificates) this.bytesElement('ds', 'X509Certificate', certificate, 5);
          this.emit(`${indent(4)}</${x509Data}>`);
        }
        for (const raw of key.otherKeyInfo ?? []) this.raw(raw, 4);
        this.extensions(key, `${path}/DeliveryKey`, 4, CPIX_NAMESPACES.ds);
      });
      const writeAll =
        this.fields.documentKeys ||
        data.documentKeys.length <= 1 ||
        this.keep(`${path}/DocumentKey[2]`, 'More than one DocumentKey per DeliveryData');
      const documentKeys = writeAll ? data.documentKeys : data.documentKeys.slice(0, 1);
      documentKeys.forEach((documentKey, index) => {
        this.documentKey(documentKey, `${path}/DocumentKey[${index + 1}]`);
      });
      if (data.macMethod !== undefined) {
        const method = data.macMethod;
        const methodPath = `${path}/MACMethod`;
        const methodName = this.c('MACMethod');
        this.open(methodName, 3);
        this.attribute('Algorithm', method.algorithm);
        this.unknownAttributes(method, methodPath);
        this.children(methodName, 3, () => {
          this.textElement('pskc', 'MACKeyReference', method.keyReference, 4);
          if (method.key !== undefined) this.encryptedData(this.c('Key'), method.key, `${methodPath}/Key`, 4);
          this.extensions(method, methodPath, 4, CPIX_NAMESPACES.pskc);
        });
      }
      this.textElement('cpix', 'Description', data.description, 3);
      this.textElement('cpix', 'SendingEntity', data.sendingEntity, 3);
      this.textElement('cpix', 'SenderPointOfContact', data.senderPointOfContact, 3);
      this.textElement('cpix', 'ReceivingEntity', data.receivingEntity, 3);
      if (data.sendingTime !== undefined && this.keep(`${path}/SendingTime`, 'SendingTime'))
        this.textElement('cpix', 'SendingTime', data.sendingTime, 3);
      this.extensions(data, path, 3);
    });
  }

  private documentKey(key: DocumentKey, path: string): void {
    const name = this.c('DocumentKey');
    this.open(name, 3);
    this.idAttribute(key.id, path);
    const fields = this.fields;
    if (fields.documentKeyAlgorithm) this.attribute('Algorithm', key.algorithm);
    else this.versionDrop(key.algorithm, path, '/@Algorithm', 'DocumentKey@Algorithm');
    if (!fields.documentKeyEncryptsKey) {
      this.versionDrop(key.encryptsKey, path, '/@encryptsKey', 'DocumentKey@encryptsKey');
    } else if (
      key.encryptsKey === undefined ||
      fields.untypedKeyReferences ||
      isUuid(key.encryptsKey) ||
      this.keep(`${path}/@encryptsKey`, 'encryptsKey that is not a UUID')
    ) {
      this.attribute('encryptsKey', key.encryptsKey);
    }
    this.unknownAttributes(key, path);
    this.children(name, 3, () => {
      this.keyContent(key, path, 4);
      if (key.data === undefined && !fields.documentKeyWithoutData && this.policy === 'error') {
        throw new CpixError('ERR_CPIX_NOT_REPRESENTABLE', `A ${this.options.version} DocumentKey needs Data`, { path });
      }
      this.extensions(key, path, 4);
    });
  }

  /** The content of a `ContentKey` or `DocumentKey`: the PSKC key fields around `Data`, or `Data` alone. */
  private keyContent(key: PskcKeyFields & { data?: KeyData }, path: string, depth: number): void {
    if (this.fields.pskcKeyFields) {
      this.keyFields(key, path, depth);
      return;
    }
    this.dropKeyFields(key, path);
    if (key.data !== undefined) this.keyData(key.data, `${path}/Data`, depth);
  }

  /** The `cpix:KeyType` children in schema order. */
  private keyFields(key: PskcKeyFields & { data?: KeyData }, path: string, depth: number): void {
    this.textElement('cpix', 'Issuer', key.issuer, depth);
    if (key.algorithmParameters !== undefined) this.raw(key.algorithmParameters, depth);
    this.textElement('cpix', 'KeyProfileId', key.keyProfileId, depth);
    this.textElement('cpix', 'KeyReference', key.keyReference, depth);
    this.textElement('cpix', 'FriendlyName', key.friendlyName, depth);
    if (key.data !== undefined) this.keyData(key.data, `${path}/Data`, depth);
    this.textElement('cpix', 'UserId', key.userId, depth);
    if (key.policy !== undefined) this.raw(key.policy, depth);
    for (const raw of key.pskcExtensions ?? []) this.raw(raw, depth);
  }

  private dropKeyFields(key: PskcKeyFields, path: string): void {
    for (const field of [
      'issuer',
      'algorithmParameters',
      'keyProfileId',
      'keyReference',
      'friendlyName',
      'userId',
      'policy',
      'pskcExtensions',
    ] as const) {
      this.versionDrop(key[field], path, `/${field}`, `The pskc key field ${field}`);
    }
  }

  private keyData(data: KeyData, path: string, depth: number): void {
    const name = this.c('Data');
    this.open(name, depth);
    this.unknownAttributes(data, path);
    this.children(name, depth, () => {
      const secret = data.secret;
      if (secret !== undefined) {
        const secretPath = `${path}/Secret`;
        if (secret.plainValue === undefined && secret.encryptedValue === undefined) {
          this.keep(secretPath, 'A Secret without value');
        } else {
          const secretName = this.name('pskc', 'Secret');
          this.open(secretName, depth + 1);
          this.unknownAttributes(secret, secretPath);
          this.children(secretName, depth + 1, () => {
            if (secret.plainValue !== undefined) this.bytesElement('pskc', 'PlainValue', secret.plainValue, depth + 2);
            else if (secret.encryptedValue !== undefined)
              this.encryptedData(
                this.name('pskc', 'EncryptedValue'),
                secret.encryptedValue,
                `${secretPath}/EncryptedValue`,
                depth + 2,
              );
            this.bytesElement('pskc', 'ValueMAC', secret.valueMac, depth + 2);
            this.extensions(secret, secretPath, depth + 2);
          });
        }
      }
      for (const raw of data.otherPskcData ?? []) this.raw(raw, depth + 1);
      this.extensions(data, path, depth + 1, CPIX_NAMESPACES.pskc);
    });
  }

  private encryptedData(name: string, data: EncryptedData, path: string, depth: number): void {
    this.open(name, depth);
    this.idAttribute(data.id, path, 'Id');
    this.attribute('Type', data.type);
    this.attribute('MimeType', data.mimeType);
    this.attribute('Encoding', data.encoding);
    this.unknownAttributes(data, path);
    this.children(name, depth, () => {
      if (data.algorithm !== undefined) {
        const methodName = this.name('enc', 'EncryptionMethod');
        this.open(methodName, depth + 1);
        this.attribute('Algorithm', data.algorithm);
        this.children(methodName, depth + 1, () => {
          for (const raw of data.encryptionMethodParameters ?? []) this.raw(raw, depth + 2);
        });
      }
      if (data.keyInfo !== undefined) this.raw(data.keyInfo, depth + 1);
      const cipherData = this.name('enc', 'CipherData');
      this.emit(`${indent(depth + 1)}<${cipherData}>`);
      this.bytesElement('enc', 'CipherValue', data.cipherValue, depth + 2);
      this.emit(`${indent(depth + 1)}</${cipherData}>`);
      this.extensions(data, path, depth + 1);
    });
  }

  // --- ContentKey --------------------------------------------------------------------------------

  private contentKey(key: ContentKey, path: string): void {
    const name = this.c('ContentKey');
    this.open(name, 2);
    this.idAttribute(key.id, path);
    const fields = this.fields;
    if (fields.contentKeyContentId) this.attribute('contentId', key.contentId);
    else this.versionDrop(key.contentId, path, '/@contentId', 'ContentKey@contentId');
    this.uuidAttribute('kid', key.kid, path);
    if (key.explicitIV !== undefined) this.attribute('explicitIV', writeBase64(key.explicitIV));
    if (key.dependsOnKey !== undefined) {
      if (
        fields.untypedKeyReferences ||
        isUuid(key.dependsOnKey) ||
        this.keep(`${path}/@dependsOnKey`, 'dependsOnKey that is not a UUID')
      ) {
        this.attribute('dependsOnKey', key.dependsOnKey);
      }
    }
    const scheme = key.commonEncryptionScheme;
    if (
      scheme !== undefined &&
      (fields.anySchemeLength ||
        scheme.length === 4 ||
        this.keep(`${path}/@commonEncryptionScheme`, `commonEncryptionScheme "${scheme}"`))
    ) {
      this.attribute('commonEncryptionScheme', scheme);
    }
    if (fields.contentKeyAlgorithm) this.attribute('Algorithm', key.algorithm);
    else this.versionDrop(key.algorithm, path, '/@Algorithm', 'ContentKey@Algorithm');
    this.unknownAttributes(key, path);
    this.children(name, 2, () => {
      if (!fields.hdcpData) {
        this.versionDrop(key.hdcpData, path, '/HDCPData', 'HDCPData');
      } else if (key.hdcpData !== undefined) {
        const hdcp = key.hdcpData;
        const hdcpName = this.c('HDCPData');
        this.open(hdcpName, 3);
        this.attribute('HLSHDCPLevel', hdcp.hlsHdcpLevel);
        this.unknownAttributes(hdcp, `${path}/HDCPData`);
        this.children(hdcpName, 3, () => {
          this.bytesElement('cpix', 'HDCPOutputProtectionData', hdcp.hdcpOutputProtectionData, 4);
          this.extensions(hdcp, `${path}/HDCPData`, 4);
        });
      }
      this.keyContent(key, path, 3);
      this.extensions(key, path, 3);
    });
  }

  // --- DRMSystem ---------------------------------------------------------------------------------

  private drmSystem(system: DrmSystem, path: string): void {
    const name = this.c('DRMSystem');
    this.open(name, 2);
    this.idAttribute(system.id, path);
    this.attribute('updateVersion', system.updateVersion);
    this.uuidAttribute('systemId', system.systemId, path);
    this.uuidAttribute('kid', system.kid, path);
    this.attribute('name', system.name);
    const fields = this.fields;
    if (fields.drmSystemAllowedCpc) this.attribute('HLSAllowedCPC', system.hlsAllowedCpc);
    else this.versionDrop(system.hlsAllowedCpc, path, '/@HLSAllowedCPC', 'HLSAllowedCPC');
    this.unknownAttributes(system, path);
    this.children(name, 2, () => {
      this.bytesElement('cpix', 'PSSH', system.pssh, 3);
      const protection = system.contentProtectionData;
      if (protection !== undefined) {
        const protectionName = this.c('ContentProtectionData');
        this.open(protectionName, 3);
        if (fields.robustness) this.attribute('robustness', protection.robustness);
        else this.versionDrop(protection.robustness, path, '/ContentProtectionData/@robustness', 'robustness');
        this.unknownAttributes(protection, `${path}/ContentProtectionData`);
        this.parts.push(`>${writeBase64(protection.value)}</${protectionName}>`);
      }
      if (fields.uriExtXKey) this.bytesElement('cpix', 'URIExtXKey', system.uriExtXKey, 3);
      else this.versionDrop(system.uriExtXKey, path, '/URIExtXKey', 'URIExtXKey');
      this.hlsSignaling(system, path);
      this.textElement('cpix', 'SmoothStreamingProtectionHeaderData', system.smoothStreamingProtectionHeaderData, 3);
      if (fields.hdsSignalingData) this.bytesElement('cpix', 'HDSSignalingData', system.hdsSignalingData, 3);
      else this.versionDrop(system.hdsSignalingData, path, '/HDSSignalingData', 'HDSSignalingData');
      if (system.speke !== undefined) {
        this.bytesElement('speke', 'ProtectionHeader', system.speke.protectionHeader, 3);
        this.bytesElement('speke', 'KeyFormat', system.speke.keyFormat, 3);
        this.bytesElement('speke', 'KeyFormatVersions', system.speke.keyFormatVersions, 3);
      }
      this.extensions(system, path, 3, CPIX_NAMESPACES.cpix);
    });
  }

  private hlsSignaling(system: DrmSystem, path: string): void {
    const seen = new Set<string>();
    const name = this.c('HLSSignalingData');
    (system.hlsSignalingData ?? []).forEach((signaling, index) => {
      const itemPath = `${path}/HLSSignalingData[${index + 1}]`;
      const playlist =
        signaling.playlist === undefined
          ? undefined
          : signaling.playlist === 'media'
            ? 'media'
            : this.fields.multiVariantPlaylist;
      if (
        (index >= 2 || (playlist !== undefined && seen.has(playlist))) &&
        !this.keep(itemPath, 'A third HLSSignalingData, or a repeated playlist')
      )
        return;
      if (playlist !== undefined) seen.add(playlist);
      this.open(name, 3);
      this.attribute('playlist', playlist);
      if (this.fields.hlsSignalingAllowedCpc) this.attribute('allowedCPC', signaling.allowedCpc);
      else this.versionDrop(signaling.allowedCpc, itemPath, '/@allowedCPC', 'allowedCPC');
      this.unknownAttributes(signaling, itemPath);
      this.parts.push(`>${writeBase64(signaling.value)}</${name}>`);
    });
  }

  // --- periods, rules, history ---------------------------------------------------------------------

  private period(period: ContentKeyPeriod, path: string): void {
    const name = this.c('ContentKeyPeriod');
    this.open(name, 2);
    this.idAttribute(period.id, path);
    this.attribute('index', period.index);
    this.attribute('start', period.start);
    this.attribute('end', period.end);
    for (const field of ['label', 'startOffset', 'endOffset', 'duration'] as const) {
      if (this.fields.periodLabelAndOffsets) this.attribute(field, period[field]);
      else this.versionDrop(period[field], path, `/@${field}`, `ContentKeyPeriod@${field}`);
    }
    this.unknownAttributes(period, path);
    this.children(name, 2, () => this.extensions(period, path, 3));
  }

  private usageRule(rule: ContentKeyUsageRule, path: string): void {
    const name = this.c('ContentKeyUsageRule');
    this.open(name, 2);
    this.idAttribute(rule.id, path);
    if (this.fields.untypedKeyReferences) this.attribute('kid', rule.kid);
    else this.uuidAttribute('kid', rule.kid, path);
    this.attribute('intendedTrackType', rule.intendedTrackType);
    this.unknownAttributes(rule, path);
    this.children(name, 2, () => {
      this.filters('KeyPeriodFilter', rule.keyPeriodFilters, path, (filter, p) => {
        this.attribute('periodId', filter.periodId);
        this.periodReferences.push({ periodId: filter.periodId, path: `${p}/@periodId` });
      });
      this.filters('LabelFilter', rule.labelFilters, path, (filter) => this.attribute('label', filter.label));
      this.filters('VideoFilter', rule.videoFilters, path, (filter) => {
        this.attribute('minPixels', filter.minPixels);
        this.attribute('maxPixels', filter.maxPixels);
        this.attribute('hdr', filter.hdr);
        this.attribute('wcg', filter.wcg);
        this.attribute('minFps', filter.minFps);
        this.attribute('maxFps', filter.maxFps);
      });
      this.filters('AudioFilter', rule.audioFilters, path, (filter) => {
        this.attribute('minChannels', filter.minChannels);
        this.attribute('maxChannels', filter.maxChannels);
      });
      this.filters('BitrateFilter', rule.bitrateFilters, path, (filter) => {
        this.attribute('minBitrate', filter.minBitrate);
        this.attribute('maxBitrate', filter.maxBitrate);
      });
      this.extensions(rule, path, 3, CPIX_NAMESPACES.cpix);
    });
  }

  private filters<T extends Extensible>(
    local: string,
    filters: readonly T[] | undefined,
    path: string,
    writeAttributes: (filter: T, path: string) => void,
  ): void {
    const name = this.c(local);
    (filters ?? []).forEach((filter, index) => {
      const filterPath = `${path}/${local}[${index + 1}]`;
      this.open(name, 3);
      writeAttributes(filter, filterPath);
      this.unknownAttributes(filter, filterPath);
      this.children(name, 3, () => this.extensions(filter, filterPath, 4));
    });
  }

  private updateHistoryItem(item: UpdateHistoryItem, path: string): void {
    const name = this.c('UpdateHistoryItem');
    this.open(name, 2);
    this.idAttribute(item.id, path);
    this.attribute('updateVersion', item.updateVersion);
    this.attribute('index', item.index);
    this.attribute('source', item.source);
    this.attribute('date', item.date);
    this.unknownAttributes(item, path);
    this.children(name, 2, () => this.extensions(item, path, 3));
  }
}

const INDENTS: string[] = [];
function indent(depth: number): string {
  return (INDENTS[depth] ??= `\n${'  '.repeat(depth)}`);
}

/** XML 1.0 cannot carry most C0 controls, U+FFFE/U+FFFF or lone surrogates, not even as references. */
const NOT_XML_CHARACTER =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/**
 * What an attribute value may hold that needs a second look: a character to escape, or one that
 * {@link NOT_XML_CHARACTER} might refuse (surrogates paired or not). A plain class scans fast,
 * the lookarounds do not; most values hold none of these and are written as they are.
 */
const ATTRIBUTE_ATTENTION = /[\u0000-\u001F"&<\uD800-\uDFFF\uFFFE\uFFFF]/;
/** The same for character data, where tab and line feed are written as they are. */
const TEXT_ATTENTION = /[\u0000-\u0008\u000B-\u001F&<>\uD800-\uDFFF\uFFFE\uFFFF]/;

/** `value` checked and escaped for a double-quoted attribute named `name`. */
function attributeValue(value: string, name: string): string {
  return ATTRIBUTE_ATTENTION.test(value) ? escapeAttribute(xmlCharacters(value, name)) : value;
}

/** `text` checked and escaped as the character data of element `name`. */
function characterData(text: string, name: string): string {
  return TEXT_ATTENTION.test(text) ? escapeText(xmlCharacters(text, name)) : text;
}

function xmlCharacters(value: string, name: string): string {
  if (NOT_XML_CHARACTER.test(value))
    throw new CpixError('ERR_CPIX_INVALID_CHARACTER', `${name} holds a character XML cannot carry`);
  return value;
}

/** The prefixes, when each is a usable prefix distinct from the others (only CPIX may be ''). */
function checkedPrefixes(prefixes: Record<CpixPrefixRole, string>): Record<CpixPrefixRole, string> {
  const seen = new Set<string>();
  for (const role of Object.keys(prefixes) as CpixPrefixRole[]) {
    const value = prefixes[role];
    if (value === '' && role === 'cpix') continue;
    if (!isNcName(value) || value.includes(':') || /^xml/i.test(value) || seen.has(value)) {
      throw new CpixError('ERR_CPIX_INVALID_OPTION', `Prefix "${value}" for ${role} is not a usable, distinct prefix`);
    }
    seen.add(value);
  }
  return prefixes;
}

/** An `xs:any namespace="##other"` wildcard: any namespace but the schema's own, and not none. */
function otherNamespace(namespace: string | undefined, target: string): boolean {
  return namespace !== undefined && namespace !== target;
}

/** The namespace of an extension element; an extension that is not one well-formed element is refused. */
function extensionNamespace(raw: RawXml, path: string): string | undefined {
  try {
    return readXml(raw, EXTENSION_LIMITS).namespace;
  } catch (cause) {
    throw new CpixError('ERR_CPIX_INVALID_EXTENSION', 'An extension is not a single well-formed XML element', {
      path,
      cause,
    });
  }
}

function usedNamespaces(document: CpixDocument): { speke: boolean; ds: boolean; enc: boolean } {
  const speke =
    document.drmSystemList?.drmSystems.some(
      (system) => system.speke !== undefined && Object.keys(system.speke).length !== 0,
    ) ?? false;
  const ds = document.deliveryDataList !== undefined && document.deliveryDataList.deliveryData.length !== 0;
  const enc =
    ds || (document.contentKeyList?.contentKeys.some((key) => key.data?.secret?.encryptedValue !== undefined) ?? false);
  return { speke, ds, enc };
}
