import { readFileSync } from 'node:fs';
import { CpixError, parseCpix, validateCpix } from '@cpixkit/cpix-model';
import { readCpixInput, schemaVersionOf } from '../cpix-document.js';
import { CliError } from '../errors.js';
import { writeJson, writeResult } from '../io.js';
import { stdoutStyle } from '../style.js';

/** Options of `cpixkit cpix validate`. */
export interface CpixValidateOptions {
  xsd?: boolean;
  strict?: boolean;
  json?: boolean;
}

/**
 * One problem found by `cpix validate`. `source`: `xml` (not readable at all), `schema` (the XSD of the
 * declared version), `reading` (leniencies of the reader: what real traffic gets wrong), `semantic`
 * (meaning beyond the schema: references, duplicates, bounds), `dialect` (a deliberate deviation of a
 * key-exchange dialect from the schema: a warning).
 */
export interface ValidationProblem {
  source: 'xml' | 'schema' | 'reading' | 'semantic' | 'dialect';
  severity: 'error' | 'warning';
  code: string;
  path?: string;
  line?: number;
  message: string;
}

/** The `--json` output of `cpixkit cpix validate`. */
export interface CpixValidateResult {
  valid: boolean;
  /** The schema version checked against, or null when the document could not be read. */
  schemaVersion: '2.3' | '2.4' | null;
  errors: number;
  warnings: number;
  problems: ValidationProblem[];
}

const SCHEMA_FILES = ['cpix.xsd', 'pskc.xsd', 'xenc-schema.xsd', 'xmldsig-core-schema.xsd'] as const;

/** `cpixkit cpix validate <file>`: XSD and semantic validation, every problem listed; exit 2 when any is an error. */
export async function cpixValidate(argument: string, options: CpixValidateOptions): Promise<void> {
  const input = await readCpixInput(argument);
  const problems: ValidationProblem[] = [];
  let schemaVersion: CpixValidateResult['schemaVersion'] = null;
  try {
    const { document, warnings } = parseCpix(input.xml);
    schemaVersion = schemaVersionOf(document);
    const idNotXmlName = warnings.some((warning) => warning.code === 'ID_NOT_NCNAME' && warning.path === '/CPIX/@id');
    if (options.xsd !== false)
      problems.push(
        ...(await schemaProblems(input.xml, schemaVersion)).filter(
          (problem) => !(idNotXmlName && isCpixIdProblem(problem)),
        ),
      );
    for (const warning of warnings) {
      if (idNotXmlName && warning.code === 'ID_NOT_NCNAME' && warning.path === '/CPIX/@id')
        problems.push(CPIX_ID_DEVIATION);
      else
        problems.push({
          source: 'reading',
          severity: 'warning',
          code: warning.code,
          path: warning.path,
          message: warning.message,
        });
    }
    for (const problem of validateCpix(document)) {
      problems.push({
        source: 'semantic',
        severity: problem.severity,
        code: problem.code,
        path: problem.path,
        message: problem.message,
      });
    }
  } catch (error) {
    if (!(error instanceof CpixError)) throw error;
    problems.push({
      source: 'xml',
      severity: 'error',
      code: error.code,
      ...(error.path !== undefined && { path: error.path }),
      message: error.message.replace(/ \(at \/[^)]*\)$/, ''),
    });
  }
  if (options.strict) for (const problem of problems) problem.severity = 'error';

  const errors = problems.filter((problem) => problem.severity === 'error').length;
  const result: CpixValidateResult = {
    valid: errors === 0,
    schemaVersion,
    errors,
    warnings: problems.length - errors,
    problems,
  };
  if (options.json) writeJson(result);
  else writeResult(render(result, input.path ?? 'stdin'));
  if (errors > 0) {
    throw new CliError('ERR_CLI_INVALID_DOCUMENT', `${errors} error${errors === 1 ? '' : 's'} in the document`);
  }
}

/**
 * A content id that is not an XML name (`42`, `123-channel`) in `CPIX@id`: SPEKE v1, PallyCon and
 * ATEME clients match on it, so key servers echo it. The schema's `xs:ID` error on it is this warning.
 */
const CPIX_ID_DEVIATION: ValidationProblem = {
  source: 'dialect',
  severity: 'warning',
  code: 'ID_NOT_NCNAME',
  path: '/CPIX/@id',
  message:
    'CPIX@id is not an XML name: a content id echoed as SPEKE v1, PallyCon and ATEME clients expect, not schema-valid',
};

/** The schema's error on the root's `id` attribute. */
function isCpixIdProblem(problem: ValidationProblem): boolean {
  return (
    problem.source === 'schema' && /^Element '\{urn:dashif:org:cpix\}CPIX', attribute 'id': /.test(problem.message)
  );
}

/** The schema's verdict, from xmllint (WebAssembly), loaded only here. */
async function schemaProblems(xml: string, version: '2.3' | '2.4'): Promise<ValidationProblem[]> {
  const { validateXML } = await import('xmllint-wasm');
  const [schema, ...preload] = SCHEMA_FILES.map((fileName) => ({
    fileName,
    contents: readFileSync(new URL(`./schema/${version}/${fileName}`, import.meta.url), 'utf8'),
  }));
  const result = await validateXML({
    xml: { fileName: 'document.xml', contents: xml },
    schema: schema!,
    preload,
    maxMemoryPages: 1024,
  });
  // libxml2 follows an enumeration error with a "No precomputed value available" note on the same value.
  return result.errors
    .filter((error) => !error.message.includes('No precomputed value available'))
    .map((error) => ({
      source: 'schema' as const,
      severity: 'error' as const,
      code: 'XSD',
      ...(error.loc !== null && { line: error.loc.lineNumber }),
      // xmllint prefixes every message with its category ("Schemas validity error : ").
      message: error.message.trim().replace(/^Schemas [a-z]+ error : /, ''),
    }));
}

function render(result: CpixValidateResult, name: string): string {
  const style = stdoutStyle();
  const schema = result.schemaVersion === null ? '' : ` (CPIX ${result.schemaVersion} schema)`;
  const counts = `${result.errors} error${result.errors === 1 ? '' : 's'}, ${result.warnings} warning${result.warnings === 1 ? '' : 's'}`;
  const verdict = result.valid ? style.green('valid') : style.red('invalid');
  const lines = [`${name}: ${verdict}${schema}: ${counts}`];
  for (const problem of result.problems) {
    const severity = problem.severity === 'error' ? style.red('error  ') : style.yellow('warning');
    const where = problem.line !== undefined ? `line ${problem.line}` : (problem.path ?? '');
    lines.push(`${severity}  ${problem.code}  ${where}${where ? ': ' : ''}${problem.message}`);
  }
  return lines.join('\n');
}
