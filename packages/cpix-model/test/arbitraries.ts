import fc from 'fast-check';
import type {
  ContentKey,
  ContentKeyPeriod,
  ContentKeyUsageRule,
  CpixDocument,
  DeliveryData,
  DrmSystem,
  EncryptedData,
  Extensible,
  HlsSignalingData,
  UnknownAttribute,
  UpdateHistoryItem,
} from '../src/index.js';

/** Which kind of document to generate. */
export interface DocumentShape {
  version: '2.3' | '2.4';
  /** Also put unknown attributes and elements where the schema has no room for them. */
  unrepresentable: boolean;
}

const bytes = (max = 40): fc.Arbitrary<Uint8Array> => fc.uint8Array({ maxLength: max });
const text = fc.string({ maxLength: 12 });
const uuid = fc.uuid().chain((u) => fc.constantFrom(u, u.toUpperCase()));
const dateTime = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());
const small = fc.integer({ min: 0, max: 1_000_000 });
const opt = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arbitrary, { nil: undefined });

/** A foreign-namespace element that declares its own namespace, the form extensions keep. */
const vendorElement = fc
  .record({ local: fc.constantFrom('Extra', 'Tier', 'Filter'), attribute: text, body: text })
  .map(
    ({ local, attribute, body }) =>
      `<v:${local} xmlns:v="urn:example:vendor" a="${escapeXmlText(attribute)}">${escapeXmlText(body)}</v:${local}>`,
  );
const cpixUnknownElement = fc.constantFrom(
  '<cpix:Unknown xmlns:cpix="urn:dashif:org:cpix"/>',
  '<Plain xmlns="">x</Plain>',
);
const unknownAttribute: fc.Arbitrary<UnknownAttribute> = fc.oneof(
  fc.record({ localName: fc.constantFrom('vendorFlag', 'extra'), value: text }),
  fc.record({
    namespace: fc.constant('urn:example:vendor'),
    prefix: fc.constant('v'),
    localName: fc.constantFrom('tier', 'zone'),
    value: text,
  }),
);

function escapeXmlText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/>/g, '&gt;');
}

