import { CpixError, type CpixDocument, parseCpix } from '@cpixkit/cpix-model';
import type { HttpAnswer } from './http.js';
import type { SecretLedger } from './secrets.js';

/** A refusal as the server writes it: one line, `CODE: reason`. */
const REFUSAL_LINE = /^(ERR_[A-Z0-9_]+): [^\n]+\n?$/;

/** What is wrong with an answer to hostile input, or `undefined` when it is acceptable. */
export type AnswerProblem = string | undefined;

/**
 * Checks an answer to any request, hostile or not: a 200 must be a CPIX document that
 * `@cpixkit/cpix-model` parses, a 4xx must carry a one-line `CODE: reason` body and the same code
 * in `X-Cpixkit-Error`; anything else (5xx, 3xx, 2xx other than 200) is a problem. Keys found in
 * a 200 go into the ledger, so the log search looks for them.
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
    for (const key of document.contentKeyList?.contentKeys ?? []) {
      const value = key.data?.secret?.plainValue;
      if (value !== undefined) ledger.add('content key', value);
    }
    return undefined;
  }
  if (answer.status >= 400 && answer.status < 500) {
    const text = answer.body.toString('utf8');
    const match = REFUSAL_LINE.exec(text);
    if (!match) return `${answer.status} without a one-line "CODE: reason" body: ${JSON.stringify(text.slice(0, 200))}`;
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
