import type { TenantSettings } from './types.js';

/**
 * The settings a tenant gets for everything its config leaves out: PlayReady header 4.0.0.0 with
 * checksums (what every seed vendor emits for one key), Widevine data with only the KID and the
 * protection scheme (Axinom, AWS), FairPlay `skd://<kid>:<iv>` URIs, AES-128 enabled with key URLs
 * valid for a year (signed with the derivation secret) for keys that serve no DRM system, request
 * KIDs kept (a KID per scheme where the server derives them), at most 64 keys and a 2 MiB answer per
 * request, no AES-128 for ATEME, no ClearKey, no cross-origin browser access.
 */
export function defaultTenantSettings(): TenantSettings {
  return {
    playReady: { headerVersion: '4.0.0.0', includeChecksum: true },
    widevine: { contentId: 'none', protectionScheme: true, algorithm: false, trackType: false },
    fairPlay: { uriForm: 'kid-iv' },
    aes128: { enabled: true, keyUrlTtlSeconds: 365 * 24 * 60 * 60, allowDrmKeys: false },
    kidPolicy: 'keep',
    kidPerScheme: true,
    maxKeysPerRequest: 64,
    maxAnswerBytes: 2 * 1024 * 1024,
    anevia: { hlsAes128: false },
    clearKey: { enabled: false },
    cors: { allowedOrigins: [] },
  };
}
