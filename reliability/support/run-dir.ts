import { inject } from 'vitest';
import { ReliabilityError } from './errors.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The suite's temporary directory: server logs and the secrets each test file used. */
    reliabilityRunDir: string;
  }
}

/** The run directory the global setup created for this run of the suite. */
export function runDir(): string {
  const dir = inject('reliabilityRunDir');
  if (typeof dir !== 'string' || dir === '') {
    throw new ReliabilityError(
      'ERR_RELIABILITY_NO_RUN_DIR',
      'run the suite as the vitest project "reliability" (its global setup makes the run directory)',
    );
  }
  return dir;
}
