/** Options of {@link AuthFailureLimiter}. */
export interface AuthFailureLimits {
  /** Failed authentications one client address may make per window; 0 turns the limit off. */
  perWindow: number;
  /** The window, in milliseconds (default one minute). */
  windowMs?: number;
  /** Most client addresses tracked at once (default 10,000): when full, the oldest is forgotten. */
  maxAddresses?: number;
}

interface Window {
  startedAt: number;
  failures: number;
}

/**
 * Counts failed authentications per client address in fixed windows, so that a client guessing
 * tokens is refused (429) once it has failed `perWindow` times, until its window ends: every
 * credential it presents meanwhile is refused unchecked, the right one included, so a flood learns
 * nothing. Memory is bounded by `maxAddresses`.
 */
export class AuthFailureLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly perWindow: number;
  private readonly windowMs: number;
  private readonly maxAddresses: number;

  constructor(
    limits: AuthFailureLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.perWindow = limits.perWindow;
    this.windowMs = limits.windowMs ?? 60_000;
    this.maxAddresses = limits.maxAddresses ?? 10_000;
  }

  private current(address: string): Window | undefined {
    const window = this.windows.get(address);
    if (window !== undefined && this.now() - window.startedAt >= this.windowMs) {
      this.windows.delete(address);
      return undefined;
    }
    return window;
  }

  /** Seconds until `address` may try again, or 0 when it may now. */
  retryAfterSeconds(address: string): number {
    if (this.perWindow === 0) return 0;
    const window = this.current(address);
    if (window === undefined || window.failures < this.perWindow) return 0;
    return Math.max(1, Math.ceil((window.startedAt + this.windowMs - this.now()) / 1000));
  }

  /** Records a failed authentication from `address`. */
  recordFailure(address: string): void {
    if (this.perWindow === 0) return;
    const window = this.current(address);
    if (window !== undefined) {
      window.failures += 1;
      return;
    }
    if (this.windows.size >= this.maxAddresses) this.windows.delete(this.windows.keys().next().value!);
    this.windows.set(address, { startedAt: this.now(), failures: 1 });
  }
}
