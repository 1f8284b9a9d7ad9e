/** A source file StrykerJS mutates: its path, as StrykerJS is given it, and the size of each line in bytes. */
export interface SourceFile {
  path: string;
  lineBytes: readonly number[];
}

/**
 * The steps of a run from scratch, each the list of what it mutates: whole files, and the file a step ends
 * in up to the line it ends at (`path:1-line`, StrykerJS's range form). Steps are cumulative: each mutates
 * all that the steps before it did again, which StrykerJS takes from the incremental file the step before
 * wrote, and goes on through the files in order. There are as many steps as `stepBytes` goes into the
 * source (rounded up), each adding about as many bytes, so a run that is interrupted keeps every step it
 * finished; the last step is every file whole, and no files make no steps.
 */
export function mutationSteps(files: readonly SourceFile[], stepBytes: number): string[][] {
  const total = files.reduce((sum, file) => file.lineBytes.reduce((fileSum, line) => fileSum + line, sum), 0);
  const count = Math.max(1, Math.ceil(total / stepBytes));
  const steps: string[][] = [];
  const whole: string[] = [];
  let bytes = 0;
  for (const file of files) {
    const lastLine = file.lineBytes.length;
    file.lineBytes.forEach((size, index) => {
      bytes += size;
      if (steps.length < count - 1 && bytes >= (total * (steps.length + 1)) / count) {
        steps.push([...whole, index + 1 === lastLine ? file.path : `${file.path}:1-${index + 1}`]);
      }
    });
    whole.push(file.path);
  }
  if (whole.length > 0 && steps.at(-1)?.join('\n') !== whole.join('\n')) steps.push(whole);
  return steps;
}
