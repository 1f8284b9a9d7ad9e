// `pnpm test:mutation [--force] [package…]`: StrykerJS over each package of MUTATION_FLOORS (or only those
// named, as `pssh` or `@cpixkit/pssh`), one at a time with its own tests, then one score line per package.
// Exits 1 when a score is below its floor. Incremental files, HTML and JSON reports go to reports/mutation/.
// `--force` tests every mutant again: incremental mode reuses a surviving static mutant (one evaluated
// once, at import) even when new tests would kill it, so a score that counts must come from a forced run.
// A run from scratch (forced, or with no incremental file yet) goes in steps (see steps.ts), so one that is
// interrupted continues when run again without `--force`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Stryker } from '@stryker-mutator/core';
import { MUTATION_FLOORS } from '../src/mutation/floors.ts';
import { mutationScore } from '../src/mutation/score.ts';
import { mutationSteps } from '../src/mutation/steps.ts';
import { workspacePackages } from '../src/vitest.ts';

const root = process.cwd();
// About 12 KB of source: two to three hundred mutants, minutes (a leaf package) to half an hour (cpix-model's
// reader) of a run from scratch; each step adds one initial test run, about 20 s.
const STEP_BYTES = 12_000;
const floored = workspacePackages(root).filter((pkg) => pkg.name in MUTATION_FLOORS);
const force = process.argv.includes('--force');
const asked = process.argv.slice(2).filter((arg) => arg !== '--force');
const unknown = asked.filter((arg) => !floored.some((pkg) => pkg.name === arg || pkg.name === `@cpixkit/${arg}`));
if (unknown.length > 0) {
  console.error(
    `test:mutation: no floor for ${unknown.join(', ')}; packages: ${floored.map((pkg) => pkg.name).join(', ')}`,
  );
  process.exit(2);
}
const chosen =
  asked.length === 0
    ? floored
    : floored.filter((pkg) => asked.some((arg) => pkg.name === arg || pkg.name === `@cpixkit/${arg}`));

const lines: string[] = [];
let belowFloor = false;
for (const pkg of chosen) {
  const dir = relative(root, pkg.dir);
  const slug = pkg.name.replace(/^@cpixkit\//, '');
  process.env.CPIXKIT_MUTATION_PACKAGE = dir;
  const sources = readdirSync(join(pkg.dir, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .sort()
    .map((file) => ({
      path: `${dir}/src/${file}`,
      lineBytes: readFileSync(join(pkg.dir, 'src', file), 'utf8')
        .split(/(?<=\n)/)
        .map((line) => Buffer.byteLength(line)),
    }));
  const incrementalFile = `reports/mutation/${slug}.incremental.json`;
  const fromScratch = force || !existsSync(incrementalFile);
  const steps = fromScratch ? mutationSteps(sources, STEP_BYTES) : [sources.map((file) => file.path)];
  const started = performance.now();
  let results: Array<{ status: string }> = [];
  for (const [index, mutate] of steps.entries()) {
    results = await new Stryker({
      mutate,
      incrementalFile,
      force: force && index === 0,
      htmlReporter: { fileName: `reports/mutation/${slug}.html` },
      jsonReporter: { fileName: `reports/mutation/${slug}.json` },
    }).runMutationTest();
    if (index < steps.length - 1) {
      const minutes = Math.round((performance.now() - started) / 60_000);
      console.log(
        `\n${pkg.name}: step ${index + 1} of ${steps.length} done (up to ${mutate.at(-1)}, ${minutes} min); if interrupted from here, \`pnpm test:mutation ${slug}\` without --force continues\n`,
      );
    }
  }
  const seconds = Math.round((performance.now() - started) / 1000);
  const score = mutationScore(results);
  const floor = MUTATION_FLOORS[pkg.name]!;
  const verdict = score.percent >= floor ? 'ok' : 'BELOW FLOOR';
  if (score.percent < floor) belowFloor = true;
  lines.push(
    `${pkg.name.padEnd(28)} ${score.percent.toFixed(1).padStart(5)} % (${score.detected}/${score.valid} detected)  floor ${floor} %  ${verdict}  ${seconds} s`,
  );
}

console.log(`\nmutation scores\n${lines.join('\n')}`);
process.exitCode = belowFloor ? 1 : 0;
