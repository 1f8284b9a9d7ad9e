import { KeySeedError } from './errors.js';
import { PLAYREADY_KEY_SEED_LENGTH } from './playready-key-seed.js';

const HEX = /^(?:0x)?((?:[0-9a-f]{2})+)$/i;
const BASE64 = /^([A-Za-z0-9+/_-]+)(={0,2})$/;

/**
 * Reads a PlayReady key seed written as text: hex (optionally `0x`-prefixed, any case) or base64
 * (standard or URL-safe alphabet, padding optional). Text made only of hex digits, with an even
 * length, is read as hex. Surrounding whitespace is ignored.
 *
 * @returns the seed bytes, at least 30 of them.
 * @throws {@link KeySeedError} `ERR_KEY_SEED_INVALID_ENCODING` (neither hex nor base64) or
 *   `ERR_KEY_SEED_TOO_SHORT`. The message never repeats the text.
 */
export function parseKeySeed(text: string): Uint8Array {
  if (typeof text !== 'string') {
    throw new KeySeedError('ERR_KEY_SEED_INVALID_ENCODING', 'a key seed must be given as a hex or base64 string');
  }
  const trimmed = text.trim();
  const seed = decodeSeedText(trimmed);
  if (seed.length < PLAYREADY_KEY_SEED_LENGTH) {
    throw new KeySeedError(
      'ERR_KEY_SEED_TOO_SHORT',
      `a PlayReady key seed is at least ${PLAYREADY_KEY_SEED_LENGTH} bytes, this one decodes to ${seed.length}`,
    );
  }
  return seed;
}

function decodeSeedText(text: string): Uint8Array {
  const hex = HEX.exec(text);
  if (hex) return Uint8Array.from(Buffer.from(hex[1]!, 'hex'));
  const base64 = BASE64.exec(text);
  if (base64) {
    // Stryker disable next-line StringLiteral: both groups take part in every match, so the defaults never apply
    const [, body = '', padding = ''] = base64;
    const urlSafe = /[-_]/.test(body);
    const mixedAlphabets = urlSafe && /[+/]/.test(body);
    const paddingFits = padding === '' || (body.length + padding.length) % 4 === 0;
    if (
      !mixedAlphabets &&
      paddingFits &&
      // Stryker disable next-line ConditionalExpression,ArithmeticOperator: a body of 4n + 1 characters never re-encodes to itself, so the check below refuses it too
      body.length % 4 !== 1
    ) {
      const encoding = urlSafe ? 'base64url' : 'base64';
      const bytes = Buffer.from(body, encoding);
      // Node ignores non-zero trailing bits; re-encoding rejects text that is not what it decodes to.
      if (bytes.toString(encoding).replace(/=+$/, '') === body) return Uint8Array.from(bytes);
    }
  }
  throw new KeySeedError(
    'ERR_KEY_SEED_INVALID_ENCODING',
    `a key seed must be hex or base64 (${text.length} characters given, not valid as either)`,
  );
}
