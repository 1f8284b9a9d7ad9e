import { join } from 'node:path';
import { CpixError, type CpixDocument, parseCpix } from '@cpixkit/cpix-model';
import { documentedErrorCodes } from '../../tooling/src/error-codes.js';
import type { HttpAnswer } from './http.js';
import type { SecretLedger } from './secrets.js';

/** A refusal as the server writes it: one line, `CODE: reason`. */
const REFUSAL_LINE = /^(ERR_[A-Z0-9_]+): [^\n]+\n?$/;

const ROOT = join(import.meta.dirname, '../..');
/** The codes a refusal may carry: those the server's README and the key service's list. */
const DOCUMENTED_CODES = new Set([
  ...documentedErrorCodes(join(ROOT, 'apps/server')),
  ...documentedErrorCodes(join(ROOT, 'packages/key-service')),
]);

/** What is wrong with an answer to hostile input, or `undefined` when it is acceptable. */
export type AnswerProblem = string | undefined;

/**
 * Checks an answer to any request, hostile or not: a 200 must be a CPIX document that
 * `@cpixkit/cpix-model` parses, with content keys that each carry a 16-byte key or an encrypted one;
 * a 4xx must carry a one-line `CODE: reason` body, a code the READMEs list, and the same code in
 * `X-Cpixkit-Error`; anything else (5xx, 3xx, 2xx other than 200) is a problem. Keys found in a
 * 200 go into the ledger, so the log search looks for them.
 */
export function checkAnswer(answer: HttpAnswer, ledger: SecretLedger): AnswerProblem {
  if (answer.status === 200) {
    let document: CpixDocument;
    try {
      document = parseCpix(answer.body).document;
    } catch (error) {
      // The parser's message only, never the body: it holds keys.
      return `200 whose body is not a CPIX document: ${error instanceof CpixError ? `${error.code} ${error.message}` : String(error)}`;
    }
    const keys = document.contentKeyList?.contentKeys ?? [];
    if (keys.length === 0) return '200 whose CPIX document carries no content key';
    for (const [index, key] of keys.entries()) {
      const secret = key.data?.secret;
      const value = secret?.plainValue;
      if (value !== undefined) ledger.add('content key', value);
      if (value?.length !== 16 && secret?.encryptedValue === undefined)
        return `200 whose ContentKey[${index + 1}] carries no 16-byte key`;
    }
    return undefined;
  }
  if (answer.status >= 400 && answer.status < 500) {
    const text = answer.body.toString('utf8');
    const match = REFUSAL_LINE.exec(text);
    if (!match) return `${answer.status} without a one-line "CODE: reason" body: ${JSON.stringify(text.slice(0, 200))}`;
    if (!DOCUMENTED_CODES.has(match[1]!)) return `${answer.status} ${match[1]}, a code no README lists`;
    if (answer.headers['x-cpixkit-error'] !== match[1]) {
      return `${answer.status} ${match[1]} with X-Cpixkit-Error ${String(answer.headers['x-cpixkit-error'])}`;
    }
    return undefined;
  }
  return `status ${answer.status}: ${JSON.stringify(answer.body.toString('utf8').slice(0, 200))}`;
}

/** The code of a one-line refusal (`ERR_…`), or `undefined`. */
export function refusalCode(answer: HttpAnswer): string | undefined {
  return REFUSAL_LINE.exec(answer.body.toString('utf8'))?.[1];
}

/** Counts of something by a label, printed sorted by count. */
export class Tally {
  private readonly counts = new Map<string, number>();

  add(label: string, count = 1): void {
    this.counts.set(label, (this.counts.get(label) ?? 0) + count);
  }

  get(label: string): number {
    return this.counts.get(label) ?? 0;
  }

  toString(): string {
    return [...this.counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([label, count]) => `${label} ${count}`)
      .join(', ');
  }
}
