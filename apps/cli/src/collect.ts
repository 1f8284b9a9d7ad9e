// Kept apart from values.ts so that loading the command tree (program.ts) loads no library.

/**
 * Collects a repeatable option; each occurrence may also hold a comma-separated list
 * (`--kid a --kid b` or `--kid a,b`).
 */
export function collect(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  ];
}
