import type { CpixDocument, EncryptedData } from '../src/index.js';

const bytes = (length: number, fill: number): Uint8Array => new Uint8Array(length).fill(fill);

const AES256_CBC = 'http://www.w3.org/2001/04/xmlenc#aes256-cbc';
const RSA_OAEP = 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p';
const HMAC_SHA512 = 'http://www.w3.org/2001/04/xmldsig-more#hmac-sha512';

const encrypted = (length: number, fill: number, algorithm = AES256_CBC): EncryptedData => ({
  algorithm,
  cipherValue: bytes(length, fill),
});

/** A schema-shaped ds:Signature (values are not a real signature). */
export const SIGNATURE =
  '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>' +
  '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>' +
  '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>' +
  '<ds:Reference URI="#keys"><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>' +
  '<ds:DigestValue>AAAA</ds:DigestValue></ds:Reference></ds:SignedInfo>' +
  '<ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature>';

/** A vendor element, as an extension where the schema has a wildcard. */
export const VENDOR_ELEMENT = '<v:Extra xmlns:v="urn:example:vendor" level="2">kept &amp; echoed</v:Extra>';

/** Every CPIX 2.3 (and 2.0) field, filled. */
export function fullDocument23(): CpixDocument {
  return {
    id: 'doc-1',
    contentId: 'content/1',
    name: 'Every 2.3 field',
    version: '2.3',
    deliveryDataList: {
      id: 'delivery',
      updateVersion: 1,
      deliveryData: [
        {
          id: 'recipient-1',
          name: 'packager',
          deliveryKey: { x509Certificates: [bytes(40, 1)] },
          documentKeys: [{ algorithm: AES256_CBC, data: { secret: { encryptedValue: encrypted(256, 2, RSA_OAEP) } } }],
          macMethod: { algorithm: HMAC_SHA512, key: encrypted(96, 3) },
          description: 'keys for <packager> & friends',
          sendingEntity: 'cpixkit',
          senderPointOfContact: 'ops@example.com',
          receivingEntity: 'packager',
        },
      ],
    },
    contentKeyList: {
      id: 'keys',
      contentKeys: [
        {
          id: 'key-1',
          kid: '98ee5596-cd3e-a20d-163a-e382420c6eff',
          explicitIV: bytes(16, 4),
          commonEncryptionScheme: 'cbcs',
          data: { secret: { encryptedValue: encrypted(48, 5), valueMac: bytes(64, 6) } },
        },
        {
          kid: '53ABDBA2-F210-43CB-BC90-F18F9A890A02',
          commonEncryptionScheme: 'cenc',
          dependsOnKey: '98ee5596-cd3e-a20d-163a-e382420c6eff',
          issuer: 'cpixkit',
          keyProfileId: 'profile',
          keyReference: 'ref',
          friendlyName: 'audio key',
          data: { secret: { plainValue: bytes(16, 7) }, extensions: [VENDOR_ELEMENT] },
          userId: 'user',
        },
        { kid: 'af1ed63c-5784-460b-9e51-309dd47b7d9c' },
      ],
    },
    drmSystemList: {
      drmSystems: [
        {
          id: 'wv-1',
          systemId: 'EDEF8BA9-79D6-4ACE-A3C8-27DCD51D21ED',
          kid: '98ee5596-cd3e-a20d-163a-e382420c6eff',
          name: 'Widevine',
          pssh: bytes(56, 8),
          contentProtectionData: { value: bytes(100, 9) },
          hlsSignalingData: [
            { playlist: 'media', value: bytes(30, 10) },
            { playlist: 'master', value: bytes(31, 11) },
          ],
          extensions: [VENDOR_ELEMENT],
        },
        {
          systemId: '9a04f079-9840-4286-ab92-e65be0885f95',
          kid: '98ee5596-cd3e-a20d-163a-e382420c6eff',
          pssh: bytes(120, 12),
          smoothStreamingProtectionHeaderData: 'PFdSTUhFQURFUj4=',
          speke: { protectionHeader: bytes(90, 13) },
        },
        {
          systemId: '94ce86fb-07ff-4f43-adb8-93d2fa968ca2',
          kid: '98ee5596-cd3e-a20d-163a-e382420c6eff',
          uriExtXKey: bytes(20, 14),
          hdsSignalingData: bytes(10, 15),
          speke: { keyFormat: bytes(8, 16), keyFormatVersions: bytes(1, 17) },
        },
      ],
    },
    contentKeyPeriodList: {
      contentKeyPeriods: [
        { id: 'period-1', index: 1, start: '2026-01-01T00:00:00Z', end: '2026-01-01T01:00:00Z' },
        { id: 'period-2', index: 2 },
      ],
    },
    contentKeyUsageRuleList: {
      contentKeyUsageRules: [
        {
          id: 'rule-1',
          kid: '98ee5596-cd3e-a20d-163a-e382420c6eff',
          intendedTrackType: 'UHD',
          keyPeriodFilters: [{ periodId: 'period-1' }],
          labelFilters: [{ label: 'main' }],
          videoFilters: [{ minPixels: 921_601, maxPixels: 8_294_400, hdr: true, wcg: false, minFps: 30, maxFps: 60 }],
          bitrateFilters: [{ minBitrate: 1_000_000, maxBitrate: 20_000_000 }],
          extensions: [VENDOR_ELEMENT],
        },
        {
          kid: '53ABDBA2-F210-43CB-BC90-F18F9A890A02',
          intendedTrackType: 'AUDIO',
          audioFilters: [{ minChannels: 1, maxChannels: 2 }],
        },
      ],
    },
    updateHistoryItemList: {
      updateHistoryItems: [
        { id: 'update-1', updateVersion: 1, index: 'keys', source: 'cpixkit', date: '2026-01-01T00:00:00Z' },
      ],
    },
    signatures: [SIGNATURE],
  };
}

