import type { Reply } from "@wxgate/wechat";
import type { Logger } from "../platform/logger.js";
import type { ReplyProvider, ReplyRequest } from "./ports.js";

/** The default reply budget: WeChat waits 5 s; what is left is for verifying, recording and sealing. */
export const DEFAULT_REPLY_DEADLINE_MS = 4000;

/**
 * The ordered reply providers with one shared budget. Pluggable: modules (and benchmarks)
 * `register` their provider; the first to answer wins; when the budget runs out the chain
 * answers undefined and the push is answered `success`.
 */
export class ReplyChain {
  private readonly providers: ReplyProvider[] = [];
  /** Pushes arriving within one slot share a deadline: one controller and one timer per slot, not per push. */
  private readonly slotMs: number;
  private slot: { openedAt: number; signal: AbortSignal; expired: Promise<undefined> } | undefined;

  constructor(private readonly options: { deadlineMs: number; logger: Logger }) {
    // A push joining a slot late loses at most this much of its budget.
    this.slotMs = Math.min(25, options.deadlineMs / 10);
  }

  /** Adds a provider; `first` puts it before the others. */
  register(provider: ReplyProvider, position: "first" | "last" = "last"): void {
    if (position === "first") this.providers.unshift(provider);
    else this.providers.push(provider);
  }

  get size(): number {
    return this.providers.length;
  }

  /** Asks each provider in turn until one replies or the budget is spent. */
  async reply(request: ReplyRequest): Promise<{ reply: Reply; provider: string } | undefined> {
    if (this.providers.length === 0) return undefined;
    const { signal, expired } = this.currentSlot();
    return Promise.race([this.walk(request, signal), expired]);
  }

  /** The deadline of pushes arriving now (real time: WeChat's 5 seconds are real). */
  private currentSlot(): { signal: AbortSignal; expired: Promise<undefined> } {
    const now = performance.now();
    if (this.slot && now - this.slot.openedAt < this.slotMs) return this.slot;
    const controller = new AbortController();
    const expired = new Promise<undefined>((resolve) => {
      const timer = setTimeout(() => {
        controller.abort();
        resolve(undefined);
      }, this.options.deadlineMs);
      // Never keeps the process alive: a slot outlives its pushes by design.
      timer.unref();
    });
    this.slot = { openedAt: now, signal: controller.signal, expired };
    return this.slot;
  }

  private async walk(
    request: ReplyRequest,
    signal: AbortSignal,
  ): Promise<{ reply: Reply; provider: string } | undefined> {
    for (const provider of this.providers) {
      if (signal.aborted) return undefined;
      try {
        const reply = await provider.reply(request, signal);
        if (reply) return { reply, provider: provider.name };
      } catch (error) {
        // One failing provider must not cost the follower the others' answer.
        if (!signal.aborted) {
          this.options.logger.warn(
            { err: error, provider: provider.name, eventId: request.eventId },
            "reply provider failed",
          );
        }
      }
    }
    return undefined;
  }
}
