/**
 * Spaces an account's sends to its rate (sends per second), over every campaign and job of
 * this process: each send takes the next free slot. Real time, not the clock port: it paces
 * traffic to WeChat and decides nothing a test asserts.
 */
export class Pacer {
  readonly #next = new Map<string, number>();

  /** Waits for the account's next slot at `perSecond`. */
  async slot(appid: string, perSecond: number): Promise<void> {
    const now = performance.now();
    const gap = 1000 / perSecond;
    const at = Math.max(now, this.#next.get(appid) ?? now);
    this.#next.set(appid, at + gap);
    const wait = at - now;
    // Below a millisecond, the timer would cost more than it spaces.
    if (wait >= 1) await new Promise<void>((resolve) => setTimeout(resolve, wait));
  }
}

/** Messages sent per campaign over the last minute, for the progress' rate (this process's sends). */
export class SendRates {
  readonly #seconds = new Map<string, Map<number, number>>();

  note(campaignId: string, now: number, sent = 1): void {
    const second = Math.floor(now / 1000);
    let counts = this.#seconds.get(campaignId);
    if (!counts) {
      counts = new Map();
      this.#seconds.set(campaignId, counts);
    }
    counts.set(second, (counts.get(second) ?? 0) + sent);
    if (counts.size > 120) {
      for (const key of counts.keys()) if (key < second - 60) counts.delete(key);
    }
  }

  /** Sent per second over the last minute (or since the first send of that minute). */
  perSecond(campaignId: string, now: number): number {
    const counts = this.#seconds.get(campaignId);
    if (!counts) return 0;
    const second = Math.floor(now / 1000);
    let total = 0;
    let first = second;
    for (const [key, count] of counts) {
      if (key > second - 60 && key <= second) {
        total += count;
        first = Math.min(first, key);
      }
    }
    return total === 0 ? 0 : total / Math.max(1, second - first + 1);
  }
}
