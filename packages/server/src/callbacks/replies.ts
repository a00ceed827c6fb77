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

  constructor(private readonly options: { deadlineMs: number; logger: Logger }) {}

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
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => {
        controller.abort();
        resolve(undefined);
      }, this.options.deadlineMs);
    });
    try {
      return await Promise.race([this.walk(request, controller.signal), expired]);
    } finally {
      // Not aborted on success: building an abort reason per push costs more than it saves.
      clearTimeout(timer);
    }
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
