import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A key, seed, secret or token the suite used, kept so the servers' logs can be searched for it. */
export interface Secret {
  /** What it is, for a finding's message (never the value). */
  label: string;
  /** Text (a token, a seed as configured) or bytes (a content key, a decoded seed). */
  value: string | Uint8Array;
}

/** A secret found in a log file. */
export interface SecretFinding {
  label: string;
  /** How it was written: `raw`, `base64`, `base64url`, `hex`… */
  form: string;
  file: string;
}

/** Characters of base64, base64url, hex and the suite's tokens: a secret written in any of those forms is a run of them. */
const SECRET_ALPHABET = /[A-Za-z0-9+/=_-]+/g;
/** Window length of the run index; every searched text form is at least this long. */
const WINDOW = 16;

function textForms(bytes: Uint8Array): [form: string, text: string][] {
  const buffer = Buffer.from(bytes);
  const base64 = buffer.toString('base64');
  const hex = buffer.toString('hex');
  return [
    ['base64', base64],
    ['base64 unpadded', base64.replace(/=+$/, '')],
    ['base64url', buffer.toString('base64url')],
    ['hex', hex],
    ['HEX', hex.toUpperCase()],
  ];
}

/** Every form a secret could take in a log line: raw bytes, and the usual text encodings of its bytes. */
export function secretForms(secret: Secret): { text: [string, string][]; bytes: [string, Buffer][] } {
  const bytes = typeof secret.value === 'string' ? Buffer.from(secret.value, 'utf8') : Buffer.from(secret.value);
  const text = textForms(bytes);
  if (typeof secret.value === 'string') text.unshift(['raw', secret.value]);
  return { text, bytes: typeof secret.value === 'string' ? [] : [['raw bytes', bytes]] };
}

/**
 * Searches log files for secrets. Text forms are looked up through an index of every window of
 * the alphabet runs in the logs (a secret written as base64, hex or a token lies inside one such
 * run, so its first window is in the index), which keeps thousands of keys cheap; raw bytes are
 * searched directly.
 */
export function findSecrets(
  logs: readonly { file: string; content: Buffer }[],
  secrets: readonly Secret[],
): SecretFinding[] {
  const windows = new Map<string, Set<string>>();
  for (const { file, content } of logs) {
    for (const [run] of content.toString('latin1').matchAll(SECRET_ALPHABET)) {
      for (let start = 0; start + WINDOW <= run.length; start++) {
        const window = run.slice(start, start + WINDOW);
        const files = windows.get(window);
        if (files === undefined) windows.set(window, new Set([file]));
        else files.add(file);
      }
    }
  }
  const findings: SecretFinding[] = [];
  for (const secret of secrets) {
    const forms = secretForms(secret);
    for (const [form, text] of forms.text) {
      if (text.length < WINDOW || !/^[A-Za-z0-9+/=_-]+$/.test(text)) {
        // Short or unusual text: searched directly.
        for (const { file, content } of logs) {
          if (content.includes(text, 0, 'utf8')) findings.push({ label: secret.label, form, file });
        }
        continue;
      }
      for (const file of windows.get(text.slice(0, WINDOW)) ?? []) {
        const log = logs.find((entry) => entry.file === file)!;
        if (log.content.includes(text, 0, 'utf8')) findings.push({ label: secret.label, form, file });
      }
    }
    for (const [form, bytes] of forms.bytes) {
      for (const { file, content } of logs) {
        if (content.includes(bytes)) findings.push({ label: secret.label, form, file });
      }
    }
  }
  return findings;
}

/** The run directory's layout: server logs and the secrets each test file used. */
export function logDir(runDir: string): string {
  return join(runDir, 'logs');
}

function secretDir(runDir: string): string {
  return join(runDir, 'secrets');
}

/**
 * The secrets one test file used. `save()` writes them to the run directory, where the global
 * teardown searches every server log of the suite for every secret of every file.
 */
export class SecretLedger {
  private readonly secrets: Secret[] = [];
  private readonly seenKeys = new Set<string>();

  constructor(
    private readonly runDir: string,
    private readonly name: string,
  ) {}

  /** Remembers a secret. Content keys seen before are kept once. */
  add(label: string, value: string | Uint8Array): void {
    if (typeof value !== 'string') {
      const id = Buffer.from(value).toString('base64');
      if (this.seenKeys.has(id)) return;
      this.seenKeys.add(id);
    }
    this.secrets.push({ label, value });
  }

  /** Everything remembered so far. */
  get all(): readonly Secret[] {
    return this.secrets;
  }

  /** Writes the secrets where the global teardown finds them. */
  save(): void {
    mkdirSync(secretDir(this.runDir), { recursive: true });
    const records = this.secrets.map(({ label, value }) =>
      typeof value === 'string' ? { label, text: value } : { label, bytes: Buffer.from(value).toString('base64') },
    );
    writeFileSync(
      join(secretDir(this.runDir), `${this.name}-${randomBytes(4).toString('hex')}.json`),
      JSON.stringify(records),
    );
  }
}

/** Every secret saved by the suite's test files. */
export function savedSecrets(runDir: string): Secret[] {
  let files: string[];
  try {
    files = readdirSync(secretDir(runDir));
  } catch {
    return [];
  }
  return files.flatMap((file) =>
    (
      JSON.parse(readFileSync(join(secretDir(runDir), file), 'utf8')) as {
        label: string;
        text?: string;
        bytes?: string;
      }[]
    ).map((record) => ({
      label: record.label,
      value: record.text ?? new Uint8Array(Buffer.from(record.bytes ?? '', 'base64')),
    })),
  );
}

/** Every server log file of the suite. */
export function savedLogs(runDir: string): { file: string; content: Buffer }[] {
  let files: string[];
  try {
    files = readdirSync(logDir(runDir));
  } catch {
    return [];
  }
  return files.map((file) => ({ file, content: readFileSync(join(logDir(runDir), file)) }));
}

/** One finding as a line: which secret, in which form, in which log file (never the value). */
export function describeFinding(finding: SecretFinding): string {
  return `${finding.label} (${finding.form}) in ${finding.file}`;
}
