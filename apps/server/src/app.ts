import type { Writable } from 'node:stream';
import {
  CLEARKEY_LICENSE_REQUEST_MAX_BYTES,
  type Dialect,
  type KeyService,
  keyExchangeAnswer,
  noSuchRoute,
  refusalAnswer,
  SPEKE_HEARTBEAT_PATH,
  SPEKE_ROUTES,
  type SpekeRequestOptions,
  spekeDialectOf,
  spekeHeartbeatAnswer,
  spekeRequestOptions,
  type Tenant,
  warningCodes,
} from '@cpixkit/key-service';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { credentialsOf, type TenantDirectory } from './auth.js';
import { CLEARKEY_LICENSE_ROUTE, registerCors } from './cors.js';
import { refusalFor } from './error-reply.js';
import { ServerError } from './errors.js';
import type { ServerKeyStore } from './key-store.js';
import { ServerMetrics } from './metrics.js';
import { openApiDocument } from './openapi.js';
import { isDraining, markDraining } from './drain.js';

/** What the server knows about a request beyond fastify's own fields, for logs and metrics. */
interface RequestContext {
  tenant?: string;
  dialect?: Dialect;
  errorCode?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Tenant, dialect and error code for the log line and metrics (see `contextOf`). */
    cpixkit: RequestContext | null;
  }
}

/** The request's context, created on first use. */
function contextOf(request: FastifyRequest): RequestContext {
  request.cpixkit ??= {};
  return request.cpixkit;
}

/** Options of {@link buildServer}. */
export interface ServerOptions {
  /** The tenants requests authenticate against. */
  tenants: TenantDirectory;
  /** The engine that answers key exchanges and key deliveries. */
  keyService: KeyService;
  /** The key store of `keySource: store` tenants, pinged by `/readyz` and closed with the server. */
  store?: ServerKeyStore;
  /** Largest request body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Public origin for key-delivery URLs; absent → the request's protocol and Host. */
  publicUrl?: string;
  /** pino level, or `false` for no logging (default). */
  logLevel?: string | false;
  /** Where log lines go (default stdout). */
  logStream?: Writable;
  /** HTTPS certificate and key (PEM); plain HTTP when absent. */
  https?: { cert: string | Buffer; key: string | Buffer };
  /** Version reported by the OpenAPI document (default `0.0.0`). */
  version?: string;
}

const DEFAULT_BODY_LIMIT = 1024 * 1024;
/** Longest path parameter accepted: PallyCon enc-tokens are long base64 JSON blobs. */
const MAX_PARAM_LENGTH = 2048;

/** Log options: the route pattern instead of the raw URL, and no headers, query, params or body. */
function loggerOptions(level: string, stream: Writable | undefined) {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: {
      paths: ['req.headers', 'req.query', 'req.params', 'req.body', 'req.url', 'headers', 'body', 'query', 'params'],
      censor: '[redacted]',
    },
    serializers: {
      req: (request: { method: string; routeOptions?: { url?: string } }) => ({
        method: request.method,
        route: request.routeOptions?.url ?? 'unmatched',
      }),
      res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
    },
  };
}

/**
 * Builds the cpixkit key server (not yet listening): the SPEKE, PallyCon and ATEME key exchange
 * routes, HLS AES-128 key delivery, ClearKey licences (both with CORS for the tenant's allowed
 * origins), health, readiness, metrics and the OpenAPI description.
 */
