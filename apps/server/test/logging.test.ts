import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { keysOf, testApp, testTenant, SPEKE_V2_REQUEST } from './helpers.js';
import { seedDocument } from '../../../tooling/src/fixtures.js';

/** Every form a secret could take in a log line. */
function forms(value: string | Buffer): string[] {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'base64') : value;
  return [
    bytes.toString('base64'),
    bytes.toString('base64url'),
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
  ];
}

it('logs route patterns and outcomes, never keys, seeds, secrets or tokens', async () => {
  const lines: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  // The AWS live sample gives one key FairPlay and HLS AES-128.
  const acme = testTenant('acme', { settings: { aes128: { allowDrmKeys: true } } });
  const app = testApp([acme], { logStream });
  const token = acme.token;
  const basic = `Basic ${Buffer.from(`acme:${token}`).toString('base64')}`;
  const answers: string[] = [];
  const requests = [
    {
      method: 'POST' as const,
      url: '/speke/v2.0/copyProtection',
      headers: { authorization: `Bearer ${token}`, 'x-speke-version': '2.0' },
      payload: SPEKE_V2_REQUEST,
    },
    {
      method: 'POST' as const,
      url: '/Speke',
      headers: { authorization: basic },
      payload: seedDocument('axinomSpekeV1Request'),
    },
    {
      method: 'POST' as const,
      url: `/speke/v1.0/copyProtection?enc-token=${encodeURIComponent(token)}`,
      headers: {},
      payload: seedDocument('awsLiveRequest'),
    },
    {
      method: 'POST' as const,
      url: `/v2/cpix/pallycon/getKey/${encodeURIComponent(token)}`,
      headers: {},
      payload: seedDocument('pallyConDashLiveRequest'),
    },
    { method: 'GET' as const, url: `/cpix/anevia/dash/${encodeURIComponent(token)}/test-cid`, headers: {} },
    // Refused requests: a wrong token and a body that is not XML must not leak either.
    {
      method: 'POST' as const,
      url: `/v1/cpix/pallycon/getKey/${token}x`,
      headers: {},
      payload: seedDocument('pallyConDashVodRequest'),
    },
    {
      method: 'POST' as const,
      url: '/cpix/getKey',
      headers: { authorization: `Bearer ${token}` },
      payload: `not xml ${token}`,
    },
  ];
  for (const request of requests) {
    const response = await app.inject(request);
    answers.push(response.body);
  }
  await app.close();

  expect(answers.slice(0, 5).every((answer) => answer.includes('CPIX'))).toBe(true);
  const keys = answers.flatMap((answer) => [...keysOf(answer).values()]);
  expect(keys.length).toBeGreaterThanOrEqual(6);

  const log = lines.join('\n');
  // One line per request, and nothing else.
  expect(lines).toHaveLength(requests.length);
  expect(lines.every((line) => line.includes('"request answered"'))).toBe(true);
  expect(log).toContain('"route":"/v2/cpix/pallycon/getKey/:encToken"');
  expect(log).toContain('"route":"/cpix/anevia/:format/:encToken/:cid"');
  expect(log).toContain('"status":401');
  const secrets = [
    token,
    encodeURIComponent(token),
    basic.slice('Basic '.length),
    ...forms(acme.keySeed),
    ...forms(acme.derivationSecret),
    ...keys.flatMap((key) => forms(key)),
  ];
  for (const secret of secrets) expect(log).not.toContain(secret);
});

it('logs the codes of the warnings it sends in X-Cpixkit-Warnings, the same ones, in the request line', async () => {
  const lines: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const acme = testTenant('acme');
  const app = testApp([acme], { logStream });
  // FairPlay asked for the PSSH and ContentProtectionData every DRM system is sent: removed, and said so.
  const payload = SPEKE_V2_REQUEST.replace(
    /(<cpix:DRMSystem kid="[^"]+" systemId="94ce86fb[^"]*">)/,
    '$1<cpix:PSSH/><cpix:ContentProtectionData/>',
  );
  const response = await app.inject({
    method: 'POST',
    url: '/speke/v2.0/copyProtection',
    headers: { authorization: `Bearer ${acme.token}`, 'x-speke-version': '2.0' },
    payload,
  });
  await app.close();
  expect(response.statusCode).toBe(200);
  // Besides: Axinom's non-canonical base64, and its cbcs PlayReady keys' Smooth Streaming placeholders and 4.3 headers.
  const codes = [
    'NON_CANONICAL_BASE64',
    'PLACEHOLDER_REMOVED',
    'PLACEHOLDER_REMOVED_FOR_SCHEME',
    'PLAYREADY_HEADER_4_3',
  ];
  expect(String(response.headers['x-cpixkit-warnings']).split(', ').sort()).toEqual(codes);
  const records = lines.map((line) => JSON.parse(line) as { msg: string; status: number; warnings?: string[] });
  expect(records).toHaveLength(1);
  expect(records[0]).toMatchObject({ msg: 'request answered', status: 200, dialect: 'speke-v2', tenant: 'acme' });
  expect(records[0]?.warnings).toEqual(String(response.headers['x-cpixkit-warnings']).split(', '));
});

it('writes the last lines to its log file by the time close() resolves', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpixkit-log-'));
  try {
    const logFile = join(dir, 'server.log');
    const acme = testTenant('acme');
    const app = testApp([acme], { logFile });
    const count = 200;
    // Many at once, so that lines are still queued behind a write in flight when the server closes.
    await Promise.all(
      Array.from({ length: count }, () =>
        app.inject({ method: 'POST', url: '/cpix/getKey', headers: { authorization: `Bearer ${acme.token}` } }),
      ),
    );
    await app.close();
    const records = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg: string; route: string });
    expect(records).toHaveLength(count);
    expect(records.every((record) => record.msg === 'request answered' && record.route === '/cpix/getKey')).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('writes the line of a lone request within a moment, without waiting for more lines or for close', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpixkit-log-'));
  const logFile = join(dir, 'server.log');
  const acme = testTenant('acme');
  const app = testApp([acme], { logFile });
  try {
    await app.inject({ method: 'GET', url: '/healthz' });
    const deadline = Date.now() + 5_000;
    while (readFileSync(logFile, 'utf8') === '' && Date.now() < deadline) await setTimeout(10);
    expect(readFileSync(logFile, 'utf8')).toContain('"route":"/healthz"');
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
