import { createHash } from 'node:crypto';
import { resolveTenantsConfig } from '@cpixkit/key-service';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { credentialsOf, hashToken, TenantDirectory } from './auth.js';

const SEED = Buffer.alloc(32, 7).toString('base64');
const directory = new TenantDirectory(
  resolveTenantsConfig({
    tenants: [
      { id: 'acme', keySeed: SEED, derivationSecret: SEED, tokens: [hashToken('acme-1'), hashToken('acme-2')] },
      { id: 'globex', keySeed: SEED, derivationSecret: SEED, tokens: [hashToken('globex-1')] },
      { id: 'tokenless', keySeed: SEED, derivationSecret: SEED },
    ],
  }),
);

describe('hashToken', () => {
  it("is the config form of a token's SHA-256", () => {
    fc.assert(
      fc.property(fc.string(), (token) => {
        expect(hashToken(token)).toBe(`sha256:${createHash('sha256').update(token, 'utf8').digest('hex')}`);
      }),
    );
  });
});

describe('TenantDirectory.authenticate', () => {
  it('finds the tenant of any of its tokens', () => {
    expect(directory.authenticate([{ kind: 'token', source: 'bearer', token: 'acme-1' }]).id).toBe('acme');
    expect(directory.authenticate([{ kind: 'token', source: 'query', token: 'acme-2' }]).id).toBe('acme');
    expect(directory.authenticate([{ kind: 'basic', tenantId: 'globex', password: 'globex-1' }]).id).toBe('globex');
  });

  it('accepts several credentials of one tenant and refuses a mix (403)', () => {
    const both = [
      { kind: 'token', source: 'path', token: 'acme-1' },
      { kind: 'token', source: 'bearer', token: 'acme-2' },
    ] as const;
    expect(directory.authenticate(both).id).toBe('acme');
    expect(() =>
      directory.authenticate([
        { kind: 'token', source: 'path', token: 'acme-1' },
        { kind: 'token', source: 'bearer', token: 'globex-1' },
      ]),
    ).toThrow(expect.objectContaining({ code: 'ERR_SERVER_FORBIDDEN', status: 403 }));
  });

  it('refuses missing, unknown or misdirected credentials with 401', () => {
    expect(() => directory.authenticate([])).toThrow(
      expect.objectContaining({ code: 'ERR_SERVER_UNAUTHENTICATED', status: 401 }),
    );
    fc.assert(
      fc.property(
        fc.string().filter((token) => !['acme-1', 'acme-2', 'globex-1'].includes(token)),
        (token) => {
          expect(() => directory.authenticate([{ kind: 'token', source: 'bearer', token }])).toThrow(
            expect.objectContaining({ code: 'ERR_SERVER_BAD_CREDENTIALS', status: 401 }),
          );
        },
      ),
    );
    expect(() => directory.authenticate([{ kind: 'basic', tenantId: 'globex', password: 'acme-1' }])).toThrow(
      expect.objectContaining({ status: 401 }),
    );
    expect(() => directory.authenticate([{ kind: 'basic', tenantId: 'tokenless', password: '' }])).toThrow(
      expect.objectContaining({ status: 401 }),
    );
  });

  it('never puts the token in its message', () => {
    try {
      directory.authenticate([{ kind: 'token', source: 'bearer', token: 'secret-guess-123' }]);
    } catch (error) {
      expect((error as Error).message).not.toContain('secret-guess-123');
    }
  });
});

describe('credentialsOf', () => {
  it('reads the path, the query and the Authorization header', () => {
    expect(
      credentialsOf({
        params: { encToken: 'p' },
        query: { 'enc-token': 'q' },
        headers: { authorization: 'Bearer b' },
      }),
    ).toEqual([
      { kind: 'token', source: 'path', token: 'p' },
      { kind: 'token', source: 'query', token: 'q' },
      { kind: 'token', source: 'bearer', token: 'b' },
    ]);
    expect(
      credentialsOf({ headers: { authorization: `basic ${Buffer.from('acme:pa:ss').toString('base64')}` } }),
    ).toEqual([{ kind: 'basic', tenantId: 'acme', password: 'pa:ss' }]);
  });

  it('ignores other schemes and refuses malformed Bearer/Basic headers', () => {
    expect(credentialsOf({ headers: { authorization: 'AWS4-HMAC-SHA256 Credential=x, Signature=y' } })).toEqual([]);
    expect(() => credentialsOf({ headers: { authorization: 'Bearer' } })).toThrow(
      expect.objectContaining({ status: 401 }),
    );
    expect(() => credentialsOf({ headers: { authorization: 'Basic !!!' } })).toThrow(
      expect.objectContaining({ status: 401 }),
    );
    expect(() => credentialsOf({ headers: {}, query: { 'enc-token': ['a', 'b'] } })).toThrow(
      expect.objectContaining({ status: 401 }),
    );
  });
});