export function buildServer(options: ServerOptions): FastifyInstance {
  const { tenants, keyService, store } = options;
  const metrics = new ServerMetrics();
  const version = options.version ?? '0.0.0';
  const logLevel = options.logLevel ?? false;
  const app = Fastify({
    logger: logLevel === false ? false : loggerOptions(logLevel, options.logStream),
    // fastify's own request lines would carry the raw URL; one line per request is written below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    requestTimeout: 30_000,
    return503OnClosing: true,
    // Errors fastify raises before routing (a malformed URL) get the same one-line answer.
    frameworkErrors: (error, request, reply) => {
      const answer = refusalAnswer(refusalFor(error));
      request.log.info({ status: answer.status, code: answer.headers['x-cpixkit-error'] }, 'request refused before routing');
      void (reply as FastifyReply).code(answer.status).headers(answer.headers).send(answer.body);
    },
    ...(options.https ? { https: options.https } : {}),
  }) as unknown as FastifyInstance;

  // Packagers send text/xml, application/xml, something else or nothing: every body is read raw
  // and handed to the engine, which decides whether it is a CPIX document.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.decorateRequest('cpixkit', null);
  // The per-request hooks take callbacks rather than being async: each async hook costs every
  // request a promise and a trip through the microtask queue.
  app.addHook('onRequest', (request, _reply, done) => {
    // An empty Content-Type header is "no content type", not an unsupported one.
    if (request.headers['content-type']?.trim() === '') delete request.headers['content-type'];
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    const { tenant, dialect, errorCode } = contextOf(request);
    metrics.recordRequest({
      route,
      method: request.method,
      dialect: dialect ?? 'none',
      status: reply.statusCode,
      seconds: reply.elapsedTime / 1000,
    });
    request.log.info(
      {
        method: request.method,
        route,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        ...(tenant ? { tenant } : {}),
        ...(dialect ? { dialect } : {}),
        ...(errorCode ? { code: errorCode } : {}),
      },
      'request answered',
    );
    done();
  });

  // Once the server drains or closes, answers end their connection, so that a keep-alive client
  // does not hold the shutdown until its idle timeout.
  app.addHook('preClose', (done) => {
    markDraining(app);
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (isDraining(app)) reply.header('connection', 'close');
    done(null, payload);
  });

  // Every refusal is answered the same way as by the Lambda: `CODE: reason` in text/plain.

  app.setErrorHandler((error, request, reply) => {
    const refusal = refusalFor(error);
    contextOf(request).errorCode = refusal.code;
    if (refusal.code === 'ERR_SERVER_INTERNAL') request.log.error({ err: error }, 'request failed');
    const answer = refusalAnswer(refusal);
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  });
  app.setNotFoundHandler(() => {
    throw noSuchRoute();
  });

  function baseUrlOf(request: FastifyRequest): string {
    return options.publicUrl ?? `${request.protocol}://${request.host}`;
  }

  async function exchange(
    request: FastifyRequest,
    reply: FastifyReply,
    dialect: Dialect,
    params?: { format: 'dash' | 'hls'; contentId: string },
    speke?: SpekeRequestOptions,
  ) {
    contextOf(request).dialect = dialect;
    const tenant = tenants.authenticate(credentialsOf(request));
    contextOf(request).tenant = tenant.id;
    const body = request.body instanceof Uint8Array ? request.body : undefined;
    const answer = await keyService.answer({
      tenant,
      dialect,
      ...(body !== undefined ? { body } : {}),
      ...(params ? { params } : {}),
      ...(speke ?? {}),
      baseUrl: baseUrlOf(request),
    });
    metrics.recordKeysIssued(tenant.id, dialect, answer.keysIssued);
    if (answer.warnings.length > 0) {
      request.log.info({ warnings: warningCodes(answer.warnings) }, 'request read leniently');
    }
    const http = keyExchangeAnswer(answer);
    return reply.code(http.status).headers(http.headers).send(http.body);
  }

  for (const route of SPEKE_ROUTES) {
    app.post(route.path, (request, reply) => {
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
      const dialect = spekeDialectOf(route, request.headers['x-speke-version']);
      return exchange(request, reply, dialect, undefined, spekeRequestOptions(route, query));
    });
  }
  app.post('/v1/cpix/pallycon/getKey/:encToken', (request, reply) => exchange(request, reply, 'pallycon-v1'));
  app.post('/v2/cpix/pallycon/getKey/:encToken', (request, reply) => exchange(request, reply, 'pallycon-v2'));
  app.get<{ Params: { format: string; encToken: string; cid: string } }>(
    '/cpix/anevia/:format/:encToken/:cid',
    (request, reply) => {
      const { format, cid } = request.params;
      contextOf(request).dialect = 'anevia';
      if (format !== 'dash' && format !== 'hls') {
        throw new ServerError('ERR_SERVER_BAD_REQUEST', 400, 'the streaming format must be dash or hls');
      }
      return exchange(request, reply, 'anevia', { format, contentId: cid });
    },
  );

  app.get(SPEKE_HEARTBEAT_PATH, async (_request, reply) => {
    const answer = spekeHeartbeatAnswer();
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  });

  // The routes browsers call, in a context of their own: only they answer CORS.
  void app.register(async (browser) => {
    await registerCors(browser, tenants);
    browser.get<{ Params: { tenantId: string; kid: string } }>('/keys/:tenantId/:kid', async (request, reply) => {
      const credentials = credentialsOf(request);
      if (credentials.length > 0) {
        const holder = tenants.authenticate(credentials);
        if (holder.id !== request.params.tenantId) {
          throw new ServerError('ERR_SERVER_FORBIDDEN', 403, "the credentials do not give access to this tenant's keys");
        }
      }
      const tenant: Tenant | undefined = tenants.byId(request.params.tenantId);
      if (tenant === undefined) {
        // Same answer as a bad signature: key URLs do not reveal which tenant ids exist.
        throw new ServerError('ERR_SERVER_FORBIDDEN', 403, 'the key URL is not valid');
      }
      contextOf(request).tenant = tenant.id;
      const key = await keyService.deliverKey(tenant, request.url);
      return reply
        .header('content-type', 'application/octet-stream')
        .header('cache-control', 'no-store')
        .send(Buffer.from(key));
    });

    browser.post<{ Params: { tenantId: string } }>(
      CLEARKEY_LICENSE_ROUTE,
      { bodyLimit: CLEARKEY_LICENSE_REQUEST_MAX_BYTES },
      async (request, reply) => {
        const tenant = tenants.authenticate(credentialsOf(request));
        if (tenant.id !== request.params.tenantId) {
          throw new ServerError('ERR_SERVER_FORBIDDEN', 403, "the credentials do not give access to this tenant's licences");
        }
        contextOf(request).tenant = tenant.id;
        const license = await keyService.clearKeyLicense(tenant, request.body instanceof Uint8Array ? request.body : undefined);
        metrics.recordKeysIssued(tenant.id, 'clearkey-license', license.keys);
        return reply
          .header('content-type', 'application/json')
          .header('cache-control', 'no-store')
          .send(license.body);
      },
    );
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    if (store === undefined) return { status: 'ready' };
    await store.ping();
    return reply.send({ status: 'ready', store: store.kind });
  });
  app.get('/metrics', async (_request, reply) =>
    reply.header('content-type', 'text/plain; version=0.0.4; charset=utf-8').send(metrics.render()),
  );
  const openApi = JSON.stringify(openApiDocument(version));
  app.get('/openapi.json', async (_request, reply) =>
    reply.header('content-type', 'application/json; charset=utf-8').send(openApi),
  );

  if (store !== undefined) app.addHook('onClose', () => store.close());
  return app;
}

