/**
 * Wraps an async computation so that it runs once: concurrent and later callers share its
 * promise. A rejected run is forgotten, so the next call starts again.
 */
export function cachedUntilFailure<T>(compute: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= compute().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
