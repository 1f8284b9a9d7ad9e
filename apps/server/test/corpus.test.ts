import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { CORPUS, corpusBody, expectCorpusAnswer } from '../../../packages/key-service/test/corpus/cases.js';
import { testApp, testTenant } from './helpers.js';

// The vendors' samples give one key both FairPlay and HLS AES-128, which the tenant must allow.
const tenant = testTenant('corpus', { settings: { aes128: { allowDrmKeys: true } } });
let app: FastifyInstance;
beforeAll(async () => {
  app = testApp([tenant], { publicUrl: 'https://keys.example.com' });
  await app.ready();
});
afterAll(() => app.close());

describe('the interoperability corpus, answered by the server over HTTP', () => {
  for (const corpusCase of CORPUS) {
    it(corpusCase.name, async () => {
      const pallyCon = corpusCase.path.includes('{token}');
      const response = await app.inject({
        method: 'POST',
        url: corpusCase.path.replace('{token}', encodeURIComponent(tenant.token)),
        headers: { ...(pallyCon ? {} : { authorization: `Bearer ${tenant.token}` }), ...corpusCase.headers },
        payload: corpusBody(corpusCase.request),
      });
      const headers = Object.fromEntries(
        Object.entries(response.headers).map(([name, value]) => [
          name,
          value === undefined ? undefined : String(value),
        ]),
      );
      expectCorpusAnswer(corpusCase, response.statusCode, headers, response.body);
    });
  }
});
