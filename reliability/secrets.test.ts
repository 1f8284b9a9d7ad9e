import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findSecrets } from './support/secrets.js';

// The global teardown relies on this search to find every key, seed and token in the servers'
// logs; here it is shown to find them in each form, and not to find what is not there.
describe('the secret search of the server logs', () => {
  const key = new Uint8Array(randomBytes(16));
  const token = `rel-${randomBytes(24).toString('base64url')}`;
  const secrets = [
    { label: 'content key', value: key },
    { label: 'token', value: token },
  ];
  const line = (text: string) => Buffer.from(`{"level":30,"msg":"request answered","note":"${text}"}\n`);

  it.each([
    ['base64', Buffer.from(key).toString('base64')],
    ['base64 unpadded', Buffer.from(key).toString('base64').replace(/=+$/, '')],
    ['base64url', Buffer.from(key).toString('base64url')],
    ['hex', Buffer.from(key).toString('hex')],
    ['HEX', Buffer.from(key).toString('hex').toUpperCase()],
  ])('finds a content key written as %s inside a longer run', (form, text) => {
    const findings = findSecrets([{ file: 'a.log', content: line(`xx${text}yy`) }], secrets);
    expect(findings).toContainEqual({ label: 'content key', form, file: 'a.log' });
  });

  it('finds raw key bytes and a token as written', () => {
    const content = Buffer.concat([line('start'), Buffer.from(key), line(`Bearer ${token}`)]);
    const findings = findSecrets([{ file: 'b.log', content }], secrets);
    expect(findings).toContainEqual({ label: 'content key', form: 'raw bytes', file: 'b.log' });
    expect(findings).toContainEqual({ label: 'token', form: 'raw', file: 'b.log' });
  });

  it('finds nothing in logs without them', () => {
    const other = new Uint8Array(randomBytes(16));
    const content = Buffer.concat([
      line(Buffer.from(other).toString('base64')),
      line(Buffer.from(other).toString('hex')),
      line(token.slice(0, -1)),
    ]);
    expect(findSecrets([{ file: 'c.log', content }], secrets)).toEqual([]);
  });
});
