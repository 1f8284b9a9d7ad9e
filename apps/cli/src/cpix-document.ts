import { writeFileSync } from 'node:fs';
import { decodeCpixText, type CpixDocument, type CpixWriteVersion } from '@cpixkit/cpix-model';
import { CliError } from './errors.js';
import { type Input, readInput, writeResult } from './io.js';

/** A CPIX document as read from the command line: its text, and where it came from. */
export interface CpixInput extends Input {
  xml: string;
}

/** Reads a CPIX document: a file path, `@file`, or `-` for stdin. */
export async function readCpixInput(argument: string): Promise<CpixInput> {
  const input = await readInput(argument, { paths: true });
  if (input.origin === 'argument') {
    throw new CliError('ERR_CLI_READ_FAILED', `no such file: ${argument} (give a CPIX file, @file, or - for stdin)`);
  }
  // Decoded as parseCpix decodes bytes: UTF-8 or UTF-16, the XML declaration honoured.
  return { ...input, xml: decodeCpixText(input.bytes) };
}

/** The CPIX version a document declares, as `serializeCpix` writes it: no `version` is the 2.0 (SPEKE v1) style. */
export function writeVersionOf(document: CpixDocument): CpixWriteVersion {
  if (document.version === undefined) return '2.0';
  return document.version.startsWith('2.4') ? '2.4' : '2.3';
}

/** The schema a document is checked against: 2.4 when it says so, else 2.3 (which reads 2.0–2.3 documents). */
export function schemaVersionOf(document: Pick<CpixDocument, 'version'>): '2.3' | '2.4' {
  return document.version?.startsWith('2.4') ? '2.4' : '2.3';
}

/** True when some content key carries its value in clear. */
export function hasPlainKeys(document: CpixDocument): boolean {
  return (document.contentKeyList?.contentKeys ?? []).some((key) => key.data?.secret?.plainValue !== undefined);
}

/**
 * Writes a resulting document: to `--out` when given, else to stdout, which a document holding clear keys
 * reaches only with `--show-keys`.
 */
export function emitDocument(xml: string, clearKeys: boolean, options: { out?: string; showKeys?: boolean }): void {
  if (options.out !== undefined) {
    writeFileSync(options.out, xml);
    return;
  }
  if (clearKeys && !options.showKeys) {
    throw new CliError(
      'ERR_CLI_USAGE',
      'the document holds content keys in clear: write it with --out <file>, or add --show-keys to print it',
    );
  }
  writeResult(xml);
}
