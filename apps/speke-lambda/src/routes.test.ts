import { SPEKE_ROUTES } from '@cpixkit/key-service';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchRoute } from './routes.js';

describe('matchRoute', () => {
  it('matches every SPEKE route with and without a stage or base path', () => {
    for (const route of SPEKE_ROUTES) {
      for (const prefix of ['', '/prod', '/drm/v1']) {
        expect(matchRoute('POST', `${prefix}${route.path}`)).toEqual({ kind: 'speke', route, prefix });
      }
    }
  });

  it('tells /Speke and /SpekeV2 apart', () => {
    expect(matchRoute('POST', '/prod/SpekeV2')).toMatchObject({ route: { dialect: 'speke-v2' } });
    expect(matchRoute('POST', '/prod/Speke')).toMatchObject({ route: { dialect: 'speke-v1' } });
    expect(matchRoute('POST', '/prodSpeke')).toBeUndefined();
  });

  it('matches the heartbeat and key delivery on GET only', () => {
    expect(matchRoute('GET', '/prod/speke/v1.0/heartbeat')).toEqual({ kind: 'heartbeat', prefix: '/prod' });
    expect(matchRoute('POST', '/speke/v1.0/heartbeat')).toBeUndefined();
    expect(matchRoute('GET', '/prod/keys/speke/0f0e0d0c-0b0a-0908-0706-050403020100')).toEqual({
      kind: 'key-delivery',
      keyPath: '/keys/speke/0f0e0d0c-0b0a-0908-0706-050403020100',
      prefix: '/prod',
    });
    expect(matchRoute('GET', '/speke/v2.0/copyProtection')).toBeUndefined();
  });

  it('is case-sensitive and does not ignore a trailing slash, as the server', () => {
    expect(matchRoute('POST', '/speke/v2.0/copyprotection')).toBeUndefined();
    expect(matchRoute('POST', '/speke/v2.0/copyProtection/')).toBeUndefined();
    expect(matchRoute('POST', '//speke/v2.0/copyProtection')).toBeUndefined();
    expect(matchRoute('PUT', '/speke/v2.0/copyProtection')).toBeUndefined();
  });

  it('splits every matched path into a prefix of whole segments and the route', () => {
    const segment = fc.constantFrom(
      '',
      'prod',
      'speke',
      'v1.0',
      'v2.0',
      'copyProtection',
      'cpix',
      'getKey',
      'Speke',
      'SpekeV2',
      'heartbeat',
      'keys',
      'speke-tenant',
      '0f0e0d0c-0b0a-0908-0706-050403020100',
    );
    const path = fc.array(segment, { maxLength: 6 }).map((segments) => `/${segments.join('/')}`);
    fc.assert(
      fc.property(fc.constantFrom('GET', 'POST'), path, (method, candidate) => {
        const match = matchRoute(method, candidate);
        if (match === undefined) return;
        const own =
          match.kind === 'speke'
            ? match.route.path
            : match.kind === 'heartbeat'
              ? '/speke/v1.0/heartbeat'
              : match.keyPath;
        expect(`${match.prefix}${own}`).toBe(candidate);
        expect(match.prefix === '' || /^(\/[^/]+)+$/.test(match.prefix)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
