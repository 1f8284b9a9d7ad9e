import { reportError } from './errors.js';
import { buildProgram } from './program.js';
import { styleFor } from './style.js';

try {
  await buildProgram(process.argv.slice(2)).parseAsync(process.argv);
} catch (error) {
  const { line, exitCode } = reportError(error);
  process.stderr.write(`${styleFor(process.stderr).red('cpixkit:')} ${line}\n`);
  process.exitCode = exitCode;
}
