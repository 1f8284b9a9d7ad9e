import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificates } from './cpix-fixtures.js';
import { BIN, cpixkit, cpixkitJson, tempDir } from './run.js';

const TOKEN = 'cpx_cli_test_token_0123456789abcdef';
const dir = tempDir();
let server: ChildProcess;
let origin = '';
let banner = '';

beforeAll(async () => {
  server = spawn(
    process.execPath,
    [BIN, 'serve', '--port', '0', '--log-level', 'warn', '--data-dir', join(dir, 'data')],
    {
      env: { ...process.env, CPIXKIT_DEV_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  origin = await new Promise<string>((resolve, reject) => {
    server.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    server.stdout!.on('data', (chunk: Buffer) => {
      banner += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+)/.exec(banner);
      if (match && banner.includes('\ntenants:')) resolve(match[1]!);
    });
  });
}, 60_000);

afterAll(() => {
  server.kill('SIGTERM');
});

interface RequestJson {
  dialect: string;
  contentId: string;
  keys: Array<{
    kid: { uuid: string };
    key: { hex: string; base64: string };
    trackType?: string;
    drm: Array<{ name: string }>;
  }>;
}

describe('cpixkit serve', () => {
  it('prints its endpoints, and not the development token it was given', () => {
    expect(banner).toContain(`SPEKE v2        POST ${origin}/speke/v2.0/copyProtection`);
    expect(banner).not.toContain(TOKEN);
    expect(readFileSync(join(dir, 'data', 'tenants.json'), 'utf8')).not.toContain(TOKEN);
  });
});

describe('cpixkit request', () => {
  const speke = (...extra: string[]): string[] => [
    'request',
    '--url',
    `${origin}/speke/v2.0/copyProtection`,
    '--token',
    'env:TEST_TOKEN',
    '--content-id',
    'movie-1',
    ...extra,
  ];
  const env = { TEST_TOKEN: TOKEN };

  it('asks a SPEKE v2 server for one key per track type, keys hidden', () => {
    const json = cpixkitJson<RequestJson>(
      speke('--drm', 'widevine,playready,fairplay', '--scheme', 'cbcs', '--track-types', 'SD,HD,AUDIO', '--json'),
      { env },
    );
    expect(json.dialect).toBe('speke-v2');
    expect(json.keys.map((key) => key.trackType)).toEqual(['SD', 'HD', 'AUDIO']);
    for (const key of json.keys) {
      expect(key.key).toEqual({ hex: '****', base64: '****' });
      expect(key.drm.map((drm) => drm.name)).toEqual(['Widevine', 'PlayReady', 'FairPlay']);
    }
    const human = cpixkit(speke('--drm', 'widevine', '--track-types', 'SD,HD'), { env });
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/^content movie-1 {2}· {2}dialect speke-v2 {2}· {2}SPEKE 2\.0/);
    expect(human.stdout).toMatch(/KID\s+TRACK TYPE\s+PERIOD\s+KEY\s+IV\s+DRM\n[0-9a-f-]{36}\s+SD\s+-\s+\*\*\*\*/);
  });

  it('gets the same key for the same KID (key seed), shown with --show-keys, and saves the answer with --out', () => {
    const kid = '11223344-5566-7788-99aa-bbccddeeff00';
    const out = join(dir, 'answer.cpix');
    const first = cpixkitJson<RequestJson>(
      speke('--drm', 'widevine', '--kid', kid, '--show-keys', '--json', '--out', out),
      { env },
    );
    const second = cpixkitJson<RequestJson>(speke('--drm', 'widevine', '--kid', kid, '--show-keys', '--json'), { env });
    expect(first.keys[0]!.kid.uuid).toBe(kid);
    expect(first.keys[0]!.key.hex).toMatch(/^[0-9a-f]{32}$/);
    expect(second.keys[0]!.key).toEqual(first.keys[0]!.key);

    expect(cpixkit(['cpix', 'validate', out]).status).toBe(0);
    const args = cpixkitJson<{ args: string[] }>([
      'packager-args',
      '--for',
      'shaka-packager',
      out,
      '--show-keys',
      '--json',
    ]);
    expect(args.args[2]).toContain(`key_id=${kid.replace(/-/g, '')}:key=${first.keys[0]!.key.hex}`);
  });

  it("prints PallyCon's client JSON for the PallyCon dialect", () => {
    const json = cpixkitJson<{ content_id: string; content_key_list: Array<Record<string, unknown>> }>([
      'request',
      '--dialect',
      'pallycon-v2',
      '--url',
      `${origin}/v2/cpix/pallycon/getKey/`,
      '--token',
      TOKEN,
      '--content-id',
      'movie-2',
      '--drm',
      'widevine,playready',
      '--format',
      'pallycon',
    ]);
    expect(json.content_id).toBe('movie-2');
    expect(json.content_key_list[0]).toMatchObject({
      key_hex: '****',
      key_b64: '****',
      key_id_hex: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
  });

  it('exits 3 when the server refuses or cannot be reached, never echoing the token', () => {
    const refused = cpixkit(speke('--drm', 'widevine'), { env: { TEST_TOKEN: 'cpx_wrong_token_0000000000000000' } });
    expect(refused.status).toBe(3);
    expect(refused.stderr).toMatch(/ERR_CLIENT_HTTP_STATUS: .*401/);
    expect(refused.stderr).not.toContain('cpx_wrong_token');
    const unreachable = cpixkit([
      'request',
      '--url',
      'http://127.0.0.1:1/speke',
      '--content-id',
      'x',
      '--drm',
      'widevine',
      '--timeout',
      '2000',
    ]);
    expect(unreachable.status).toBe(3);
    expect(unreachable.stderr).toMatch(/ERR_CLIENT_NETWORK/);
  });

  it('--recipient-cert sends the DER certificate (openssl reads it back) and gets the keys encrypted for it', async () => {
    const certs = makeCertificates(dir);
    const openssl = (...args: string[]): Buffer =>
      execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] });
    // What the CLI sends, caught by a server that answers nothing useful.
    const bodies: string[] = [];
    const catcher = createServer((incoming, response) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        response.writeHead(400).end();
      });
    });
    await new Promise<void>((resolve) => catcher.listen(0, '127.0.0.1', resolve));
    const { port } = catcher.address() as AddressInfo;
    await new Promise<void>((resolve) => {
      execFile(
        process.execPath,
        [
          BIN,
          'request',
          '--url',
          `http://127.0.0.1:${port}/`,
          '--content-id',
          'c',
          '--drm',
          'widevine',
          '--recipient-cert',
          certs.recipientCert,
        ],
        () => resolve(),
      );
    });
    await new Promise<void>((resolve) => catcher.close(() => resolve()));
    const text = /<ds:X509Certificate>([^<]*)<\/ds:X509Certificate>/.exec(bodies[0]!)![1]!.replace(/\s+/g, '');
    writeFileSync(
      join(dir, 'sent.pem'),
      `-----BEGIN CERTIFICATE-----\n${text.replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`,
    );
    expect(openssl('x509', '-in', 'sent.pem', '-noout', '-subject').toString()).toBe(
      openssl('x509', '-in', certs.recipientCert, '-noout', '-subject').toString(),
    );
    expect(Buffer.from(text, 'base64')).toEqual(openssl('x509', '-in', certs.recipientCert, '-outform', 'DER'));

    // The real key server encrypts for it; the private key opens the same key the plain request gets.
    const kid = '0f0e0d0c-0b0a-0908-0706-050403020100';
    const plain = cpixkitJson<RequestJson>(speke('--drm', 'widevine', '--kid', kid, '--show-keys', '--json'), { env });
    const encrypted = cpixkitJson<RequestJson>(
      speke(
        '--drm',
        'widevine',
        '--kid',
        kid,
        '--recipient-cert',
        certs.recipientCert,
        '--private-key',
        certs.recipientKey,
        '--show-keys',
        '--json',
      ),
      { env },
    );
    expect(encrypted.keys[0]!.key).toEqual(plain.keys[0]!.key);
    const locked = cpixkit(speke('--drm', 'widevine', '--kid', kid, '--recipient-cert', certs.recipientCert), { env });
    expect(locked.status).toBe(2);
    expect(locked.stderr).toMatch(/ERR_CLIENT_ENCRYPTED_RESPONSE/);
    const notACertificate = cpixkit(speke('--drm', 'widevine', '--recipient-cert', certs.recipientKey), { env });
    expect(notACertificate.status).toBe(1);
    expect(notACertificate.stderr).toMatch(/ERR_CLIENT_INVALID_OPTION: recipientCertificate/);
  }, 120_000);

  it('exits 1 on a missing option', () => {
    expect(cpixkit(['request', '--content-id', 'x', '--drm', 'widevine']).status).toBe(1);
    expect(cpixkit(['request', '--url', 'http://127.0.0.1:1/', '--content-id', 'x']).status).toBe(1);
    expect(
      cpixkit([
        'request',
        '--url',
        'http://127.0.0.1:1/',
        '--content-id',
        'x',
        '--drm',
        'widevine',
        '--token',
        'a',
        '--sigv4',
      ]).status,
    ).toBe(1);
  });
});
