import type { GetSecretValueCommand, GetSecretValueCommandOutput } from '@aws-sdk/client-secrets-manager';
import { SpekeLambdaError } from './errors.js';

/**
 * The tenant's secret material as a Secrets Manager secret holds it: the JSON object
 * `{"keySeed": "…", "derivationSecret": "…"}`, each value hex or base64 text as in a server tenants
 * config. Without `derivationSecret` the key seed also keys the KID/IV derivations and key-URL
 * signatures (their HMAC labels keep them apart from each other and from the key derivation); the
 * deployment template generates only the key seed.
 */
export interface TenantSecrets {
  keySeed: string;
  derivationSecret?: string;
}

/** The part of the AWS SDK v3 `SecretsManagerClient` this package calls. */
export interface SecretsClient {
  send(command: GetSecretValueCommand): Promise<Pick<GetSecretValueCommandOutput, 'SecretString'>>;
}

/** Secrets Manager errors that retrying will not fix: the ARN, the policy or the key is wrong. */
const PERMANENT_ERRORS = new Set([
  'AccessDeniedException',
  'ResourceNotFoundException',
  'DecryptionFailure',
  'InvalidParameterException',
  'InvalidRequestException',
]);

function secretError(status: number, message: string, cause?: unknown): SpekeLambdaError {
  return new SpekeLambdaError('ERR_SPEKE_LAMBDA_SECRET', status, message, { cause });
}

/**
 * Reads {@link TenantSecrets} from a secret string. The message of a failure names the field,
 * never its value.
 */
export function parseTenantSecrets(secretString: string): TenantSecrets {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    throw secretError(500, 'the secret is not JSON: store {"keySeed": "…", "derivationSecret": "…"}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw secretError(500, 'the secret is not a JSON object: store {"keySeed": "…", "derivationSecret": "…"}');
  }
  const { keySeed, derivationSecret } = parsed as Record<string, unknown>;
  if (typeof keySeed !== 'string' || keySeed.trim() === '') throw secretError(500, 'the secret has no keySeed string');
  if (derivationSecret === undefined) return { keySeed };
  if (typeof derivationSecret !== 'string' || derivationSecret.trim() === '') {
    throw secretError(500, "the secret's derivationSecret is not a non-empty string");
  }
  return { keySeed, derivationSecret };
}

type SecretsManagerModule = typeof import('@aws-sdk/client-secrets-manager');

/** The AWS SDK module, which the Lambda Node.js runtime provides; imported only when a secret is read. */
async function secretsManagerModule(): Promise<SecretsManagerModule> {
  try {
    return await import('@aws-sdk/client-secrets-manager');
  } catch (cause) {
    throw secretError(500, 'the AWS SDK module @aws-sdk/client-secrets-manager cannot be loaded', cause);
  }
}

/**
 * Reads the tenant secrets from the Secrets Manager secret `secretId` (ARN or name). Callers cache
 * the answer: the function reads the secret once per cold start.
 *
 * @param options.client a Secrets Manager client; by default one from the AWS SDK v3 that the
 *   Lambda runtime provides, imported and created on first use.
 * @throws {@link SpekeLambdaError} `ERR_SPEKE_LAMBDA_SECRET`: 503 when Secrets Manager fails in a
 *   way a retry may fix, 500 when the secret is missing, forbidden or malformed.
 */
export async function fetchTenantSecrets(
  secretId: string,
  options: { client?: SecretsClient } = {},
): Promise<TenantSecrets> {
  const { GetSecretValueCommand, SecretsManagerClient } = await secretsManagerModule();
  let output: Pick<GetSecretValueCommandOutput, 'SecretString'>;
  try {
    const client = options.client ?? new SecretsManagerClient({});
    output = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  } catch (cause) {
    const name = cause instanceof Error ? cause.name : 'Error';
    const status = PERMANENT_ERRORS.has(name) ? 500 : 503;
    throw secretError(status, `cannot read the key seed secret from Secrets Manager (${name})`, cause);
  }
  if (typeof output.SecretString !== 'string') {
    throw secretError(500, 'the key seed secret has no SecretString: store it as JSON text, not binary');
  }
  return parseTenantSecrets(output.SecretString);
}
