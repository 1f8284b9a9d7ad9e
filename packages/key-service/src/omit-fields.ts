/**
 * A shallow copy of `source` without the `omitted` fields, for echoing a request element with
 * some of its fields replaced. Copied key by key into a fresh object literal rather than with
 * object rest (`const { a, ...rest } = source`): V8 gives every rest copy a hidden class of its
 * own, so each field added to it afterwards builds new hidden classes, which made filling the
 * answer's `DRMSystem`s and `ContentKey`s many times slower and fed the garbage collector.
 */
export function omitFields<T extends object, K extends keyof T & string>(source: T, omitted: readonly K[]): Omit<T, K> {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    if (!(omitted as readonly string[]).includes(key)) copy[key] = source[key as keyof T];
  }
  return copy as Omit<T, K>;
}

/** `{ ...source, [field]: value }`, copied as {@link omitFields} copies (`source` may be absent). */
export function withField<T extends object, K extends keyof T & string>(
  source: T | undefined,
  field: K,
  value: T[K],
): T {
  const copy = (source === undefined ? {} : omitFields(source, [field])) as T;
  copy[field] = value;
  return copy;
}
