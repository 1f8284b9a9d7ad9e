import { beforeAll } from 'vitest';
import { E2eError } from './errors.js';

/**
 * Runs `setup` once before the tests of the file and returns a getter for its result. When setup fails (no
 * ffmpeg, no build, a server that does not start), every test that reads the result fails with setup's
 * error: a failing `beforeAll` alone would leave its tests reported as skipped.
 */
export function prepareOnce<T>(setup: () => Promise<T>): () => T {
  let outcome: { value: T } | { error: unknown } | undefined;
  beforeAll(async () => {
    try {
      outcome = { value: await setup() };
    } catch (error) {
      outcome = { error };
    }
  });
  return () => {
    if (outcome === undefined) throw new E2eError('ERR_E2E_PROCESS_FAILED', 'the setup of this file did not run');
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  };
}
