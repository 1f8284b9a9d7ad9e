import { describe, expect, it } from 'vitest';
import { KeyServiceError } from './errors.js';
import {
  SPEKE_HEARTBEAT_PATH,
  SPEKE_ROUTES,
  type SpekeRoute,
  spekeDialectOf,
  spekeHeartbeatAnswer,
  spekeRequestOptions,
} from './speke-routes.js';

function route(path: string): SpekeRoute {
  const found = SPEKE_ROUTES.find((candidate) => candidate.path === path);
  if (found === undefined) throw new Error(`no route ${path}`);
  return found;
}

describe('SPEKE routes', () => {
  it('gives AWS and Axinom paths their fixed dialect whatever the header says', () => {
    expect(spekeDialectOf(route('/speke/v2.0/copyProtection'), undefined)).toBe('speke-v2');
    expect(spekeDialectOf(route('/speke/v1.0/copyProtection'), '2.0')).toBe('speke-v1');
    expect(spekeDialectOf(route('/Speke'), undefined)).toBe('speke-v1');
    expect(spekeDialectOf(route('/SpekeV2'), undefined)).toBe('speke-v2');
  });

  it("reads Axinom's paths by Axinom's rules, with its KID override; AWS's by AWS's, ignoring it", () => {
    expect(spekeRequestOptions(route('/SpekeV2'), 'overrideKeyIds=true')).toEqual({
      spekeRules: 'axinom',
      overrideKeyIds: true,
    });
    expect(spekeRequestOptions(route('/Speke'), 'a=1&overrideKeyIds=TRUE')).toEqual({
      spekeRules: 'axinom',
      overrideKeyIds: true,
    });
    expect(spekeRequestOptions(route('/Speke'), 'overrideKeyIds=false')).toEqual({
      spekeRules: 'axinom',
      overrideKeyIds: false,
    });
    expect(spekeRequestOptions(route('/SpekeV2'), '')).toEqual({ spekeRules: 'axinom', overrideKeyIds: false });
    for (const path of ['/speke/v2.0/copyProtection', '/speke/v1.0/copyProtection', '/cpix/getKey']) {
      expect(spekeRequestOptions(route(path), 'overrideKeyIds=true')).toEqual({
        spekeRules: 'aws',
        overrideKeyIds: false,
      });
    }
  });

  it('chooses the /cpix/getKey dialect by X-Speke-Version', () => {
    const getKey = route('/cpix/getKey');
    expect(spekeDialectOf(getKey, undefined)).toBe('speke-v1');
    expect(spekeDialectOf(getKey, '1.0')).toBe('speke-v1');
    expect(spekeDialectOf(getKey, '2.0')).toBe('speke-v2');
    expect(spekeDialectOf(getKey, ['2.0', '1.0'])).toBe('speke-v2');
  });

  it('refuses other versions with a 400 that quotes at most 16 characters', () => {
    const getKey = route('/cpix/getKey');
    expect(() => spekeDialectOf(getKey, '3.0')).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_SERVICE_BAD_SPEKE_VERSION', status: 400 }),
    );
    try {
      spekeDialectOf(getKey, 'x'.repeat(100));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(KeyServiceError);
      expect((error as Error).message).toContain(`"${'x'.repeat(16)}"`);
      expect((error as Error).message).not.toContain('x'.repeat(17));
    }
  });

  it('answers the heartbeat with 200 text', () => {
    expect(SPEKE_HEARTBEAT_PATH).toBe('/speke/v1.0/heartbeat');
    const answer = spekeHeartbeatAnswer();
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(answer.body.length).toBeGreaterThan(0);
  });
});
