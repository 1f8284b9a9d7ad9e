import type { DrmSystem } from '@cpixkit/cpix-model';
import { KeyServiceError } from './errors.js';
import { type PlannedSystem, SLOT_NAMES, type SignaledSystem, type SignalingSlot } from './request-plan.js';
import type { KeyServiceWarning } from './types.js';

/** What a dialect writes into a `DRMSystem`, per DRM system. */
export interface SlotTable {
  /** Every slot the dialect fills for the system when asked. */
  fillable: Record<SignaledSystem, readonly SignalingSlot[]>;
  /**
   * What a `DRMSystem` that asks for nothing gets (SPEKE), or what every `DRMSystem` gets whatever
   * it asks (PallyCon, with `fixed`).
   */
  defaults: Record<SignaledSystem, readonly SignalingSlot[]>;
  /** True when the answer always holds the defaults, asked for or not (PallyCon); `defaults` is then all it fills. */
  fixed: boolean;
}

/** Warning code: an empty placeholder that does not apply to its DRM system (or dialect) was removed. */
export const PLACEHOLDER_REMOVED = 'PLACEHOLDER_REMOVED';
/** Warning code: an empty placeholder that does not apply to its key's encryption scheme was removed. */
export const PLACEHOLDER_REMOVED_FOR_SCHEME = 'PLACEHOLDER_REMOVED_FOR_SCHEME';

/** The reason of a slot the dialect does not fill for the system. */
const NOT_FILLED = Symbol('not filled');
const HLS_SLOTS: readonly SignalingSlot[] = ['hls-media', 'hls-master'];
const SMOOTH_STREAMING_SLOTS: readonly SignalingSlot[] = ['smoothStreaming', 'speke:ProtectionHeader'];

/** True when the request's element for `slot` holds a value (not an empty placeholder). */
export function placeholderHasValue(system: DrmSystem, slot: SignalingSlot): boolean {
  switch (slot) {
    case 'pssh':
      return (system.pssh?.length ?? 0) > 0;
    case 'contentProtectionData':
      return (system.contentProtectionData?.value.length ?? 0) > 0;
    case 'uriExtXKey':
      return (system.uriExtXKey?.length ?? 0) > 0;
    case 'hls-media':
    case 'hls-master': {
      const wanted = slot === 'hls-media' ? 'media' : 'master';
      return (system.hlsSignalingData ?? []).some(
        (hls) => (hls.playlist ?? 'media') === wanted && hls.value.length > 0,
      );
    }
    case 'smoothStreaming':
      return (system.smoothStreamingProtectionHeaderData?.trim().length ?? 0) > 0;
    case 'hds':
      return (system.hdsSignalingData?.length ?? 0) > 0;
    case 'speke:ProtectionHeader':
      return (system.speke?.protectionHeader?.length ?? 0) > 0;
    case 'speke:KeyFormat':
      return (system.speke?.keyFormat?.length ?? 0) > 0;
    case 'speke:KeyFormatVersions':
      return (system.speke?.keyFormatVersions?.length ?? 0) > 0;
  }
}

/**
 * Why a slot does not apply to the key's encryption scheme, or `undefined` when it does: Smooth
 * Streaming plays only `cenc` (AES-CTR, whole samples); HLS carries Widevine and PlayReady only
 * for `cenc` and `cbcs` keys.
 */
function schemeMismatch(planned: PlannedSystem, slot: SignalingSlot): string | undefined {
  const scheme = planned.key.scheme ?? 'cenc';
  if (SMOOTH_STREAMING_SLOTS.includes(slot) && scheme !== 'cenc')
    return `Smooth Streaming plays only cenc keys; kid ${planned.key.kid} is ${scheme}`;
  const commonEncryption = planned.system === 'widevine' || planned.system === 'playready';
  if (commonEncryption && HLS_SLOTS.includes(slot) && scheme !== 'cenc' && scheme !== 'cbcs') {
    return `HLS signals cenc and cbcs keys only; kid ${planned.key.kid} is ${scheme}`;
  }
  return undefined;
}

/**
 * The slots filled for one `DRMSystem`, in the order the request asked for them. A slot the
 * dialect does not fill for the system, or that does not apply to the key's scheme, is removed
 * from the answer with a warning when the request's element is an empty placeholder, and refused
 * when it carries a value the server cannot honour.
 *
 * @throws {@link KeyServiceError} `ERR_KEY_SERVICE_UNSUPPORTED_SIGNALING` (422) for a non-empty
 *   element that is removed.
 */
export function settleSlots(planned: PlannedSystem, table: SlotTable, warnings: KeyServiceWarning[]): SignalingSlot[] {
  const fillable = table.fillable[planned.system];
  const asked = planned.requested;
  const wanted = table.fixed || asked.length === 0 ? table.defaults[planned.system] : asked;
  const filled: SignalingSlot[] = [];
  for (const slot of wanted) {
    const mismatch = fillable.includes(slot) ? schemeMismatch(planned, slot) : NOT_FILLED;
    if (mismatch === undefined) filled.push(slot);
    else if (asked.includes(slot)) removePlaceholder(planned, slot, mismatch, warnings);
  }
  for (const slot of asked) {
    if (!wanted.includes(slot)) removePlaceholder(planned, slot, NOT_FILLED, warnings);
  }
  return filled;
}

function removePlaceholder(
  planned: PlannedSystem,
  slot: SignalingSlot,
  reason: string | typeof NOT_FILLED,
  warnings: KeyServiceWarning[],
): void {
  const why = reason === NOT_FILLED ? `${planned.name} has no ${SLOT_NAMES[slot]} in this answer` : reason;
  if (placeholderHasValue(planned.source, slot)) {
    throw new KeyServiceError(
      'ERR_KEY_SERVICE_UNSUPPORTED_SIGNALING',
      422,
      `${planned.label}: its ${SLOT_NAMES[slot]} carries a value the server cannot honour (${why})`,
    );
  }
  warnings.push({
    code: reason === NOT_FILLED ? PLACEHOLDER_REMOVED : PLACEHOLDER_REMOVED_FOR_SCHEME,
    path: planned.label,
    message: `${why}: the empty ${SLOT_NAMES[slot]} was removed`,
  });
}
