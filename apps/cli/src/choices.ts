// The value sets of options with fixed choices, shared by the command tree and the commands; kept apart
// from the commands so that building the tree loads no library.

/** The packagers `cpixkit packager-args --for` writes arguments (nginx-vod: its DRM upstream answer) for. */
export const PACKAGERS = ['shaka-packager', 'mp4split', 'bento4', 'ffmpeg', 'nginx-vod'] as const;

/** One of {@link PACKAGERS}. */
export type Packager = (typeof PACKAGERS)[number];

/** Common Encryption schemes (ISO/IEC 23001-7): cpix-model's `COMMON_ENCRYPTION_SCHEMES`, repeated here for startup speed. */
export const ENCRYPTION_SCHEMES = ['cenc', 'cbc1', 'cens', 'cbcs'] as const;

/** The lists a CPIX signature can cover besides the whole document. */
export const SIGNATURE_TARGETS = [
  'document',
  'DeliveryDataList',
  'ContentKeyList',
  'DRMSystemList',
  'ContentKeyPeriodList',
  'ContentKeyUsageRuleList',
  'UpdateHistoryItemList',
] as const;

/** The dialects of `cpixkit request`: `@cpixkit/client`'s `CPIX_DIALECTS`, repeated here for startup speed. */
export const DIALECTS = ['speke-v1', 'speke-v2', 'pallycon-v1', 'pallycon-v2', 'anevia'] as const;
