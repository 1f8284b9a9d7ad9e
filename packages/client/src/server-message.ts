/** Longest server message kept in an error. */
const MAX_MESSAGE = 300;
const REDACTED = '[redacted]';

/** Replaces every occurrence of the given secrets (tokens, passwords) in a text with `[redacted]`. */
export function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  // Longest first, so that a secret containing another is blanked whole.
  for (const secret of [...secrets].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)) {
    result = result.split(secret).join(REDACTED);
  }
  return result;
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE - 3)}...` : line;
}

const MESSAGE_FIELDS = [
  'error_message',
  'errorMessage',
  'message',
  'error_description',
  'msg',
  'error',
  'detail',
  'reason',
];
const CODE_FIELDS = ['error_code', 'errorCode', 'code', 'error', 'status_code'];

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * The message and code of a JSON error document (`{"error_code": …, "error_message": …}` as
 * PallyCon's KMS answers, or the common `message`/`code`/`error` shapes, possibly nested under
 * `error`); `undefined` when the text is not a JSON object.
 */
export function jsonErrorOf(text: string): { message?: string; code?: string } | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const record = parsed as Record<string, unknown>;
  const nested =
    record.error !== null && typeof record.error === 'object' ? (record.error as Record<string, unknown>) : undefined;
  const pick = (fields: string[]) => {
    for (const source of nested ? [record, nested] : [record]) {
      for (const field of fields) {
        const value = scalar(source[field]);
        if (value !== undefined) return value;
      }
    }
    return undefined;
  };
  const code = pick(CODE_FIELDS);
  const message = pick(MESSAGE_FIELDS.filter((field) => field !== 'error' || code !== scalar(record.error)));
  return { ...(message !== undefined ? { message } : {}), ...(code !== undefined ? { code } : {}) };
}

/**
 * The key server's one-line reason for an error answer, and its own error code when it gives one:
 * the `x-cpixkit-error` header and `CODE: message` text of cpixkit's server, JSON error documents,
 * the text of an XML or HTML error page, or plain text. Secrets are redacted; at most 300 characters.
 */
export function serverMessageOf(
  body: Uint8Array,
  headers: Headers,
  secrets: readonly string[],
): { message?: string; code?: string } {
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  let code = headers.get('x-cpixkit-error') ?? headers.get('x-amzn-errortype') ?? undefined;
  let message: string | undefined;
  const json = jsonErrorOf(text);
  if (json) {
    message = json.message;
    code ??= json.code;
  } else if (/^\s*</.test(text)) {
    message = text.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ');
  } else {
    message = text;
    const prefixed = /^\s*([A-Z][A-Z0-9_]{2,}):\s*([\s\S]*)$/.exec(text);
    if (prefixed && (code === undefined || code === prefixed[1])) {
      code = prefixed[1];
      message = prefixed[2];
    }
  }
  const line = message === undefined ? '' : oneLine(redact(message, secrets));
  return { ...(line ? { message: line } : {}), ...(code ? { code: oneLine(redact(code, secrets)).slice(0, 64) } : {}) };
}
