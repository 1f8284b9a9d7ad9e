import { timingSafeEqual } from 'node:crypto';
import type { Writable } from 'node:stream';
import {
  CLEARKEY_LICENSE_REQUEST_MAX_BYTES,
  type Dialect,
  invalidKeyUrl,
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
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
  type onRequestHookHandler,
} from 'fastify';
import { AuthFailureLimiter } from './auth-failures.js';
import { credentialsOf, type TenantDirectory, tokenDigest } from './auth.js';
import { CLEARKEY_LICENSE_ROUTE, registerCors } from './cors.js';
import { refusalFor } from './error-reply.js';
import { ServerError } from './errors.js';
import type { ServerKeyStore } from './key-store.js';
import { ServerMetrics } from './metrics.js';
import { openApiDocument } from './openapi.js';
import { isDraining, markDraining } from './drain.js';
import { LOOPBACK_HOSTS, originOf } from './host-policy.js';
import { type LogDestination, openLogDestination } from './log-destination.js';

/** What the server knows about a request beyond fastify's own fields, for logs and metrics. */
interface RequestContext {
  tenant?: string;
  /** The tenant the request's credentials authenticated (key-exchange routes, before the body is read). */
  holder?: Tenant;
  dialect?: Dialect;
  errorCode?: string;
  /** The codes of the answer's warnings, as `X-Cpixkit-Warnings` lists them. */
  warnings?: string[];
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
  /** Public origin for key-delivery URLs; absent → the request's protocol and Host, if it is one of `allowedHosts`. */
  publicUrl?: string;
  /** Host names (lower case, no port) a request's Host may name when there is no `publicUrl` (default: the loopback names). */
  allowedHosts?: readonly string[];
  /** Longest time to receive a whole request, headers and body, in ms (default 10 s); then 408 and the connection closes. */
  requestTimeoutMs?: number;
  /** Most open connections (default 1024). */
  maxConnections?: number;
  /** Failed authentications per client address per minute before 429 (default 30; 0 = no limit). */
  authFailuresPerMinute?: number;
  /** Bearer token of `/metrics`; absent → no `/metrics` route. */
  metricsToken?: string;
  /** Label key counts by tenant id in `/metrics` (default off). */
  metricsTenantLabels?: boolean;
  /** pino level, or `false` for no logging (default). */
  logLevel?: string | false;
  /** A stream that receives the log lines instead of {@link ServerOptions.logFile} or stdout. */
  logStream?: Writable;
  /** A file the log lines are appended to, asynchronously (default stdout); ignored with `logStream`. */
  logFile?: string;
  /** HTTPS certificate and key (PEM); plain HTTP when absent. */
  https?: { cert: string | Buffer; key: string | Buffer };
  /** Version reported by the OpenAPI document (default `0.0.0`). */
  version?: string;
}

const DEFAULT_BODY_LIMIT = 1024 * 1024;
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_CONNECTIONS = 1024;
const DEFAULT_AUTH_FAILURES_PER_MINUTE = 30;
/** Longest path parameter accepted: PallyCon enc-tokens are long base64 JSON blobs. */
const MAX_PARAM_LENGTH = 2048;

