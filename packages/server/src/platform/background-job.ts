import type { Logger } from "./logger.js";

/**
 * Work the server does in the background on a timer (the lifecycle sweep, the token refresher,
 * the webhook deliveries), or when woken: one run at a time — a call while one runs starts
 * after it, a tick that comes while one runs is skipped — the timer never keeps the process
 * alive by itself, and `stop` waits for the run in progress, so closing the server never cuts
 * one short.
 */
export abstract class BackgroundJob<R> {
  #timer: NodeJS.Timeout | undefined;
  /** The last run asked for; the next one starts after it. */
  #tail: Promise<unknown> = Promise.resolve();
  #pending = 0;
  /** A run asked for by {@link wake} is waiting to begin. */
  #woken = false;

  /**
   * @param description what the job does, for the log line of a failed run ("the … sweep")
   */
  constructor(
    private readonly description: string,
    private readonly jobLogger: Logger,
  ) {}

  /** One run's work. */
  protected abstract work(): Promise<R>;

  /** One run, after the one in progress if any. */
  run(): Promise<R> {
    return this.#queue(() => this.work());
  }

  /**
   * Asks for a run soon, while started — when work has arrived, say — without piling runs up:
   * a run asked for by an earlier wake that has not begun yet covers this one. A job that is
   * not started sleeps through it (whoever drives it calls {@link run}).
   */
  wake(): void {
    if (!this.#timer || this.#woken) return;
    this.#woken = true;
    this.#queue(() => {
      this.#woken = false;
      return this.work();
    }).catch((error: unknown) => this.jobLogger.error({ err: error }, `${this.description} failed`));
  }

  #queue(work: () => Promise<R>): Promise<R> {
    this.#pending++;
    const result = this.#tail.then(work).finally(() => this.#pending--);
    this.#tail = result.catch(() => {});
    return result;
  }

  /** Runs now and every `intervalMs`. */
  start(intervalMs: number): void {
    if (this.#timer) return;
    const tick = () => {
      // A run still going covers this tick.
      if (this.#pending > 0) return;
      this.run().catch((error: unknown) =>
        this.jobLogger.error({ err: error }, `${this.description} failed`),
      );
    };
    this.#timer = setInterval(tick, intervalMs);
    this.#timer.unref();
    tick();
  }

  /** True while the timer is set. */
  get scheduled(): boolean {
    return this.#timer !== undefined;
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#tail;
  }
}
