const UUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;

/**
 * True when `value` is a UUID in its dashed 8-4-4-4-12 form, hex digits of either case: the form
 * CPIX gives KIDs and DRM system ids (`ContentKey@kid`, `DRMSystem@systemId` …).
 */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
