import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * Realistic invocation events, shaped after AWS's documented examples: the REST API proxy
 * integration event (payload 1.0), the HTTP API payload 2.0 event and the Lambda function URL
 * event (payload 2.0 with `$default` route and stage), as MediaPackage calls them through IAM
 * authorisation (SigV4 headers, an assumed-role caller identity).
 */

/** What a test request is made of. */
export interface TestRequest {
  method: string;
  /** Path after the stage, e.g. `/speke/v2.0/copyProtection`. */
  path: string;
  /** Header names exactly as the client wrote them. */
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Send the body base64-encoded with `isBase64Encoded: true`. */
  base64?: boolean;
  /** Query string without `?`. */
  query?: string;
}

export const ACCOUNT_ID = '123456789012';
export const API_ID = 'a1b2c3d4e5';
export const REGION = 'us-east-1';
export const STAGE = 'prod';
export const EXECUTE_API_DOMAIN = `${API_ID}.execute-api.${REGION}.amazonaws.com`;
export const FUNCTION_URL_ID = 'abcdefghijklmnopqrstuvwxyz012345';
export const FUNCTION_URL_DOMAIN = `${FUNCTION_URL_ID}.lambda-url.${REGION}.on.aws`;

const ROLE_ARN = `arn:aws:sts::${ACCOUNT_ID}:assumed-role/SpekeInvokeRole/MediaPackageSession`;
const CALLER = 'AROAEXAMPLEROLEID12345:MediaPackageSession';
const ACCESS_KEY = 'ASIAEXAMPLEACCESSKEY';
const USER_AGENT = 'AWS Elemental MediaPackage';
const SOURCE_IP = '198.51.100.23';
const REQUEST_TIME_EPOCH = 1_764_064_800_000;

/** SigV4 headers as an IAM-authorised caller sends them (values are placeholders, never checked). */
function sigV4Headers(host: string): Record<string, string> {
  return {
    Host: host,
    'X-Amz-Date': '20251125T100000Z',
    'X-Amz-Security-Token': 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN',
    Authorization: `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY}/20251125/${REGION}/execute-api/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef`,
    'User-Agent': USER_AGENT,
    'X-Forwarded-For': SOURCE_IP,
    'X-Forwarded-Port': '443',
    'X-Forwarded-Proto': 'https',
  };
}

function bodyFields(request: TestRequest): { body: string | null; isBase64Encoded: boolean } {
  if (request.body === undefined) return { body: null, isBase64Encoded: false };
  const bytes = typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : Buffer.from(request.body);
  if (request.base64) return { body: bytes.toString('base64'), isBase64Encoded: true };
  return { body: bytes.toString('utf8'), isBase64Encoded: false };
}

function contentLength(request: TestRequest): Record<string, string> {
  if (request.body === undefined) return {};
  const length = typeof request.body === 'string' ? Buffer.byteLength(request.body) : request.body.length;
  return { 'Content-Length': String(length) };
}

function queryPairs(query: string | undefined): [string, string][] {
  return query ? [...new URLSearchParams(query)] : [];
}

/**
 * API Gateway REST API, Lambda proxy integration (payload 1.0): headers keep the client's case,
 * `path` lacks the stage while `requestContext.path` has it, `resource` is the route template.
 */
export function restApiEvent(request: TestRequest, options: { resource?: string } = {}): APIGatewayProxyEvent {
  const headers = { ...sigV4Headers(EXECUTE_API_DOMAIN), ...contentLength(request), ...request.headers };
  const pairs = queryPairs(request.query);
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of pairs) (multiQuery[name] ??= []).push(value);
  const resource = options.resource ?? request.path;
  return {
    resource,
    path: request.path,
    httpMethod: request.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: pairs.length ? Object.fromEntries(pairs) : null,
    multiValueQueryStringParameters: pairs.length ? multiQuery : null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      resourceId: 'x1y2z3',
      resourcePath: resource,
      httpMethod: request.method,
      extendedRequestId: 'Kx1mplHoIAMEXAMPLE=',
      requestTime: '25/Nov/2025:10:00:00 +0000',
      path: `/${STAGE}${request.path}`,
      accountId: ACCOUNT_ID,
      protocol: 'HTTP/1.1',
      stage: STAGE,
      domainPrefix: API_ID,
      requestTimeEpoch: REQUEST_TIME_EPOCH,
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      identity: {
        cognitoIdentityPoolId: null,
        accountId: ACCOUNT_ID,
        cognitoIdentityId: null,
        caller: CALLER,
        sourceIp: SOURCE_IP,
        principalOrgId: null,
        accessKey: ACCESS_KEY,
        cognitoAuthenticationType: null,
        cognitoAuthenticationProvider: null,
        userArn: ROLE_ARN,
        userAgent: USER_AGENT,
        user: CALLER,
        apiKey: null,
        apiKeyId: null,
        clientCert: null,
      },
      domainName: EXECUTE_API_DOMAIN,
      apiId: API_ID,
      authorizer: null,
    },
    ...bodyFields(request),
  };
}