/** Every CPIX 2.4 field, filled. */
export function fullDocument24(): CpixDocument {
  const document = fullDocument23();
  document.version = '2.4';
  const recipient = document.deliveryDataList!.deliveryData[0]!;
  recipient.documentKeys = [
    {
      id: 'dk-1',
      encryptsKey: '98ee5596-cd3e-a20d-163a-e382420c6eff',
      data: { secret: { encryptedValue: encrypted(256, 2, RSA_OAEP) } },
    },
    {
      encryptsKey: '53ABDBA2-F210-43CB-BC90-F18F9A890A02',
      data: { secret: { encryptedValue: encrypted(256, 3, RSA_OAEP) } },
    },
  ];
  const [first, second, third] = document.contentKeyList!.contentKeys;
  document.contentKeyList!.contentKeys = [
    {
      ...first!,
      contentId: 'content/1/video',
      hdcpData: { hlsHdcpLevel: 'TYPE-1', hdcpOutputProtectionData: bytes(4, 18) },
    },
    {
      kid: second!.kid,
      commonEncryptionScheme: 'cenc',
      dependsOnKey: second!.dependsOnKey,
      contentId: 'content/1/audio',
      data: { secret: { plainValue: bytes(16, 7) } },
    },
    third!,
  ];
  const [widevine, playReady, fairPlay] = document.drmSystemList!.drmSystems;
  widevine!.contentProtectionData = { value: bytes(100, 9), robustness: 'HW_SECURE_ALL' };
  widevine!.hlsSignalingData = [
    { playlist: 'media', value: bytes(30, 10), allowedCpc: 'com.widevine.alpha:L1' },
    { playlist: 'multiVariant', value: bytes(31, 11) },
  ];
  widevine!.hlsAllowedCpc = 'com.widevine.alpha:L1';
  document.drmSystemList!.drmSystems = [
    widevine!,
    playReady!,
    { systemId: fairPlay!.systemId, kid: fairPlay!.kid, speke: fairPlay!.speke },
  ];
  document.contentKeyPeriodList!.contentKeyPeriods[1] = {
    id: 'period-2',
    index: 2,
    label: 'second',
    startOffset: 'PT1H',
    endOffset: 'PT2H',
    duration: 'PT1H',
  };
  return document;
}
