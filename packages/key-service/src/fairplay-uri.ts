import { buildFairPlayUri } from '@cpixkit/hls-signaling';
import type { TenantSettings } from './types.js';

/** Whose forms a dialect's FairPlay URIs take: the tenant's (`settings.fairPlay`), or PallyCon's ({@link pallyConFairPlayUri}). */
export type FairPlayUriStyle = 'tenant' | 'pallycon';

/** What a FairPlay `skd://` URI may be built from. */
export interface FairPlayUriInput {
  kid: string;
  iv: Uint8Array;
  contentId: string;
  periodIndex?: number;
}

/**
 * The FairPlay key URI in the tenant's form: `kid` → `skd://<kid>`; `kid-iv` →
 * `skd://<kid>:<IV hex>` (Axinom); `kid-base64` → `skd://<base64 KID>` (PallyCon VOD); `content-period`
 * → `skd://<content id>` followed, for a key of a key period, by the index as 16 hex digits
 * (PallyCon live); `template` → the tenant's own pattern.
 */
export function fairPlayUri(settings: TenantSettings['fairPlay'], input: FairPlayUriInput): string {
  const { kid, iv, contentId, periodIndex } = input;
  switch (settings.uriForm) {
    case 'kid':
      return buildFairPlayUri({ template: 'skd://{kid}', kid });
    case 'kid-iv':
      return buildFairPlayUri({ form: 'kid-iv', kid, iv });
    case 'kid-base64':
      return buildFairPlayUri({ form: 'kid-base64', kid });
    case 'content-period':
      return periodIndex === undefined
        ? buildFairPlayUri({ template: 'skd://{contentId}', contentId })
        : buildFairPlayUri({ form: 'content-period', contentId, periodIndex });
    case 'template':
      return buildFairPlayUri({
        template: settings.uriTemplate ?? '',
        kid,
        iv,
        contentId,
        ...(periodIndex !== undefined ? { periodIndex } : {}),
      });
  }
}

/** PallyCon's forms: the base64 KID for VOD keys, the content id and period index for live keys. */
export function pallyConFairPlayUri(input: FairPlayUriInput): string {
  return fairPlayUri({ uriForm: input.periodIndex === undefined ? 'kid-base64' : 'content-period' }, input);
}
