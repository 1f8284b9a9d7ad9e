import type { CpixDocument } from '@cpixkit/cpix-model';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encryptForRecipients } from './encrypted-delivery.js';
import { readRequest } from './read-request.js';
import { resolveTenantsConfig } from './tenants-config.js';

// Each place that turns a package's typed error into a KeyServiceError lets any other error through
// as it is: a fault of the code (here, a dependency made to throw a TypeError) is never reported as
// the request's or the config's fault.

const fault = vi.hoisted(() => ({ in: '', error: new TypeError('a fault of the code') }));

/** The module with `names` throwing the fault while `fault.in` names them. */
function faulty<M extends Record<string, unknown>>(original: M, names: string[]): M {
  const copy: Record<string, unknown> = { ...original };
  for (const name of names) {
    const real = original[name] as (...args: unknown[]) => unknown;
    copy[name] = (...args: unknown[]) => {
      if (fault.in === name) throw fault.error;
      return real(...args);
    };
  }
  return copy as M;
}

vi.mock('@cpixkit/cpix-model', async (importOriginal) =>
  faulty(await importOriginal<Record<string, unknown>>(), ['parseCpix', 'encryptContentKeys']),
);
vi.mock('@cpixkit/key-seed', async (importOriginal) =>
  faulty(await importOriginal<Record<string, unknown>>(), ['parseKeySeed']),
);
vi.mock('@cpixkit/playready-header', async (importOriginal) =>
  faulty(await importOriginal<Record<string, unknown>>(), ['buildWrmHeader']),
);
vi.mock('@cpixkit/hls-signaling', async (importOriginal) =>
  faulty(await importOriginal<Record<string, unknown>>(), ['buildFairPlayUri']),
);

afterEach(() => {
  fault.in = '';
});

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return expect.unreachable('no error thrown');
}

const TENANT = {
  id: 'acme',
  keySeed: '5d5068bec9b384ff6044867159f16d6b755544fcd5116989b1acc4278e88',
  derivationSecret: Buffer.alloc(32, 7).toString('base64'),
  settings: { fairPlay: { uriForm: 'template', uriTemplate: 'skd://{kidHex}' } },
};

describe('errors that are not the input’s fault', () => {
  it('pass through readRequest', () => {
    fault.in = 'parseCpix';
    expect(thrown(() => readRequest('<cpix:CPIX xmlns:cpix="urn:dashif:org:cpix"/>', 64))).toBe(fault.error);
  });

  it('pass through encrypted delivery', () => {
    fault.in = 'encryptContentKeys';
    const request: CpixDocument = {
      deliveryDataList: { deliveryData: [{ deliveryKey: { x509Certificates: [] }, documentKeys: [] }] },
    };
    expect(thrown(() => encryptForRecipients({}, request, 2048, new Date()))).toBe(fault.error);
  });

  it.each(['parseKeySeed', 'buildWrmHeader', 'buildFairPlayUri'])('pass through the tenant config (%s)', (name) => {
    expect(resolveTenantsConfig([TENANT])).toHaveLength(1);
    fault.in = name;
    expect(thrown(() => resolveTenantsConfig([TENANT]))).toBe(fault.error);
  });
});
