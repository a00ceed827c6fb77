import { LruCache } from "./cache.js";
import type { Clock, RateLimitCount, RateLimitStore } from "./ports.js";

interface Window {
  count: number;
  endsAt: number;
}

/** Options of {@link MemoryRateLimitStore}. */
export interface MemoryRateLimitStoreOptions {
  clock: Clock;
  /**
   * Most keys remembered; the least recently hit is forgotten first. Each costs about a
   * hundred bytes, so a flood of distinct usernames stays within a few megabytes.
   */
  maxKeys?: number;
}

/**
 * The embedded {@link RateLimitStore}: fixed windows in process memory. Time comes from the
 * Clock port (the rate-limit plugin's own memory store reads the wall clock), so a window
 * ends when a test moves its clock, not when the machine gets round to it.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly clock: Clock;
  private readonly windows: LruCache<Window>;

  constructor(options: MemoryRateLimitStoreOptions) {
    this.clock = options.clock;
    this.windows = new LruCache({ maxEntries: options.maxKeys ?? 100_000, clock: options.clock });
  }

  hit(key: string, windowMs: number): Promise<RateLimitCount> {
    const now = this.clock.now();
    const window = this.windows.get(key);
    if (window) {
      window.count += 1;
      return Promise.resolve({ count: window.count, resetInMs: window.endsAt - now });
    }
    this.windows.set(key, { count: 1, endsAt: now + windowMs }, windowMs);
    return Promise.resolve({ count: 1, resetInMs: windowMs });
  }
}
