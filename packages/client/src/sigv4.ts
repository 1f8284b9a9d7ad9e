import { AwsV4Signer } from 'aws4fetch';
import type { HttpRequest, SigV4Auth } from './endpoint.js';
import { CpixClientError } from './errors.js';

/** Where SigV4 credentials come from when the auth option leaves them out (default `process.env`). */
export type Environment = Readonly<Record<string, string | undefined>>;

/** Resolved SigV4 settings: credentials, region and service. */
export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  region: string;
  service: string;
}

const EXECUTE_API_HOST = /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

/**
 * Fills the SigV4 settings from the option, then the environment (`AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION` / `AWS_DEFAULT_REGION`), then, for the
 * region, an API Gateway host name. Missing credentials or region are an `ERR_CLIENT_SIGV4_CONFIG`.
 */
export function resolveSigV4(auth: SigV4Auth, url: string, env: Environment): SigV4Credentials {
  const accessKeyId = auth.accessKeyId ?? env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = auth.secretAccessKey ?? env.AWS_SECRET_ACCESS_KEY;
  const sessionToken = auth.sessionToken ?? env.AWS_SESSION_TOKEN;
  if (!accessKeyId || !secretAccessKey) {
    throw new CpixClientError(
      'ERR_CLIENT_SIGV4_CONFIG',
      'SigV4 signing needs credentials: set accessKeyId/secretAccessKey or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
    );
  }
  const region =
    auth.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? EXECUTE_API_HOST.exec(new URL(url).hostname)?.[1];
  if (!region) {
    throw new CpixClientError('ERR_CLIENT_SIGV4_CONFIG', 'SigV4 signing needs a region: set region or AWS_REGION');
  }
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken ? { sessionToken } : {}),
    region,
    service: auth.service ?? 'execute-api',
  };
}

/**
 * Signs a request with AWS Signature Version 4 (aws4fetch): adds `Authorization`
 * (`AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`), `X-Amz-Date`, and
 * `X-Amz-Security-Token` with temporary credentials. Called once per attempt, so a retry carries a
 * fresh date.
 */
export async function signSigV4(
  request: HttpRequest,
  credentials: SigV4Credentials,
  datetime?: string,
): Promise<HttpRequest> {
  const signer = new AwsV4Signer({
    method: request.method,
    url: request.url,
    headers: request.headers,
    ...(request.body !== undefined ? { body: request.body } : {}),
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    region: credentials.region,
    service: credentials.service,
    ...(datetime ? { datetime } : {}),
  });
  const signed = await signer.sign();
  const headers: Record<string, string> = {};
  signed.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { ...request, url: signed.url.toString(), headers };
}
