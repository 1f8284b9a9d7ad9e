import type { CpixDocument, DrmSystem } from '@cpixkit/cpix-model';
import { AES128_SYSTEM_ID, FAIRPLAY_SYSTEM_ID, PLAYREADY_SYSTEM_ID, WIDEVINE_SYSTEM_ID } from '@cpixkit/pssh';
import { KeyServiceError } from './errors.js';
import type { KeyServiceRequest, Tenant } from './types.js';

/** Content ids ATEME sends in the URL path: printable, no quotes, at most 200 characters. */
const CONTENT_ID = /^[^\s"'<>&\\]{1,200}$/;
/** Control characters (C0, DEL, C1), which are not printable (and mostly cannot be written in XML). */
const CONTROL = /\p{Cc}/u;
/** The placeholder KID of the request built here; the answer derives the real one from the content id. */
const PLACEHOLDER_KID = '00000000-0000-0000-0000-000000000000';

/**
 * The CPIX request an ATEME/Anevia NEA-DVR GET (`/cpix/anevia/{dash|hls}/{token}/{cid}`) stands
 * for: one key for the content id, with PlayReady and Widevine for `dash`, FairPlay (and HLS
 * AES-128 when `settings.anevia.hlsAes128`) for `hls`. It is answered like a PallyCon v1 request.
 *
 * @throws {@link KeyServiceError} 400 for a missing or unknown format or a content id that cannot be echoed.
 */
export function aneviaRequest(params: KeyServiceRequest['params'], tenant: Tenant): CpixDocument {
  const format = params?.format;
  const contentId = params?.contentId;
  if (format !== 'dash' && format !== 'hls') {
    throw new KeyServiceError('ERR_KEY_SERVICE_INVALID_PARAMS', 400, 'the streaming format must be dash or hls');
  }
  if (contentId === undefined || !CONTENT_ID.test(contentId) || CONTROL.test(contentId)) {
    throw new KeyServiceError(
      'ERR_KEY_SERVICE_INVALID_PARAMS',
      400,
      'the content id must be 1 to 200 printable characters without spaces, quotes, <, >, & or \\',
    );
  }
  const systemIds =
    format === 'dash'
      ? [PLAYREADY_SYSTEM_ID, WIDEVINE_SYSTEM_ID]
      : [FAIRPLAY_SYSTEM_ID, ...(tenant.settings.anevia.hlsAes128 ? [AES128_SYSTEM_ID] : [])];
  const drmSystems: DrmSystem[] = systemIds.map((systemId) => ({ systemId, kid: PLACEHOLDER_KID }));
  return {
    id: contentId,
    contentKeyList: { contentKeys: [{ kid: PLACEHOLDER_KID }] },
    drmSystemList: { drmSystems },
  };
}
