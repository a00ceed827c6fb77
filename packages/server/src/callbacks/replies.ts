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
  private slot: DeadlineSlot | undefined;

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
    const slot = this.currentSlot();
    return slot.race(this.walk(request, slot.signal));
  }

  /** The deadline of pushes arriving now (real time: WeChat's 5 seconds are real). */
  private currentSlot(): DeadlineSlot {
    const now = performance.now();
    if (this.slot && now - this.slot.openedAt < this.slotMs) return this.slot;
    this.slot?.retire();
    this.slot = new DeadlineSlot(now, this.options.deadlineMs);
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

/** A push still waiting for its providers, linked into its slot until it has its answer. */
interface Waiter {
  settle: () => void;
  previous: Waiter | undefined;
  next: Waiter | undefined;
}

/**
 * One deadline shared by the pushes of a slot. Racing each push against a promise of the
 * slot's would leave a reaction on that promise per push until the deadline (4 s of every
 * push's answer kept alive, all of it promoted to the old generation and found again by the
 * next full collection); a push finished in time unlinks itself instead, and the list holds
 * only the pushes still waiting. A slot whose pushes all have their answer once newer pushes
 * go to the next slot is done: its timer is cleared, and it never aborts (an abort makes an
 * error with a stack, for no one).
 */
class DeadlineSlot {
  readonly #controller = new AbortController();
  readonly #timer: NodeJS.Timeout;
  #waiting: Waiter | undefined;
  /** Pushes still join it (until the chain opens the next slot). */
  #open = true;
  #expired = false;

  constructor(
    readonly openedAt: number,
    deadlineMs: number,
  ) {
    this.#timer = setTimeout(() => this.#expire(), deadlineMs);
    // Never keeps the process alive: a slot may outlive its pushes.
    this.#timer.unref();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** No push joins any more: once none is waiting, the deadline no longer matters. */
  retire(): void {
    this.#open = false;
    if (!this.#waiting) clearTimeout(this.#timer);
  }

  /** The work's outcome, or undefined once the deadline passes first. */
  race<T>(work: Promise<T>): Promise<T | undefined> {
    if (this.#expired) return Promise.resolve(undefined);
    return new Promise<T | undefined>((resolve, reject) => {
      const waiter: Waiter = { settle: () => resolve(undefined), previous: undefined, next: this.#waiting };
      if (this.#waiting) this.#waiting.previous = waiter;
      this.#waiting = waiter;
      work.then(
        (value) => {
          this.#unlink(waiter);
          resolve(value);
        },
        (error: unknown) => {
          this.#unlink(waiter);
          reject(error);
        },
      );
    });
  }

  #unlink(waiter: Waiter): void {
    if (waiter.previous) waiter.previous.next = waiter.next;
    else if (this.#waiting === waiter) this.#waiting = waiter.next;
    if (waiter.next) waiter.next.previous = waiter.previous;
    waiter.previous = waiter.next = undefined;
    if (!this.#waiting && !this.#open) clearTimeout(this.#timer);
  }

  #expire(): void {
    this.#expired = true;
    let waiter = this.#waiting;
    if (!waiter) return;
    this.#waiting = undefined;
    this.#controller.abort();
    while (waiter) {
      const next: Waiter | undefined = waiter.next;
      waiter.previous = waiter.next = undefined;
      waiter.settle();
      waiter = next;
    }
  }
}