/** Log options: the route pattern instead of the raw URL, and no headers, query, params or body. */
function loggerOptions(level: string, stream: Writable | LogDestination['stream']) {
  return {
    level,
    stream,
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

/** What Node itself writes when a request outlives its `requestTimeout`. */
const REQUEST_TIMEOUT_ANSWER = 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n';

/**
 * Gives a request whose body is still arriving until `ms` from now: then it is answered 408 and
 * its connection closed. Node's `requestTimeout` does not reach a body trickled in after the
 * headers, which would otherwise hold its connection and buffer indefinitely.
 */
function bodyDeadline(request: FastifyRequest, reply: FastifyReply, ms: number): void {
  const timer = setTimeout(() => {
    if (request.raw.complete || reply.raw.headersSent) return;
    contextOf(request).errorCode = 'ERR_SERVER_REQUEST_TIMEOUT';
    const { socket } = request.raw;
    socket.end(REQUEST_TIMEOUT_ANSWER, () => socket.destroy());
  }, ms);
  timer.unref();
  request.raw.once('end', () => clearTimeout(timer));
}

/** Whether a request failed because its client went away mid-upload (nothing to answer, nothing wrong here). */
function clientAborted(error: unknown, request: FastifyRequest): boolean {
  return (error as { code?: unknown } | null)?.code === 'ECONNRESET' || request.raw.readableAborted;
}

/**
 * Builds the cpixkit key server (not yet listening): the SPEKE, PallyCon and ATEME key exchange
 * routes, HLS AES-128 key delivery, ClearKey licences (both with CORS for the tenant's allowed
 * origins), health, readiness, metrics and the OpenAPI description.
 */
export function buildServer(options: ServerOptions): FastifyInstance {
  const { tenants, keyService, store } = options;
  const metrics = new ServerMetrics({ tenantLabels: options.metricsTenantLabels ?? false });
  const allowedHosts = options.allowedHosts ?? LOOPBACK_HOSTS;
  const limiter = new AuthFailureLimiter({
    perWindow: options.authFailuresPerMinute ?? DEFAULT_AUTH_FAILURES_PER_MINUTE,
  });
  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  // Node checks its header deadlines on this interval (30 s by default).
  const serverOptions = { connectionsCheckingInterval: Math.min(1_000, requestTimeout) };
  const version = options.version ?? '0.0.0';
  const logLevel = options.logLevel ?? false;
  const destination =
    logLevel === false || options.logStream !== undefined ? undefined : openLogDestination(options.logFile);
  const app = Fastify({
    logger: logLevel === false ? false : loggerOptions(logLevel, options.logStream ?? destination!.stream),
    // fastify's own request lines would carry the raw URL; one line per request is written below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    requestTimeout: requestTimeout,
    return503OnClosing: true,
    // Errors fastify raises before routing (a malformed URL) get the same one-line answer.
    frameworkErrors: (error, request, reply) => {
      const answer = refusalAnswer(refusalFor(error));
      request.log.info(
        { status: answer.status, code: answer.headers['x-cpixkit-error'] },
        'request refused before routing',
      );
      void (reply as FastifyReply).code(answer.status).headers(answer.headers).send(answer.body);
    },
    ...(options.https ? { https: { ...options.https, ...serverOptions } } : { http: serverOptions }),
  }) as unknown as FastifyInstance;
  app.server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;

  // Packagers send text/xml, application/xml, something else or nothing: every body is read raw
  // and handed to the engine, which decides whether it is a CPIX document.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.decorateRequest('cpixkit', null);
  // The per-request hooks take callbacks rather than being async: each async hook costs every
  // request a promise and a trip through the microtask queue.
  app.addHook('onRequest', (request, reply, done) => {
    // An empty Content-Type header is "no content type", not an unsupported one.
    if (request.headers['content-type']?.trim() === '') delete request.headers['content-type'];
    if (!request.raw.complete) bodyDeadline(request, reply, requestTimeout);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    const { tenant, dialect, errorCode, warnings } = contextOf(request);
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
        ...(warnings ? { warnings } : {}),
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
    if (clientAborted(error, request)) {
      // Nobody reads this answer: it only closes the request, and its log line says why.
      const context = contextOf(request);
      context.errorCode ??= 'ERR_SERVER_CLIENT_ABORTED';
      request.log.debug('the connection closed before the request was read');
      return reply
        .code(context.errorCode === 'ERR_SERVER_REQUEST_TIMEOUT' ? 408 : 400)
        .header('connection', 'close')
        .send();
    }
    const refusal = refusalFor(error);
    contextOf(request).errorCode ??= refusal.code;
    if (refusal.code === 'ERR_SERVER_INTERNAL') request.log.error({ err: error }, 'request failed');
    const answer = refusalAnswer(refusal);
    if (error instanceof ServerError && error.retryAfterSeconds !== undefined)
      reply.header('retry-after', String(error.retryAfterSeconds));
    // Refused before its body was read (credentials, rate limit): the body is not read at all.
    if (!request.raw.complete) reply.header('connection', 'close');
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  });
  app.setNotFoundHandler(() => {
    throw noSuchRoute();
  });

  /** Refuses (429) a client address that failed to authenticate too often lately. */
  function refuseIfLimited(request: FastifyRequest): void {
    const wait = limiter.retryAfterSeconds(request.ip);
    if (wait > 0) {
      throw new ServerError(
        'ERR_SERVER_TOO_MANY_FAILURES',
        429,
        `too many failed authentications from this address; retry in ${wait} s`,
        {
          retryAfterSeconds: wait,
        },
      );
    }
  }

  /**
   * The tenant of the request's credentials, counting failures per client address: once an
   * address has failed too often, nothing it presents is checked until its window ends.
   */
  function authenticate(request: FastifyRequest): Tenant {
    refuseIfLimited(request);
    try {
      return tenants.authenticate(credentialsOf(request));
    } catch (error) {
      // Only credentials that were presented and are wrong count: a request without any guesses nothing.
      if (error instanceof ServerError && error.code !== 'ERR_SERVER_UNAUTHENTICATED')
        limiter.recordFailure(request.ip);
      throw error;
    }
  }

  // Key-exchange routes carry their credentials in the path, query or headers: they are checked
  // before the body is read, so that unauthenticated clients cost no memory.
  const authenticatedAs =
    (dialectOf: (request: FastifyRequest) => Dialect): onRequestHookHandler =>
    (request, _reply, done) => {
      try {
        const context = contextOf(request);
        context.dialect = dialectOf(request);
        const holder = authenticate(request);
        context.holder = holder;
        context.tenant = holder.id;
        done();
      } catch (error) {
        done(error as Error);
      }
    };

  /** Answers a key exchange whose dialect and tenant the route's `onRequest` hook settled. */
  async function exchange(
    request: FastifyRequest,
    reply: FastifyReply,
    params?: { format: 'dash' | 'hls'; contentId: string },
    speke?: SpekeRequestOptions,
  ) {
    const { dialect, holder: tenant } = contextOf(request);
    const body = request.body instanceof Uint8Array ? request.body : undefined;
    const answer = await keyService.answer({
      tenant: tenant!,
      dialect: dialect!,
      ...(body !== undefined ? { body } : {}),
      ...(params ? { params } : {}),
      ...(speke ?? {}),
      baseUrl: originOf(request, options.publicUrl, allowedHosts),
    });
    metrics.recordKeysIssued(tenant!.id, dialect!, answer.keysIssued);
    if (answer.warnings.length > 0) contextOf(request).warnings = warningCodes(answer.warnings);
    const http = keyExchangeAnswer(answer);
    return reply.code(http.status).headers(http.headers).send(http.body);
  }

  for (const route of SPEKE_ROUTES) {
    const onRequest = authenticatedAs((request) => spekeDialectOf(route, request.headers['x-speke-version']));
    app.post(route.path, { onRequest }, (request, reply) => {
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
      return exchange(request, reply, undefined, spekeRequestOptions(route, query));
    });
  }
  app.post(
    '/v1/cpix/pallycon/getKey/:encToken',
    { onRequest: authenticatedAs(() => 'pallycon-v1') },
    (request, reply) => exchange(request, reply),
  );
  app.post(
    '/v2/cpix/pallycon/getKey/:encToken',
    { onRequest: authenticatedAs(() => 'pallycon-v2') },
    (request, reply) => exchange(request, reply),
  );
  app.get<{ Params: { format: string; encToken: string; cid: string } }>(
    '/cpix/anevia/:format/:encToken/:cid',
    { onRequest: authenticatedAs(() => 'anevia') },
    (request, reply) => {
      const { format, cid } = request.params;
      if (format !== 'dash' && format !== 'hls') {
        throw new ServerError('ERR_SERVER_BAD_REQUEST', 400, 'the streaming format must be dash or hls');
      }
      return exchange(request, reply, { format, contentId: cid });
    },
  );

  app.get(SPEKE_HEARTBEAT_PATH, async (_request, reply) => {
    const answer = spekeHeartbeatAnswer();
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  });

  /** The key of a key-delivery URL; optional credentials must be the URL tenant's. */
  async function deliverKey(
    request: FastifyRequest<{ Params: { tenantId: string; kid: string } }>,
  ): Promise<Uint8Array> {
    if (credentialsOf(request).length > 0 && authenticate(request).id !== request.params.tenantId) {
      throw new ServerError('ERR_SERVER_FORBIDDEN', 403, "the credentials do not give access to this tenant's keys");
    }
    const tenant: Tenant | undefined = tenants.byId(request.params.tenantId);
    if (tenant === undefined) throw new ServerError('ERR_SERVER_FORBIDDEN', 403, 'no such tenant');
    // The engine answers every fault of the URL itself alike (ERR_KEY_SERVICE_INVALID_KEY_URL).
    contextOf(request).tenant = tenant.id;
    return keyService.deliverKey(tenant, request.url);
  }

  // The routes browsers call, in a context of their own: only they answer CORS.
  void app.register(async (browser) => {
    await registerCors(browser, tenants);
    browser.get<{ Params: { tenantId: string; kid: string } }>('/keys/:tenantId/:kid', async (request, reply) => {
      let key: Uint8Array;
      try {
        key = await deliverKey(request);
      } catch (error) {
        const refusal = refusalFor(error);
        if (refusal.status >= 500 || refusal.status === 429) throw error;
        // Every client error is answered as the engine answers a faulty URL, so key URLs tell
        // nothing about which tenants, kids or tokens exist; the log keeps the reason.
        const reason = error instanceof Error && error.cause !== undefined ? refusalFor(error.cause) : refusal;
        contextOf(request).errorCode = reason.code;
        throw invalidKeyUrl(error);
      }
      return reply
        .header('content-type', 'application/octet-stream')
        .header('cache-control', 'no-store')
        .send(Buffer.from(key));
    });

    browser.post<{ Params: { tenantId: string } }>(
      CLEARKEY_LICENSE_ROUTE,
      { bodyLimit: CLEARKEY_LICENSE_REQUEST_MAX_BYTES },
      async (request, reply) => {
        const tenant = authenticate(request);
        if (tenant.id !== request.params.tenantId) {
          throw new ServerError(
            'ERR_SERVER_FORBIDDEN',
            403,
            "the credentials do not give access to this tenant's licences",
          );
        }
        contextOf(request).tenant = tenant.id;
        const license = await keyService.clearKeyLicense(
          tenant,
          request.body instanceof Uint8Array ? request.body : undefined,
        );
        metrics.recordKeysIssued(tenant.id, 'clearkey-license', license.keys);
        return reply.header('content-type', 'application/json').header('cache-control', 'no-store').send(license.body);
      },
    );
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    if (store === undefined) return { status: 'ready' };
    await store.ping();
    return reply.send({ status: 'ready', store: store.kind });
  });
  if (options.metricsToken !== undefined) {
    const metricsDigest = tokenDigest(options.metricsToken);
    app.get('/metrics', async (request, reply) => {
      refuseIfLimited(request);
      const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
      if (match === null || !timingSafeEqual(tokenDigest(match[1]!), metricsDigest)) {
        limiter.recordFailure(request.ip);
        throw new ServerError(
          'ERR_SERVER_BAD_CREDENTIALS',
          401,
          'the metrics need "Authorization: Bearer <CPIXKIT_METRICS_TOKEN>"',
        );
      }
      return reply.header('content-type', 'text/plain; version=0.0.4; charset=utf-8').send(metrics.render());
    });
  }
  const openApi = JSON.stringify(openApiDocument(version, { metrics: options.metricsToken !== undefined }));
  app.get('/openapi.json', async (_request, reply) =>
    reply.header('content-type', 'application/json; charset=utf-8').send(openApi),
  );

  if (store !== undefined) app.addHook('onClose', () => store.close());
  // The last lines may still be queued: they are written before close() resolves.
  if (destination !== undefined) {
    app.addHook('onClose', (_instance, done) => {
      destination.flush();
      done();
    });
  }
  return app;
}