/** Drops the keys whose value is undefined, as the parser never sets them. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function extensible<T extends object>(
  base: fc.Arbitrary<T>,
  shape: DocumentShape,
  wildcard: boolean,
): fc.Arbitrary<T & Extensible> {
  const allowed = wildcard ? fc.array(vendorElement, { maxLength: 2 }) : fc.constant([] as string[]);
  const extensions = shape.unrepresentable
    ? fc.array(fc.oneof(vendorElement, cpixUnknownElement), { maxLength: 2 })
    : allowed;
  const attributes = shape.unrepresentable
    ? fc.uniqueArray(unknownAttribute, { maxLength: 2, selector: (a) => a.localName })
    : fc.constant([] as UnknownAttribute[]);
  return fc.tuple(base, extensions, attributes).map(([value, ext, attrs]) =>
    defined({
      ...value,
      extensions: ext.length === 0 ? undefined : ext,
      unknownAttributes: attrs.length === 0 ? undefined : attrs,
    }),
  );
}

function encryptedData(shape: DocumentShape): fc.Arbitrary<EncryptedData> {
  return extensible(
    fc.record({ algorithm: fc.constant('http://www.w3.org/2001/04/xmlenc#aes256-cbc'), cipherValue: bytes(64) }),
    shape,
    false,
  );
}

function contentKey(shape: DocumentShape, kid: string, others: string[]): fc.Arbitrary<ContentKey> {
  const v24 = shape.version === '2.4';
  const secret = extensible(
    fc.oneof(
      fc.record({ plainValue: bytes(16) }),
      fc.record({ encryptedValue: encryptedData(shape), valueMac: opt(bytes(64)) }).map(defined),
    ),
    shape,
    false,
  );
  return extensible(
    fc
      .record({
        kid: fc.constant(kid),
        explicitIV: opt(bytes(16)),
        commonEncryptionScheme: opt(fc.constantFrom('cenc', 'cbcs', 'cens', 'cbc1')),
        dependsOnKey: others.length === 0 ? fc.constant(undefined) : opt(fc.constantFrom(...others)),
        contentId: v24 ? opt(text) : fc.constant(undefined),
        hdcpData: v24
          ? opt(
              fc
                .record({
                  hlsHdcpLevel: opt(fc.constantFrom('NONE', 'TYPE-0', 'TYPE-1')),
                  hdcpOutputProtectionData: opt(bytes(8)),
                })
                .map(defined),
            )
          : fc.constant(undefined),
        issuer: v24 ? fc.constant(undefined) : opt(text),
        friendlyName: v24 ? fc.constant(undefined) : opt(text),
        algorithm: v24 ? fc.constant(undefined) : opt(fc.constant('urn:example:algorithm')),
        data: opt(extensible(fc.record({ secret }), shape, true)),
      })
      .map(defined),
    shape,
    false,
  );
}

function drmSystem(shape: DocumentShape, kid: string, systemId: string): fc.Arbitrary<DrmSystem> {
  const v24 = shape.version === '2.4';
  const playlists = v24 ? (['media', 'multiVariant'] as const) : (['media', 'master'] as const);
  const hls: fc.Arbitrary<HlsSignalingData[]> = fc.subarray([...playlists]).chain((chosen) =>
    fc.tuple(
      ...chosen.map((playlist) =>
        fc
          .record({
            playlist: fc.constant(playlist),
            value: bytes(),
            allowedCpc: v24 ? opt(text) : fc.constant(undefined),
          })
          .map(defined),
      ),
    ),
  );
  return extensible(
    fc
      .record({
        systemId: fc.constant(systemId),
        kid: fc.constant(kid),
        name: opt(text),
        pssh: opt(bytes()),
        contentProtectionData: opt(
          fc.record({ value: bytes(), robustness: v24 ? opt(text) : fc.constant(undefined) }).map(defined),
        ),
        uriExtXKey: v24 ? fc.constant(undefined) : opt(bytes()),
        hlsSignalingData: hls.map((list) => (list.length === 0 ? undefined : list)),
        smoothStreamingProtectionHeaderData: opt(fc.base64String({ maxLength: 20 })),
        hdsSignalingData: v24 ? fc.constant(undefined) : opt(bytes()),
        speke: opt(
          fc
            .record({ protectionHeader: opt(bytes()), keyFormat: opt(bytes()), keyFormatVersions: opt(bytes(2)) })
            .map(defined)
            .filter((s) => Object.keys(s).length > 0),
        ),
      })
      .map(defined),
    shape,
    true,
  );
}

function usageRule(shape: DocumentShape, kid: string, periodIds: string[]): fc.Arbitrary<ContentKeyUsageRule> {
  const list = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T[] | undefined> =>
    fc.array(arbitrary, { maxLength: 2 }).map((a) => (a.length === 0 ? undefined : a));
  const filter = <T extends object>(arbitrary: fc.Arbitrary<T>) => extensible(arbitrary.map(defined), shape, false);
  return extensible(
    fc
      .record({
        kid: fc.constant(kid),
        intendedTrackType: opt(fc.constantFrom('VIDEO', 'AUDIO', 'SD', 'HD')),
        keyPeriodFilters:
          periodIds.length === 0
            ? fc.constant(undefined)
            : list(filter(fc.record({ periodId: fc.constantFrom(...periodIds) }))),
        labelFilters: list(filter(fc.record({ label: text }))),
        videoFilters: list(
          filter(
            fc.record({
              minPixels: opt(small),
              maxPixels: opt(small),
              hdr: opt(fc.boolean()),
              wcg: opt(fc.boolean()),
              minFps: opt(small),
              maxFps: opt(small),
            }),
          ),
        ),
        audioFilters: list(filter(fc.record({ minChannels: opt(small), maxChannels: opt(small) }))),
        bitrateFilters: list(filter(fc.record({ minBitrate: opt(small), maxBitrate: opt(small) }))),
      })
      .map(defined),
    shape,
    true,
  );
}

function deliveryData(shape: DocumentShape, kids: string[]): fc.Arbitrary<DeliveryData> {
  const v24 = shape.version === '2.4';
  const documentKey = fc
    .record({
      encryptsKey: v24 && kids.length > 0 ? opt(fc.constantFrom(...kids)) : fc.constant(undefined),
      algorithm: v24 ? fc.constant(undefined) : opt(fc.constant('http://www.w3.org/2001/04/xmlenc#aes256-cbc')),
      data: fc.record({ secret: fc.record({ encryptedValue: encryptedData(shape) }) }),
    })
    .map(defined);
  return extensible(
    fc
      .record({
        name: opt(text),
        deliveryKey: fc.record({ x509Certificates: fc.array(bytes(64), { minLength: 1, maxLength: 2 }) }),
        documentKeys: fc.array(documentKey, { minLength: 1, maxLength: v24 ? 2 : 1 }),
        macMethod: opt(
          fc
            .record({
              algorithm: fc.constant('http://www.w3.org/2001/04/xmldsig-more#hmac-sha512'),
              key: opt(encryptedData(shape)),
            })
            .map(defined),
        ),
        description: opt(text),
        sendingEntity: opt(text),
        receivingEntity: opt(text),
      })
      .map(defined),
    shape,
    false,
  );
}

/**
 * CPIX documents of one version: every model field the version can write, ids unique and
 * references resolvable, extensions only where the schema has a wildcard unless
 * `shape.unrepresentable` asks for them everywhere.
 */
