import { ServerError } from './errors.js';

/** Fewest characters of a token the server is given in clear text. */
export const MIN_TOKEN_LENGTH = 32;
/** Least estimated entropy of such a token, in bits. */
export const MIN_TOKEN_BITS = 88;

/**
 * The entropy of a text estimated from its own character frequencies (Shannon, in bits, times
 * its length): 0 for `aaaa…`, about 4.6 bits a character for random base64, 3.6 for random hex (a random hex token of 32 characters scores 90 bits at the very least).
 */
export function estimatedBits(text: string): number {
  const counts = new Map<string, number>();
  for (const character of text) counts.set(character, (counts.get(character) ?? 0) + 1);
  const length = [...text].length;
  let bits = 0;
  for (const count of counts.values()) bits -= count * Math.log2(count / length);
  return bits;
}

/**
 * Refuses a token given in clear text (`CPIXKIT_DEV_TOKEN`, `CPIXKIT_METRICS_TOKEN`) shorter than
 * {@link MIN_TOKEN_LENGTH} characters, with less than {@link MIN_TOKEN_BITS} bits of estimated
 * entropy, or made of a shorter text repeated. The message names the variable, never the value.
 *
 * @throws {@link ServerError} `ERR_SERVER_CONFIG`.
 */
export function checkTokenStrength(name: string, token: string): void {
  if ([...token].length < MIN_TOKEN_LENGTH || estimatedBits(token) < MIN_TOKEN_BITS || /^([\s\S]+?)\1+$/.test(token)) {
    throw new ServerError(
      'ERR_SERVER_CONFIG',
      500,
      `${name} is too weak: give at least ${MIN_TOKEN_LENGTH} characters with about ${MIN_TOKEN_BITS} bits of entropy, e.g. the output of "openssl rand -base64 32"`,
    );
  }
}
