import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { SpekeLambdaError } from './errors.js';
import { fetchTenantSecrets, parseTenantSecrets, type SecretsClient } from './secrets.js';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:cpixkit-key-seed-AbCdEf';
const SEED = 'Vt7oYc2KqXwLbN4sRz9EdMfA1uJhG6pT3yQiW8nBvC0kDxS5lO2eHrFjU7mZaIgP';
const DERIVATION = 'Qm9yaW5nLWJ1dC1sb25nLWVub3VnaC1kZXJpdmF0aW9uLXNlY3JldC0xMjM0';

/** A Secrets Manager client that answers from memory and records what it was asked. */
function fakeClient(answer: () => Promise<{ SecretString?: string }>): SecretsClient & { commands: unknown[] } {
  const commands: unknown[] = [];
  return {
    commands,
    send(command) {
      commands.push(command);
      return answer();
    },
  };
}

function awsError(name: string): Error {
  return Object.assign(new Error(`${name}: something about ${ARN}`), { name });
}

async function failure(promise: Promise<unknown>): Promise<SpekeLambdaError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(SpekeLambdaError);
  expect((error as SpekeLambdaError).code).toBe('ERR_SPEKE_LAMBDA_SECRET');
  return error as SpekeLambdaError;
}

describe('fetchTenantSecrets', () => {
  it('asks Secrets Manager for the secret with a GetSecretValueCommand and reads its JSON', async () => {
    const client = fakeClient(async () => ({
      SecretString: JSON.stringify({ keySeed: SEED, derivationSecret: DERIVATION }),
    }));
    expect(await fetchTenantSecrets(ARN, { client })).toEqual({ keySeed: SEED, derivationSecret: DERIVATION });
    expect(client.commands).toHaveLength(1);
    expect(client.commands[0]).toBeInstanceOf(GetSecretValueCommand);
    expect((client.commands[0] as GetSecretValueCommand).input).toEqual({ SecretId: ARN });
  });

  it('accepts a secret with only the generated key seed', async () => {
    const client = fakeClient(async () => ({ SecretString: JSON.stringify({ keySeed: SEED }) }));
    expect(await fetchTenantSecrets(ARN, { client })).toEqual({ keySeed: SEED });
  });

  it('answers 503 for failures a retry may fix and 500 for a wrong ARN or policy', async () => {
    for (const name of ['ThrottlingException', 'InternalServiceError', 'TimeoutError']) {
      const error = await failure(
        fetchTenantSecrets(ARN, { client: fakeClient(() => Promise.reject(awsError(name))) }),
      );
      expect(error.status).toBe(503);
      expect(error.message).toContain(name);
    }
    for (const name of ['AccessDeniedException', 'ResourceNotFoundException', 'DecryptionFailure']) {
      const error = await failure(
        fetchTenantSecrets(ARN, { client: fakeClient(() => Promise.reject(awsError(name))) }),
      );
      expect(error.status).toBe(500);
    }
  });

  it('refuses a binary secret', async () => {
    const error = await failure(fetchTenantSecrets(ARN, { client: fakeClient(async () => ({})) }));
    expect(error.message).toContain('SecretString');
  });
});

describe('parseTenantSecrets', () => {
  it('refuses what is not the expected JSON without quoting the secret', () => {
    for (const text of [
      SEED,
      `"${SEED}"`,
      `[${JSON.stringify(SEED)}]`,
      JSON.stringify({ seed: SEED }),
      JSON.stringify({ keySeed: '' }),
      JSON.stringify({ keySeed: 42 }),
      JSON.stringify({ keySeed: SEED, derivationSecret: 7 }),
      JSON.stringify({ keySeed: SEED, derivationSecret: ' ' }),
    ]) {
      expect(() => parseTenantSecrets(text)).toThrow(SpekeLambdaError);
      try {
        parseTenantSecrets(text);
      } catch (error) {
        expect((error as Error).message).not.toContain(SEED);
        expect((error as Error).message).not.toContain(SEED.slice(0, 12));
      }
    }
  });
});
