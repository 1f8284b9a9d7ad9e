import { randomBytes } from 'node:crypto';
import { createKeyService, resolveTenantsConfig } from '@cpixkit/key-service';
import { buildServer, hashToken, TenantDirectory } from '@cpixkit/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS, corpusBody, expectCorpusAnswer } from '../../../packages/key-service/test/corpus/cases.js';
import { createSpekeHandler, type RequestLogEntry, USER_AGENT } from '../src/handler.js';
import { EVENT_KINDS, EVENT_ORIGINS } from './events.js';

/**
 * The interoperability corpus's SPEKE requests (the Lambda has no PallyCon routes), answered by
 * the Lambda as the table expects and exactly as the server answers them.
 */

const NOW = new Date('2025-11-25T10:00:00Z');
const KEY_SEED = randomBytes(32).toString('base64');
const DERIVATION_SECRET = randomBytes(32).toString('hex');
const TOKEN = randomBytes(18).toString('base64url');
const KIND = 'REST API (payload 1.0)';
const TRANSPORT_HEADERS = new Set(['content-length', 'date', 'connection', 'keep-alive', 'transfer-encoding']);

const server = buildServer({
  tenants: new TenantDirectory(
    resolveTenantsConfig({
      // The vendors' samples give one key both FairPlay and HLS AES-128, which the tenant must allow.
      tenants: [
        {
          id: 'corpus',
          keySeed: KEY_SEED,
          derivationSecret: DERIVATION_SECRET,
          tokens: [hashToken(TOKEN)],
          settings: { aes128: { allowDrmKeys: true } },
        },
      ],
    }),
  ),
  keyService: createKeyService({ userAgent: USER_AGENT, now: () => NOW }),
  publicUrl: EVENT_ORIGINS[KIND],
});
const log: RequestLogEntry[] = [];
const handler = createSpekeHandler({
  env: {
    CPIXKIT_TENANT_ID: 'corpus',
    CPIXKIT_KEY_SEED: KEY_SEED,
    CPIXKIT_DERIVATION_SECRET: DERIVATION_SECRET,
    CPIXKIT_TENANT_SETTINGS: JSON.stringify({ aes128: { allowDrmKeys: true } }),
  },
  now: () => NOW,
  log: (entry) => log.push(entry),
});
beforeAll(() => server.ready());
afterAll(() => server.close());

function picked(headers: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers)
      .filter(([name, value]) => !TRANSPORT_HEADERS.has(name.toLowerCase()) && value !== undefined)
      .map(([name, value]) => [name.toLowerCase(), String(value)]),
  );
}

describe('the interoperability corpus, answered by the Lambda as by the server', () => {
  for (const corpusCase of CORPUS.filter((candidate) => !candidate.path.includes('{token}'))) {
    it(corpusCase.name, async () => {
      const [path, query] = corpusCase.path.split('?') as [string, string | undefined];
      const body = corpusBody(corpusCase.request);
      const result = await handler(
        EVENT_KINDS[KIND]({
          method: 'POST',
          path,
          ...(query ? { query } : {}),
          headers: corpusCase.headers ?? {},
          body,
        }),
      );
      const headers = picked(result.headers ?? {});
      const text = Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8').toString('utf8');
      expectCorpusAnswer(corpusCase, result.statusCode, headers, text);
      // The log line lists the codes the header sends.
      expect(log.at(-1)?.warnings?.join(', ')).toBe(headers['x-cpixkit-warnings']);
      const fromServer = await server.inject({
        method: 'POST',
        url: corpusCase.path,
        headers: { authorization: `Bearer ${TOKEN}`, ...corpusCase.headers },
        payload: body,
      });
      expect([result.statusCode, headers, text]).toEqual([
        fromServer.statusCode,
        picked(fromServer.headers),
        fromServer.body,
      ]);
    });
  }
});