export function cpixDocument(shape: DocumentShape): fc.Arbitrary<CpixDocument> {
  const nonEmpty = shape.version === '2.4' ? 1 : 0;
  return fc
    .record({
      kids: fc.uniqueArray(uuid, { minLength: nonEmpty, maxLength: 4, selector: (k) => k.toLowerCase() }),
      periods: fc.integer({ min: nonEmpty, max: 3 }),
      systems: fc.constantFrom(
        ['edef8ba9-79d6-4ace-a3c8-27dcd51d21ed'],
        ['9A04F079-9840-4286-AB92-E65BE0885F95', '94ce86fb-07ff-4f43-adb8-93d2fa968ca2'],
      ),
    })
    .chain(({ kids, periods, systems }) => {
      const periodIds = Array.from({ length: periods }, (_, i) => `period-${i + 1}`);
      const period = (id: string, index: number): fc.Arbitrary<ContentKeyPeriod> =>
        extensible(
          fc
            .record({
              id: fc.constant(id),
              index: opt(fc.constant(index)),
              start: opt(dateTime),
              end: opt(dateTime),
              label: shape.version === '2.4' ? opt(text) : fc.constant(undefined),
              duration: shape.version === '2.4' ? opt(fc.constantFrom('PT1H', 'PT10S')) : fc.constant(undefined),
            })
            .map(defined),
          shape,
          false,
        );
      const history: fc.Arbitrary<UpdateHistoryItem> = extensible(
        fc.record({ updateVersion: small, index: text, source: text, date: dateTime }),
        shape,
        false,
      );
      const listOf = <T>(items: fc.Arbitrary<T[]>): fc.Arbitrary<T[] | undefined> =>
        shape.version === '2.4' ? items.map((a) => (a.length === 0 ? undefined : a)) : opt(items);
      return fc
        .record({
          id: opt(fc.constantFrom('doc', 'c1')),
          contentId: opt(text),
          name: opt(text),
          deliveryDataList: listOf(fc.array(deliveryData(shape, kids), { maxLength: 2 })),
          contentKeys: listOf(fc.tuple(...kids.map((kid, i) => contentKey(shape, kid, kids.slice(0, i))))),
          drmSystems: listOf(
            fc.tuple(...kids.flatMap((kid) => systems.map((systemId) => drmSystem(shape, kid, systemId)))),
          ),
          periods: listOf(fc.tuple(...periodIds.map((id, i) => period(id, i + 1)))),
          rules: listOf(fc.tuple(...kids.map((kid) => usageRule(shape, kid, periodIds)))),
          history: listOf(fc.array(history, { minLength: nonEmpty, maxLength: 2 })),
          extensions: shape.unrepresentable
            ? fc.array(fc.oneof(vendorElement, cpixUnknownElement), { maxLength: 2 })
            : fc.constant<string[]>([]),
        })
        .map(
          ({ deliveryDataList, contentKeys, drmSystems, periods: periodList, rules, history, extensions, ...root }) =>
            defined({
              ...root,
              version: shape.version,
              deliveryDataList: deliveryDataList && { deliveryData: deliveryDataList },
              contentKeyList: contentKeys && { contentKeys },
              drmSystemList: drmSystems && { drmSystems },
              contentKeyPeriodList: periodList && { contentKeyPeriods: periodList },
              contentKeyUsageRuleList: rules && { contentKeyUsageRules: rules },
              updateHistoryItemList: history && { updateHistoryItems: history },
              extensions: extensions.length === 0 ? undefined : extensions,
            }),
        )
        .filter((document) => {
          // A KeyPeriodFilter needs its period in the document.
          const present = new Set(document.contentKeyPeriodList?.contentKeyPeriods.map((p) => p.id));
          return (document.contentKeyUsageRuleList?.contentKeyUsageRules ?? []).every((rule) =>
            (rule.keyPeriodFilters ?? []).every((f) => present.has(f.periodId)),
          );
        });
    });
}
