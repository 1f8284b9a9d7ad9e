import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyResult } from 'aws-lambda';
import { SpekeLambdaError } from './errors.js';

/**
 * What invokes the function: an API Gateway REST API or HTTP API with payload format 1.0
 * ({@link APIGatewayProxyEvent}), or an HTTP API with payload format 2.0 or a Lambda function URL
 * (both {@link APIGatewayProxyEventV2}).
 */
export type ProxyEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;

/** The answer handed back to API Gateway or the function URL; both payload formats accept this shape. */
export type ProxyResult = APIGatewayProxyResult;

/** An HTTP request read from a {@link ProxyEvent}, the same whichever kind of event carried it. */
export interface ProxyRequest {
  /** Upper-case method. */
  method: string;
  /** The path as the client sent it, including any stage or custom-domain base path. */
  path: string;
  /** The query string without `?`, or `''`. */
  query: string;
  /** Header values by lower-case name; repeated headers joined with `, ` as Node's HTTP server does. */
  headers: Record<string, string>;
  /** The request body, base64-decoded when the event says it is encoded; absent when there is none. */
  body?: Uint8Array;
  /** The host the client called (API Gateway or function URL domain), when the event names it. */
  host?: string;
}

/** An HTTP answer before it is shaped for API Gateway. */
export interface ProxyAnswer {
  status: number;
  headers: Record<string, string>;
  /** Text is sent as is; bytes are sent base64-encoded with `isBase64Encoded: true`. */
  body: string | Uint8Array;
}

type UnknownRecord = Record<string, unknown>;

function isRecord(value: unknown): value is UnknownRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownEvent(what: string): SpekeLambdaError {
  return new SpekeLambdaError(
    'ERR_SPEKE_LAMBDA_UNKNOWN_EVENT',
    500,
    `not an API Gateway or function URL event: ${what}`,
  );
}

function stringField(record: UnknownRecord, name: string): string | undefined {
  const value = record[name];
  return typeof value === 'string' ? value : undefined;
}

/** The string items of a `multiValueHeaders` entry joined with `, `; `undefined` when there are none. */
function joinedValues(values: unknown): string | undefined {
  if (!Array.isArray(values)) return undefined;
  let joined: string | undefined;
  // A loop rather than filter and join: every request reads every header, and most have one value.
  for (const value of values) {
    if (typeof value === 'string') joined = joined === undefined ? value : `${joined}, ${value}`;
  }
  return joined;
}

/** Lower-cases header names; `multi` (payload 1.0 `multiValueHeaders`) wins over the single-valued map. */
function headersOf(single: unknown, multi: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  const source = isRecord(multi) ? multi : isRecord(single) ? single : undefined;
  if (source === undefined) return headers;
  for (const name of Object.keys(source)) {
    const value = source === multi ? joinedValues(source[name]) : source[name];
    if (typeof value !== 'string') continue;
    const key = name.toLowerCase();
    const previous = headers[key];
    headers[key] = previous === undefined ? value : `${previous}, ${value}`;
  }
  return headers;
}

/** Payload 1.0 gives decoded query parameters; they are encoded again into one query string. */
function queryOf(single: unknown, multi: unknown): string {
  const params = new URLSearchParams();
  const source = isRecord(multi) ? multi : isRecord(single) ? single : {};
  for (const [name, value] of Object.entries(source)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === 'string') params.append(name, item);
    }
  }
  return params.toString();
}

function bodyOf(event: UnknownRecord): Uint8Array | undefined {
  const body = event.body;
  // An absent body arrives as null (payload 1.0), a missing field (2.0) or '' (some GET routes).
  if (typeof body !== 'string' || body === '') return undefined;
  const bytes = event.isBase64Encoded === true ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function withHost(request: Omit<ProxyRequest, 'host'>, host: string | undefined): ProxyRequest {
  return host === undefined || host === '' ? request : { ...request, host };
}

function readVersion2(event: UnknownRecord): ProxyRequest {
  const context = event.requestContext;
  const http = isRecord(context) ? context.http : undefined;
  const rawPath = stringField(event, 'rawPath');
  const method = isRecord(http) ? stringField(http, 'method') : undefined;
  if (!isRecord(context) || rawPath === undefined || method === undefined) {
    throw unknownEvent('payload 2.0 without rawPath or requestContext.http.method');
  }
  const headers = headersOf(event.headers, undefined);
  // HTTP APIs pass cookies apart from the headers; the key service does not read them.
  const body = bodyOf(event);
  return withHost(
    {
      method: method.toUpperCase(),
      path: rawPath,
      query: stringField(event, 'rawQueryString') ?? '',
      headers,
      ...(body !== undefined ? { body } : {}),
    },
    stringField(context, 'domainName') ?? headers.host,
  );
}

function readVersion1(event: UnknownRecord): ProxyRequest {
  const context = isRecord(event.requestContext) ? event.requestContext : {};
  const method = stringField(event, 'httpMethod');
  // requestContext.path is what the client called (with the stage); event.path may lack the stage.
  const path = stringField(context, 'path') ?? stringField(event, 'path');
  if (method === undefined || path === undefined) throw unknownEvent('payload 1.0 without httpMethod or path');
  const headers = headersOf(event.headers, event.multiValueHeaders);
  const body = bodyOf(event);
  return withHost(
    {
      method: method.toUpperCase(),
      path,
      query: queryOf(event.queryStringParameters, event.multiValueQueryStringParameters),
      headers,
      ...(body !== undefined ? { body } : {}),
    },
    stringField(context, 'domainName') ?? headers.host,
  );
}

/**
 * Reads the HTTP request out of any of the three event kinds: payload 2.0 (HTTP API, function URL)
 * by its `version: "2.0"`, payload 1.0 (REST API, HTTP API 1.0) by its `httpMethod`.
 *
 * @throws {@link SpekeLambdaError} `ERR_SPEKE_LAMBDA_UNKNOWN_EVENT` for anything else.
 */
export function readProxyEvent(event: unknown): ProxyRequest {
  if (!isRecord(event)) throw unknownEvent('the event is not an object');
  if (event.version === '2.0') return readVersion2(event);
  if (typeof event.httpMethod === 'string') return readVersion1(event);
  throw unknownEvent('neither payload format 2.0 nor 1.0');
}

/** Shapes an answer for API Gateway (either payload format) or a function URL. */
export function toProxyResult(answer: ProxyAnswer): ProxyResult {
  if (typeof answer.body === 'string') {
    return { statusCode: answer.status, headers: answer.headers, body: answer.body, isBase64Encoded: false };
  }
  return {
    statusCode: answer.status,
    headers: answer.headers,
    body: Buffer.from(answer.body).toString('base64'),
    isBase64Encoded: true,
  };
}
