/** How many mutants a package's tests detected, out of those that count. */
export interface MutationScore {
  detected: number;
  valid: number;
  /** Percent detected, as StrykerJS computes its mutation score; 100 when there is nothing to detect. */
  percent: number;
}

/**
 * StrykerJS's mutation score: killed and timed-out mutants are detected; survivors and mutants no test
 * reaches are not; mutants that do not compile or that error at run time, and those ignored, do not count.
 */
export function mutationScore(results: ReadonlyArray<{ status: string }>): MutationScore {
  let detected = 0;
  let valid = 0;
  for (const { status } of results) {
    if (status === 'Killed' || status === 'Timeout') {
      detected++;
      valid++;
    } else if (status === 'Survived' || status === 'NoCoverage') {
      valid++;
    }
  }
  return { detected, valid, percent: valid === 0 ? 100 : (detected / valid) * 100 };
}
