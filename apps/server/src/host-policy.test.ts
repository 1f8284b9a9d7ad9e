import { describe, expect, it } from 'vitest';
import { hostNameOf, isLoopback, LOOPBACK_HOSTS, originOf } from './host-policy.js';

describe('originOf', () => {
  const request = (host: string) => ({ protocol: 'http', host });

  it('takes the public URL when there is one, whatever the Host', () => {
    expect(originOf(request('evil.example'), 'https://keys.example.com', [])).toBe('https://keys.example.com');
  });

  it("takes the request's origin only for an allowed host name, on any port", () => {
    expect(originOf(request('127.0.0.1:8080'), undefined, LOOPBACK_HOSTS)).toBe('http://127.0.0.1:8080');
    expect(originOf(request('[::1]:8080'), undefined, LOOPBACK_HOSTS)).toBe('http://[::1]:8080');
    expect(originOf(request('Keys.Example.com'), undefined, ['keys.example.com'])).toBe('http://Keys.Example.com');
    for (const host of ['evil.example', 'localhost.evil.example', '127.0.0.1@evil.example', '', 'a b']) {
      expect(() => originOf(request(host), undefined, LOOPBACK_HOSTS), host).toThrow(
        expect.objectContaining({ code: 'ERR_SERVER_BAD_HOST', status: 400 }),
      );
    }
  });
});

describe('host names', () => {
  it('reads host names and tells loopback ones', () => {
    expect(hostNameOf('Example.COM:443')).toBe('example.com');
    expect(hostNameOf('x/y')).toBeUndefined();
    expect(['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '::', '10.0.0.1', 'keys.example.com'].some(isLoopback)).toBe(false);
  });
});
