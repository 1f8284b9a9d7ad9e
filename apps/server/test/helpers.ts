import { randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';
import { createKeyService, resolveTenantsConfig } from '@cpixkit/key-service';
import type { FastifyInstance } from 'fastify';
import { seedDocument, vectorCase } from '../../../tooling/src/fixtures.js';
import { buildServer, hashToken, TenantDirectory } from '../src/index.js';

/** Microsoft's public PlayReady test key seed (30 bytes, vectors.json `ms_test_key_seed_bytes`); never for real content. */
export const MS_TEST_KEY_SEED = vectorCase<string>('ms_test_key_seed_bytes').inputs.key_seed_b64!;

/**
 * Axinom's SPEKE 2.0 sample request (2 keys × FairPlay, PlayReady, Widevine) with its keys made
 * `cbcs`: the engine refuses FairPlay on the sample's `cenc` keys (ERR_KEY_SERVICE_FAIRPLAY_NEEDS_CBCS).
 */
export const SPEKE_V2_REQUEST = seedDocument('axinomSpekeV2Request').replaceAll(
  'commonEncryptionScheme="cenc"',
  'commonEncryptionScheme="cbcs"',
);

/** One tenant of a test config, with its clear-text token. */
export interface TestTenant {
  id: string;
  token: string;
  keySeed: string;
  derivationSecret: string;
  keySource?: 'seed' | 'store';
  settings?: Record<string, unknown>;
}

/** A tenant with fresh random secrets (or the given ones). */
export function testTenant(id: string, overrides: Partial<TestTenant> = {}): TestTenant {
  return {
    id,
    token: `${id}-${randomBytes(18).toString('base64url')}`,
    keySeed: randomBytes(32).toString('base64'),
    derivationSecret: randomBytes(32).toString('base64'),
    ...overrides,
  };
}

/** The tenants config object (as a YAML/JSON file would hold it) for these tenants. */
export function tenantsConfig(tenants: readonly TestTenant[]): Record<string, unknown> {
  return {
    tenants: tenants.map((tenant) => ({
      id: tenant.id,
      keySeed: tenant.keySeed,
      derivationSecret: tenant.derivationSecret,
      ...(tenant.keySource ? { keySource: tenant.keySource } : {}),
      tokens: [hashToken(tenant.token)],
      ...(tenant.settings ? { settings: tenant.settings } : {}),
    })),
  };
}

/** A key server app for these tenants, through the real engine. */
export function testApp(
  tenants: readonly TestTenant[],
  options: {
    bodyLimit?: number;
    logStream?: Writable;
    /** Log at `info` into this file, through the server's own asynchronous destination. */
    logFile?: string;
    publicUrl?: string;
    metricsToken?: string;
    authFailuresPerMinute?: number;
  } = {},
): FastifyInstance {
  return buildServer({
    tenants: new TenantDirectory(resolveTenantsConfig(tenantsConfig(tenants))),
    keyService: createKeyService(),
    ...(options.bodyLimit !== undefined ? { bodyLimit: options.bodyLimit } : {}),
    ...(options.publicUrl !== undefined ? { publicUrl: options.publicUrl } : {}),
    ...(options.metricsToken !== undefined ? { metricsToken: options.metricsToken } : {}),
    ...(options.authFailuresPerMinute !== undefined ? { authFailuresPerMinute: options.authFailuresPerMinute } : {}),
    ...(options.logStream ? { logStream: options.logStream, logLevel: 'debug' } : {}),
    ...(options.logFile !== undefined ? { logFile: options.logFile, logLevel: 'info' } : {}),
  });
}

/** The `pskc:PlainValue` of every ContentKey in a CPIX answer, by kid. */
export function keysOf(xml: string): Map<string, string> {
  const keys = new Map<string, string>();
  for (const match of xml.matchAll(/<(?:\w+:)?ContentKey\b([^>]*)>([\s\S]*?)<\/(?:\w+:)?ContentKey>/g)) {
    const kid = /\bkid="([^"]+)"/.exec(match[1]!)?.[1];
    const value = /<(?:\w+:)?PlainValue>([^<]+)</.exec(match[2]!)?.[1];
    if (kid && value) keys.set(kid.toLowerCase(), value);
  }
  return keys;
}
