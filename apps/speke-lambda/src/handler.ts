import {
  bodyTooLarge,
  createKeyService,
  type HttpAnswer,
  type KeyService,
  keyDeliveryAnswer,
  keyExchangeAnswer,
  noSuchRoute,
  type Refusal,
  refusalAnswer,
  refusalOf,
  SPEKE_HEARTBEAT_PATH,
  spekeDialectOf,
  spekeHeartbeatAnswer,
  spekeRequestOptions,
  type Tenant,
  warningCodes,
} from '@cpixkit/key-service';
import { version } from '../package.json';
import { cachedUntilFailure } from './cached.js';
import { type Environment, type LambdaSettings, readLambdaSettings } from './environment.js';
import { SpekeLambdaError } from './errors.js';
import {
  type ProxyAnswer,
  type ProxyEvent,
  type ProxyRequest,
  type ProxyResult,
  readProxyEvent,
  toProxyResult,
} from './proxy-event.js';
import { type LambdaRoute, matchRoute } from './routes.js';
import { fetchTenantSecrets, type SecretsClient } from './secrets.js';
import { buildTenant } from './tenant.js';

/** The `X-Speke-User-Agent` the function answers with. */
export const USER_AGENT = `cpixkit-speke-lambda/${version}`;

/** One line of the function's log: what was asked and how it was answered, never a body, header or secret. */
export interface RequestLogEntry {
  method: string;
  route: string;
  status: number;
  ms: number;
  dialect?: string;
  keysIssued?: number;
  code?: string;
  /** The codes of the answer's warnings, as the `X-Cpixkit-Warnings` header lists them. */
  warnings?: string[];
}

/** Options of {@link createSpekeHandler}. */
export interface SpekeHandlerOptions {
  /** Where the settings are read from on the first request (default `process.env`). */
  env?: Environment;
  /** The Secrets Manager client (default: the AWS SDK's, created on first use). */
  secretsClient?: SecretsClient;
  /** The clock, for key-URL expiry. */
  now?: () => Date;
  /** Receives one entry per request (default: a JSON line on stdout, which Lambda sends to CloudWatch). */
  log?: (entry: RequestLogEntry) => void;
}

/** The Lambda entry point for API Gateway REST and HTTP APIs and function URLs. */
export type SpekeHandler = (event: ProxyEvent) => Promise<ProxyResult>;

const INTERNAL_ERROR: Refusal = { status: 500, code: 'ERR_SPEKE_LAMBDA_INTERNAL', message: 'internal error' };

function routeName(route: LambdaRoute | undefined): string {
  if (route === undefined) return 'unmatched';
  if (route.kind === 'speke') return route.route.path;
  return route.kind === 'heartbeat' ? SPEKE_HEARTBEAT_PATH : '/keys/:tenantId/:kid';
}

function writeLogLine(entry: RequestLogEntry): void {
  console.log(JSON.stringify(entry));
}

/**
 * Builds the function's handler. Settings and the tenant (with its key seed from Secrets Manager
 * or the environment) are read on the first request and kept for the life of the instance;
 * concurrent first requests share one read, and a failed read is retried by the next request.
 * Answers are those of the cpixkit server for the same tenant, byte for byte.
 */
export function createSpekeHandler(options: SpekeHandlerOptions = {}): SpekeHandler {
  const env = options.env ?? process.env;
  const log = options.log ?? writeLogLine;
  const keyService: KeyService = createKeyService({
    userAgent: USER_AGENT,
    ...(options.now ? { now: options.now } : {}),
  });
  let settings: LambdaSettings | undefined;
  const loadSettings = (): LambdaSettings => (settings ??= readLambdaSettings(env));
  const loadTenant = cachedUntilFailure(async (): Promise<Tenant> => {
    const current = loadSettings();
    const { secrets } = current;
    const material =
      secrets.kind === 'secrets-manager'
        ? await fetchTenantSecrets(secrets.secretId, options.secretsClient ? { client: options.secretsClient } : {})
        : secrets;
    return buildTenant(current, material);
  });

  function baseUrlOf(request: ProxyRequest, route: LambdaRoute, current: LambdaSettings): string {
    if (current.publicUrl !== undefined) return current.publicUrl;
    if (request.host === undefined) {
      throw new SpekeLambdaError(
        'ERR_SPEKE_LAMBDA_CONFIG',
        500,
        'the event names no domain: set CPIXKIT_PUBLIC_URL for key-delivery URLs',
      );
    }
    return `https://${request.host}${route.prefix}`;
  }

  async function answer(
    request: ProxyRequest,
    route: LambdaRoute | undefined,
    entry: RequestLogEntry,
  ): Promise<ProxyAnswer> {
    if (route === undefined) throw noSuchRoute();
    if (route.kind === 'heartbeat') return spekeHeartbeatAnswer();
    const current = loadSettings();
    if (route.kind === 'key-delivery') {
      const tenant = await loadTenant();
      return keyDeliveryAnswer(
        await keyService.deliverKey(tenant, `${route.keyPath}${request.query ? `?${request.query}` : ''}`),
      );
    }
    if (request.body !== undefined && request.body.length > current.bodyLimit) throw bodyTooLarge();
    const dialect = spekeDialectOf(route.route, request.headers['x-speke-version']);
    entry.dialect = dialect;
    const tenant = await loadTenant();
    const result = await keyService.answer({
      tenant,
      dialect,
      ...(request.body !== undefined ? { body: request.body } : {}),
      ...spekeRequestOptions(route.route, request.query),
      baseUrl: baseUrlOf(request, route, current),
    });
    entry.keysIssued = result.keysIssued;
    if (result.warnings.length > 0) entry.warnings = warningCodes(result.warnings);
    return keyExchangeAnswer(result);
  }

  function refusalFor(error: unknown): HttpAnswer {
    if (error instanceof SpekeLambdaError) {
      return refusalAnswer({ status: error.status, code: error.code, message: error.message });
    }
    const refusal = refusalOf(error);
    if (refusal !== undefined) return refusalAnswer(refusal);
    // Unexpected: only the error's name goes to the log, as its message could quote anything.
    console.error(
      JSON.stringify({
        level: 'error',
        msg: 'request failed',
        error: error instanceof Error ? error.name : typeof error,
      }),
    );
    return refusalAnswer(INTERNAL_ERROR);
  }

  return async (event) => {
    const started = performance.now();
    const request = readProxyEvent(event);
    const route = matchRoute(request.method, request.path);
    const entry: RequestLogEntry = { method: request.method, route: routeName(route), status: 0, ms: 0 };
    let reply: ProxyAnswer;
    try {
      reply = await answer(request, route, entry);
    } catch (error) {
      reply = refusalFor(error);
      entry.code = reply.headers['x-cpixkit-error'];
    }
    entry.status = reply.status;
    entry.ms = Math.round((performance.now() - started) * 10) / 10;
    log(entry);
    return toProxyResult(reply);
  };
}

/** The handler the deployment template names (`handler.handler`), configured from `process.env`. */
export const handler: SpekeHandler = createSpekeHandler();
