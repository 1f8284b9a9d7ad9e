import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { KEYS, makeCertificates, responseDocument } from './cpix-fixtures.js';
import { cpixkit, cpixkitJson, tempDir } from './run.js';

const dir = tempDir();
const response = join(dir, 'response.cpix');
writeFileSync(response, responseDocument());
const keyHex = (b64: string): string => Buffer.from(b64, 'base64').toString('hex');

describe('cpixkit cpix validate', () => {
  it('passes a valid 2.3 response: schema and meaning', () => {
    const run = cpixkit(['cpix', 'validate', response]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${response}: valid (CPIX 2.3 schema): 0 errors, 0 warnings\n`);
  });

  it('lists every problem, schema and semantic, and exits 2', () => {
    const broken = responseDocument()
      // an unknown key referenced by a DRM system and a usage rule, a duplicate KID, children out of order
      .replace(`<cpix:DRMSystem kid="${KEYS[1].kid}"`, '<cpix:DRMSystem kid="00000000-0000-0000-0000-000000000001"')
      .replace(
        `<cpix:ContentKeyUsageRule kid="${KEYS[1].kid}"`,
        '<cpix:ContentKeyUsageRule kid="00000000-0000-0000-0000-000000000002"',
      )
      .replace(`<cpix:ContentKey kid="${KEYS[1].kid}"`, `<cpix:ContentKey kid="${KEYS[0].kid}"`)
      .replace(
        /(<cpix:ContentKeyPeriodList>[\s\S]*?<\/cpix:ContentKeyPeriodList>)\s*(<cpix:ContentKeyUsageRuleList>[\s\S]*?<\/cpix:ContentKeyUsageRuleList>)/,
        '$2\n  $1',
      );
    const path = join(dir, 'broken.cpix');
    writeFileSync(path, broken);
    const run = cpixkit(['cpix', 'validate', path, '--json']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/ERR_CLI_INVALID_DOCUMENT: \d+ errors in the document/);
    const result = JSON.parse(run.stdout) as {
      valid: boolean;
      problems: Array<{ source: string; code: string; severity: string }>;
    };
    expect(result.valid).toBe(false);
    const found = result.problems.map((p) => `${p.source}:${p.code}:${p.severity}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'schema:XSD:error',
        'reading:CHILD_ORDER:warning',
        'semantic:DUPLICATE_KID:error',
        'semantic:UNKNOWN_KEY:error',
      ]),
    );

    const human = cpixkit(['cpix', 'validate', path]);
    expect(human.status).toBe(2);
    expect(human.stdout.split('\n')[0]).toMatch(/: invalid \(CPIX 2.3 schema\): \d+ errors, \d+ warnings?$/);
    expect(human.stdout).toMatch(/^error {4}DUPLICATE_KID {2}\/CPIX\/ContentKeyList\/ContentKey\[2\]/m);
    expect(human.stdout).toMatch(/^error {4}XSD {2}line \d+: /m);
  });

  it('reports malformed XML and DTDs as errors, and --strict turns warnings into errors', () => {
    const malformed = cpixkit(['cpix', 'validate', '-', '--json'], {
      input: '<cpix:CPIX xmlns:cpix="urn:dashif:org:cpix"><unclosed>',
    });
    expect(malformed.status).toBe(2);
    expect(JSON.parse(malformed.stdout)).toMatchObject({
      valid: false,
      schemaVersion: null,
      problems: [{ source: 'xml', severity: 'error' }],
    });
    const dtd = cpixkit(['cpix', 'validate', '-'], {
      input: '<!DOCTYPE x [<!ENTITY a "b">]><cpix:CPIX xmlns:cpix="urn:dashif:org:cpix"/>',
    });
    expect(dtd.status).toBe(2);
    expect(dtd.stdout).toContain('ERR_CPIX_DTD_FORBIDDEN');

    const outOfOrder = responseDocument().replace(
      /(<cpix:ContentKeyPeriodList>[\s\S]*?<\/cpix:ContentKeyPeriodList>)\s*(<cpix:ContentKeyUsageRuleList>[\s\S]*?<\/cpix:ContentKeyUsageRuleList>)/,
      '$2\n  $1',
    );
    const lenient = cpixkitJson<{ problems: Array<{ code: string; severity: string }> }>(
      ['cpix', 'validate', '-', '--no-xsd', '--json'],
      { input: outOfOrder },
    );
    expect(lenient.problems).toEqual([expect.objectContaining({ code: 'CHILD_ORDER', severity: 'warning' })]);
    expect(cpixkit(['cpix', 'validate', '-', '--no-xsd', '--strict'], { input: outOfOrder }).status).toBe(2);
  });

  it('reports a content id that is not an XML name in CPIX@id as a dialect warning, not a schema error', () => {
    for (const id of ['42', '123-channel']) {
      const echoed = responseDocument().replace(/<cpix:CPIX /, `<cpix:CPIX id="${id}" `);
      const run = cpixkit(['cpix', 'validate', '-', '--json'], { input: echoed });
      expect(run.status).toBe(0);
      const result = JSON.parse(run.stdout) as {
        valid: boolean;
        problems: Array<{ source: string; code: string; severity: string }>;
      };
      expect(result.valid).toBe(true);
      expect(result.problems).toEqual([
        expect.objectContaining({ source: 'dialect', code: 'ID_NOT_NCNAME', severity: 'warning' }),
      ]);
      expect(cpixkit(['cpix', 'validate', '-', '--strict'], { input: echoed }).status).toBe(2);
    }
  });

  it('checks a 2.4 document against the 2.4 schema', () => {
    const v24 = responseDocument().replace('version="2.3"', 'version="2.4"');
    const run = cpixkit(['cpix', 'validate', '-', '--json'], { input: v24 });
    expect(run.status).toBe(2);
    const result = JSON.parse(run.stdout) as {
      schemaVersion: string;
      problems: Array<{ source: string; message: string }>;
    };
    expect(result.schemaVersion).toBe('2.4');
    // 2.4 renamed playlist="master" to "multiVariant": one error per master HLSSignalingData of the fixture.
    expect(result.problems.filter((p) => p.source === 'schema').map((p) => p.message)).toEqual([
      expect.stringMatching(/attribute 'playlist': .*'master' is not an element of the set/),
      expect.stringMatching(/attribute 'playlist': .*'master' is not an element of the set/),
    ]);
  });

  it('exits 2 on a missing file', () => {
    const run = cpixkit(['cpix', 'validate', join(dir, 'missing.cpix')]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/ERR_CLI_READ_FAILED/);
  });
});

