import { WIDEVINE_SYSTEM_ID } from '@cpixkit/pssh';

/** KEYFORMAT values of the DRM systems, as Apple and the DRM vendors document them. */
export const KEY_FORMATS = {
  fairPlay: 'com.apple.streamingkeydelivery',
  widevine: `urn:uuid:${WIDEVINE_SYSTEM_ID}`,
  playReady: 'com.microsoft.playready',
  identity: 'identity',
} as const;
