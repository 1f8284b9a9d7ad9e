/** A source file StrykerJS mutates (its path, as StrykerJS is given it) and its size in bytes. */
export interface SourceFile {
  path: string;
  bytes: number;
}

/**
 * The steps of a run from scratch, each the list of files it mutates. Steps are cumulative: each mutates
 * the files of the steps before it again, which StrykerJS takes from the incremental file the step before
 * wrote, and adds files in order. There are as many steps as `stepBytes` goes into the package's source
 * (rounded up), each adding about the same amount, so a run that is interrupted keeps every step it
 * finished; a package smaller than `stepBytes` is one step, and no files make no steps.
 */
export function mutationSteps(files: readonly SourceFile[], stepBytes: number): string[][] {
  const total = files.reduce((sum, file) => sum + file.bytes, 0);
  const count = Math.max(1, Math.ceil(total / stepBytes));
  const steps: string[][] = [];
  const taken: string[] = [];
  let bytes = 0;
  for (const file of files) {
    taken.push(file.path);
    bytes += file.bytes;
    if (steps.length < count - 1 && bytes >= (total * (steps.length + 1)) / count) steps.push([...taken]);
  }
  if (taken.length > (steps.at(-1)?.length ?? 0)) steps.push([...taken]);
  return steps;
}