function version2Event(
  request: TestRequest,
  shape: { domain: string; stage: string; routeKey: string; rawPath: string },
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries({
    ...sigV4Headers(shape.domain),
    ...contentLength(request),
    ...request.headers,
  })) {
    headers[name.toLowerCase()] = value;
  }
  const { body, isBase64Encoded } = bodyFields(request);
  const pairs = queryPairs(request.query);
  return {
    version: '2.0',
    routeKey: shape.routeKey,
    rawPath: shape.rawPath,
    rawQueryString: request.query ?? '',
    headers,
    ...(pairs.length ? { queryStringParameters: Object.fromEntries(pairs) } : {}),
    requestContext: {
      accountId: ACCOUNT_ID,
      apiId: shape.domain.split('.')[0]!,
      authorizer: {
        iam: {
          accessKey: ACCESS_KEY,
          accountId: ACCOUNT_ID,
          callerId: CALLER,
          cognitoIdentity: null,
          principalOrgId: null,
          userArn: ROLE_ARN,
          userId: CALLER,
        },
      },
      domainName: shape.domain,
      domainPrefix: shape.domain.split('.')[0]!,
      http: {
        method: request.method,
        path: shape.rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: SOURCE_IP,
        userAgent: USER_AGENT,
      },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: shape.routeKey,
      stage: shape.stage,
      time: '25/Nov/2025:10:00:00 +0000',
      timeEpoch: REQUEST_TIME_EPOCH,
    },
    ...(body !== null ? { body } : {}),
    isBase64Encoded,
  } as APIGatewayProxyEventV2;
}

/**
 * API Gateway HTTP API with payload format 1.0 on a named stage: the payload 1.0 fields with
 * `version: "1.0"`, lower-case header names and the stage in both paths.
 */
export function httpApiV1Event(request: TestRequest): APIGatewayProxyEvent {
  const event = restApiEvent(request);
  const lower = (record: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(record).map(([name, value]) => [name.toLowerCase(), value]));
  return {
    ...event,
    version: '1.0',
    resource: request.path,
    path: `/${STAGE}${request.path}`,
    headers: lower(event.headers) as Record<string, string>,
    multiValueHeaders: lower(event.multiValueHeaders) as Record<string, string[]>,
    requestContext: { ...event.requestContext, resourceId: '', authorizer: { claims: null, scopes: null } },
  } as APIGatewayProxyEvent;
}

/** API Gateway HTTP API, payload 2.0, on a named stage: `rawPath` includes the stage, headers are lower-case. */
export function httpApiEvent(request: TestRequest): APIGatewayProxyEventV2 {
  return version2Event(request, {
    domain: EXECUTE_API_DOMAIN,
    stage: STAGE,
    routeKey: `${request.method} ${request.path}`,
    rawPath: `/${STAGE}${request.path}`,
  });
}

/** Lambda function URL with IAM auth: payload 2.0 with route and stage `$default`, no stage in the path. */
export function functionUrlEvent(request: TestRequest): APIGatewayProxyEventV2 {
  return version2Event(request, {
    domain: FUNCTION_URL_DOMAIN,
    stage: '$default',
    routeKey: '$default',
    rawPath: request.path,
  });
}

/** The three kinds of event, by name, for table-driven tests. */
export const EVENT_KINDS = {
  'REST API (payload 1.0)': restApiEvent,
  'HTTP API (payload 1.0)': httpApiV1Event,
  'HTTP API (payload 2.0)': httpApiEvent,
  'function URL': functionUrlEvent,
} as const;

/** The public origin each kind of event implies for key-delivery URLs. */
export const EVENT_ORIGINS: Record<keyof typeof EVENT_KINDS, string> = {
  'REST API (payload 1.0)': `https://${EXECUTE_API_DOMAIN}/${STAGE}`,
  'HTTP API (payload 1.0)': `https://${EXECUTE_API_DOMAIN}/${STAGE}`,
  'HTTP API (payload 2.0)': `https://${EXECUTE_API_DOMAIN}/${STAGE}`,
  'function URL': `https://${FUNCTION_URL_DOMAIN}`,
};
