import { KeyServiceError } from './errors.js';

/**
 * The longest content id each dialect accepts, in characters (UTF-16 code units): PallyCon (and
 * ATEME, answered as PallyCon) allow 200; SPEKE, which states no limit, 1024. A longer one is
 * refused before any key is derived or signalled.
 */
export const MAX_CONTENT_ID_LENGTH = { pallyCon: 200, speke: 1024 } as const;

/**
 * Refuses a content id longer than `max` characters.
 *
 * @throws {@link KeyServiceError} `ERR_KEY_SERVICE_CONTENT_ID_TOO_LONG` (422).
 */
export function checkContentId(contentId: string, max: number): void {
  if (contentId.length > max) {
    throw new KeyServiceError(
      'ERR_KEY_SERVICE_CONTENT_ID_TOO_LONG',
      422,
      `the content id is ${contentId.length} characters long; this dialect accepts at most ${max}`,
    );
  }
}