describe('cpixkit cpix inspect', () => {
  it('summarises keys, DRM systems, periods and usage rules, keys hidden', () => {
    const run = cpixkit(['cpix', 'inspect', response]);
    expect(run.status).toBe(0);
    const out = run.stdout;
    expect(out).toContain('CPIX 2.3  ·  contentId movie-1\n');
    expect(out).toMatch(new RegExp(`${KEYS[0].kid}\\s+-\\s+${keyHex(KEYS[0].ivB64)}\\s+\\*\\*\\*\\*\\n`));
    expect(out).toMatch(
      new RegExp(`${KEYS[0].kid}\\s+Widevine\\s+PSSH, ContentProtectionData, HLS media, HLS master\\n`),
    );
    expect(out).toMatch(new RegExp(`${KEYS[0].kid}\\s+PlayReady\\s+PSSH, ContentProtectionData, SmoothStreaming\\n`));
    expect(out).toMatch(
      /Usage rules \(2\)\n\s+KID\s+TRACK TYPE\s+PERIODS\s+LABELS\s+VIDEO\s+AUDIO\s+BITRATE\s+OTHER\n/,
    );
    expect(out).toMatch(
      new RegExp(`${KEYS[0].kid}\\s+SD\\+HD\\s+period-1\\s+-\\s+pixels \\.\\.2073600\\s+-\\s+-\\s+-\\n`),
    );
    expect(out).toMatch(new RegExp(`${KEYS[1].kid}\\s+AUDIO\\s+period-1\\s+-\\s+-\\s+any\\s+-\\s+-\\n`));
    for (const key of KEYS) {
      expect(out).not.toContain(keyHex(key.keyB64));
      expect(out).not.toContain(key.keyB64);
    }
  });

  it('prints JSON, with the keys only when --show-keys', () => {
    const hidden = cpixkitJson<{
      contentKeys: Array<{ key: unknown }>;
      drmSystems: Array<{ hls: Array<{ line: string }> }>;
    }>(['cpix', 'inspect', response, '--json']);
    expect(hidden.contentKeys[0]!.key).toEqual({ state: 'plain', hex: '****', base64: '****' });
    expect(hidden.drmSystems[0]!.hls[0]!.line).toMatch(/^#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd:\/\//);
    const shown = cpixkitJson<{ contentKeys: Array<{ key: unknown }> }>([
      'cpix',
      'inspect',
      response,
      '--json',
      '--show-keys',
    ]);
    expect(shown.contentKeys[0]!.key).toEqual({ state: 'plain', hex: keyHex(KEYS[0].keyB64), base64: KEYS[0].keyB64 });
  });
});

let certs: ReturnType<typeof makeCertificates>;
beforeAll(() => {
  certs = makeCertificates(dir);
}, 120_000);

describe('cpixkit cpix encrypt and decrypt', () => {
  it('encrypts for a recipient, and decrypts with its PEM key or its PKCS#12 file', () => {
    const encrypted = cpixkit(['cpix', 'encrypt', response, '--recipient', certs.recipientCert]);
    expect(encrypted.stderr).toBe('');
    expect(encrypted.status).toBe(0);
    for (const key of KEYS) expect(encrypted.stdout).not.toContain(key.keyB64);
    expect(encrypted.stdout).toContain('EncryptedValue');
    const path = join(dir, 'encrypted.cpix');
    writeFileSync(path, encrypted.stdout);

    const summary = cpixkitJson<{
      contentKeys: Array<{ key: { state: string } }>;
      recipients: Array<{ encrypted: boolean }>;
    }>(['cpix', 'inspect', path, '--json']);
    expect(summary.contentKeys.map((key) => key.key.state)).toEqual(['encrypted', 'encrypted']);
    expect(summary.recipients).toEqual([expect.objectContaining({ encrypted: true })]);

    const decrypted = cpixkitJson<{ contentKeys: Array<{ key: unknown }> }>([
      'cpix',
      'decrypt',
      path,
      '--private-key',
      certs.recipientKey,
      '--json',
      '--show-keys',
    ]);
    expect(decrypted.contentKeys.map((key) => key.key)).toEqual(
      KEYS.map((key) => ({ state: 'plain', hex: keyHex(key.keyB64), base64: key.keyB64 })),
    );

    const hidden = cpixkit([
      'cpix',
      'decrypt',
      path,
      '--pkcs12',
      certs.recipientP12,
      '--password',
      `@${join(dir, 'p12-password.txt')}`,
    ]);
    expect(hidden.status).toBe(0);
    expect(hidden.stdout).toMatch(new RegExp(`${KEYS[0].kid}\\s+-\\s+\\S+\\s+\\*\\*\\*\\*`));
    expect(hidden.stdout).not.toContain(keyHex(KEYS[0].keyB64));

    const out = join(dir, 'clear.cpix');
    expect(cpixkit(['cpix', 'decrypt', path, '--private-key', certs.recipientKey, '--out', out]).status).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain(`<pskc:PlainValue>${KEYS[0].keyB64}</pskc:PlainValue>`);
    expect(cpixkit(['cpix', 'validate', out]).status).toBe(0);

    const xmlWithoutShow = cpixkit(['cpix', 'decrypt', path, '--private-key', certs.recipientKey, '--xml']);
    expect(xmlWithoutShow.status).toBe(1);
    expect(xmlWithoutShow.stdout).toBe('');
    const xml = cpixkit(['cpix', 'decrypt', path, '--private-key', certs.recipientKey, '--xml', '--show-keys']);
    expect(xml.stdout).toContain(`<pskc:PlainValue>${KEYS[1].keyB64}</pskc:PlainValue>`);
  });

  it('exits 2 with the wrong key or password, and 1 without a key', () => {
    const path = join(dir, 'encrypted-2.cpix');
    writeFileSync(path, cpixkit(['cpix', 'encrypt', response, '--recipient', certs.recipientCert]).stdout);
    const wrongKey = cpixkit(['cpix', 'decrypt', path, '--private-key', certs.signerKey]);
    expect(wrongKey.status).toBe(2);
    expect(wrongKey.stderr).toMatch(/ERR_CPIX_WRONG_PRIVATE_KEY/);
    const wrongPassword = cpixkit(
      ['cpix', 'decrypt', path, '--pkcs12', certs.recipientP12, '--password', 'env:WRONG'],
      { env: { WRONG: 'nope' } },
    );
    expect(wrongPassword.status).toBe(2);
    expect(wrongPassword.stderr).toMatch(/ERR_CPIX_PRIVATE_KEY_INVALID/);
    expect(wrongPassword.stderr).not.toContain('nope');
    expect(cpixkit(['cpix', 'decrypt', path]).status).toBe(1);
  });
});

describe('cpixkit cpix sign and verify', () => {
  it('signs the document or one list, and verifies it against the embedded and the expected certificate', () => {
    const signed = join(dir, 'signed.cpix');
    expect(
      cpixkit(['cpix', 'sign', response, '--private-key', certs.signerKey, '--cert', certs.signerCert, '--out', signed])
        .status,
    ).toBe(0);
    const result = cpixkitJson<{ valid: boolean; signatures: Array<Record<string, unknown>> }>([
      'cpix',
      'verify',
      signed,
      '--cert',
      certs.signerCert,
      '--json',
    ]);
    expect(result.valid).toBe(true);
    expect(result.signatures).toEqual([
      expect.objectContaining({
        target: 'document',
        covers: ['/CPIX'],
        valid: true,
        signer: expect.objectContaining({ subject: 'CN=cpixkit cli test signer' }),
      }),
    ]);
    const human = cpixkit(['cpix', 'verify', signed]);
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(
      /^RESULT\s+TARGET\s+SIGNER\s+FINGERPRINT \/ REASON\nvalid\s+document\s+CN=cpixkit cli test signer\s+[0-9A-F:]{95}\n$/,
    );

    const listSigned = join(dir, 'list-signed.cpix');
    const run = cpixkit([
      'cpix',
      'sign',
      signed,
      '--pkcs12',
      certs.recipientP12,
      '--password',
      'p12-secret',
      '--cert',
      certs.recipientCert,
      '--target',
      'ContentKeyList',
      '--digest',
      'sha512',
      '--out',
      listSigned,
    ]);
    expect(run.stderr).toBe('');
    // The list signature changes the document (an id on the list, a second Signature): the first one breaks.
    const verified = cpixkit(['cpix', 'verify', listSigned, '--json']);
    expect(verified.status).toBe(2);
    const both = JSON.parse(verified.stdout) as { signatures: Array<{ target: string; valid: boolean }> };
    expect(both.signatures.map((s) => [s.target, s.valid])).toEqual([
      ['document', false],
      ['ContentKeyList', true],
    ]);
  });

  it('exits 2 when the content changed, the signer is another, or there is no signature', () => {
    const signed = join(dir, 'signed-2.cpix');
    cpixkit(['cpix', 'sign', response, '--private-key', certs.signerKey, '--cert', certs.signerCert, '--out', signed]);
    const tampered = join(dir, 'tampered.cpix');
    writeFileSync(tampered, readFileSync(signed, 'utf8').replace('contentId="movie-1"', 'contentId="movie-2"'));
    const changed = cpixkit(['cpix', 'verify', tampered, '--json']);
    expect(changed.status).toBe(2);
    expect(JSON.parse(changed.stdout)).toMatchObject({
      valid: false,
      signatures: [{ valid: false, code: 'ERR_CPIX_SIGNATURE_DIGEST_MISMATCH' }],
    });
    const other = cpixkit(['cpix', 'verify', signed, '--cert', certs.otherCert]);
    expect(other.status).toBe(2);
    expect(other.stdout).toContain('signed by another certificate than --cert');
    const none = cpixkit(['cpix', 'verify', response]);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/ERR_CLI_SIGNATURE_INVALID: the document carries no signature/);
  });

  it('prints a signed document holding clear keys only with --show-keys', () => {
    const hidden = cpixkit(['cpix', 'sign', response, '--private-key', certs.signerKey, '--cert', certs.signerCert]);
    expect(hidden.status).toBe(1);
    expect(hidden.stdout).toBe('');
    const shown = cpixkit([
      'cpix',
      'sign',
      response,
      '--private-key',
      certs.signerKey,
      '--cert',
      certs.signerCert,
      '--show-keys',
    ]);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toContain('<ds:Signature');
    expect(cpixkit(['cpix', 'sign', response, '--private-key', certs.signerKey]).status).toBe(1);
  });
});
