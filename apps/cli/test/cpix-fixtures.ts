import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { vectorCase } from '../../../tooling/src/fixtures.js';

const wv98 = vectorCase('axinom_speke2_widevine_signalling_98ee', 'widevine_pssh').expected;
const fp98 = vectorCase('axinom_speke2_fairplay_hls_98ee', 'hls_line');
const pr98 = vectorCase('axinom_speke2_playready_content_protection_data_98ee5596', 'cpix_content_protection_data');
const pr53 = vectorCase('axinom_speke2_playready_content_protection_data_53abdba2', 'cpix_content_protection_data');

/** The two keys of Axinom's SPEKE 2.0 sample (the seed), as the fixture documents carry them. */
export const KEYS = [
  { kid: String(pr98.inputs.kid), keyB64: String(pr98.inputs.key_b64), ivB64: String(fp98.inputs.explicit_iv_b64) },
  { kid: String(pr53.inputs.kid), keyB64: String(pr53.inputs.key_b64), ivB64: 'L6jzdXrXAFbCJGBuMrrKrA==' },
] as const;

/**
 * A CPIX 2.3 response as a SPEKE v2 key server writes it (Axinom's sample values from the vectors):
 * keys in clear, FairPlay HLS lines, Widevine and PlayReady PSSH/ContentProtectionData, usage rules
 * and a key period. Valid against the 2.3 schema.
 */
export function responseDocument(): string {
  const [k98, k53] = KEYS;
  return `<?xml version="1.0" encoding="UTF-8"?>
<cpix:CPIX xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc" contentId="movie-1" version="2.3">
  <cpix:ContentKeyList>
    <cpix:ContentKey kid="${k98.kid}" explicitIV="${k98.ivB64}">
      <cpix:Data><pskc:Secret><pskc:PlainValue>${k98.keyB64}</pskc:PlainValue></pskc:Secret></cpix:Data>
    </cpix:ContentKey>
    <cpix:ContentKey kid="${k53.kid}" explicitIV="${k53.ivB64}">
      <cpix:Data><pskc:Secret><pskc:PlainValue>${k53.keyB64}</pskc:PlainValue></pskc:Secret></cpix:Data>
    </cpix:ContentKey>
  </cpix:ContentKeyList>
  <cpix:DRMSystemList>
    <cpix:DRMSystem kid="${k98.kid}" systemId="94ce86fb-07ff-4f43-adb8-93d2fa968ca2">
      <cpix:HLSSignalingData playlist="media">${String(fp98.expected.hls_media_b64)}</cpix:HLSSignalingData>
      <cpix:HLSSignalingData playlist="master">${String(fp98.expected.hls_master_b64)}</cpix:HLSSignalingData>
    </cpix:DRMSystem>
    <cpix:DRMSystem kid="${k98.kid}" systemId="edef8ba9-79d6-4ace-a3c8-27dcd51d21ed">
      <cpix:PSSH>${String(wv98.pssh_b64)}</cpix:PSSH>
      <cpix:ContentProtectionData>${String(wv98.content_protection_data_b64)}</cpix:ContentProtectionData>
      <cpix:HLSSignalingData playlist="media">${String(wv98.hls_media_b64)}</cpix:HLSSignalingData>
      <cpix:HLSSignalingData playlist="master">${String(wv98.hls_master_b64)}</cpix:HLSSignalingData>
    </cpix:DRMSystem>
    <cpix:DRMSystem kid="${k98.kid}" systemId="9a04f079-9840-4286-ab92-e65be0885f95">
      <cpix:PSSH>${String(pr98.expected.pssh_b64)}</cpix:PSSH>
      <cpix:ContentProtectionData>${String(pr98.expected.content_protection_data_b64)}</cpix:ContentProtectionData>
      <cpix:SmoothStreamingProtectionHeaderData>${String(pr98.expected.pro_b64)}</cpix:SmoothStreamingProtectionHeaderData>
    </cpix:DRMSystem>
    <cpix:DRMSystem kid="${k53.kid}" systemId="9a04f079-9840-4286-ab92-e65be0885f95">
      <cpix:PSSH>${String(pr53.expected.pssh_b64)}</cpix:PSSH>
    </cpix:DRMSystem>
  </cpix:DRMSystemList>
  <cpix:ContentKeyPeriodList>
    <cpix:ContentKeyPeriod id="period-1" index="1"/>
  </cpix:ContentKeyPeriodList>
  <cpix:ContentKeyUsageRuleList>
    <cpix:ContentKeyUsageRule kid="${k98.kid}" intendedTrackType="SD+HD">
      <cpix:KeyPeriodFilter periodId="period-1"/>
      <cpix:VideoFilter maxPixels="2073600"/>
    </cpix:ContentKeyUsageRule>
    <cpix:ContentKeyUsageRule kid="${k53.kid}" intendedTrackType="AUDIO">
      <cpix:KeyPeriodFilter periodId="period-1"/>
      <cpix:AudioFilter/>
    </cpix:ContentKeyUsageRule>
  </cpix:ContentKeyUsageRuleList>
</cpix:CPIX>
`;
}

/** Throw-away RSA keys and certificates, made with openssl into `dir`: recipient (3072), PKCS#12 of it, signer, other. */
export function makeCertificates(dir: string): {
  recipientKey: string;
  recipientCert: string;
  recipientP12: string;
  signerKey: string;
  signerCert: string;
  otherCert: string;
} {
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  };
  for (const name of ['recipient', 'signer', 'other']) {
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:3072',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      '-subj',
      `/CN=cpixkit cli test ${name}`,
      '-sha256',
    );
  }
  openssl(
    'pkcs12',
    '-export',
    '-inkey',
    'recipient.key',
    '-in',
    'recipient.pem',
    '-out',
    'recipient.p12',
    '-passout',
    'pass:p12-secret',
  );
  writeFileSync(join(dir, 'p12-password.txt'), 'p12-secret\n');
  return {
    recipientKey: join(dir, 'recipient.key'),
    recipientCert: join(dir, 'recipient.pem'),
    recipientP12: join(dir, 'recipient.p12'),
    signerKey: join(dir, 'signer.key'),
    signerCert: join(dir, 'signer.pem'),
    otherCert: join(dir, 'other.pem'),
  };
}
