import TinyQueue from "tinyqueue";

/**
 * Emulated time. Every rule that WeChat ties to time (token expiry, the 5-minute overlap,
 * ticket pushes every 10 minutes, 48-hour windows, daily and monthly quotas) reads this
 * clock, so a test can jump a day ahead in one call instead of waiting for it.
 */
export interface Clock {
  /** Epoch milliseconds, as the emulated WeChat sees them. */
  now(): number;
}

/** The wall clock, unchanged. */
export const systemClock: Clock = { now: () => Date.now() };

export interface ControllableClockOptions {
  /** Start the emulated time at this epoch millisecond instead of now. */
  start?: number;
  /**
   * When true, time stands still between `advance` / `set` calls: tests become exact.
   * When false (the default), time flows with the wall clock plus an offset.
   */
  frozen?: boolean;
}

type ClockListener = (now: number) => void;

/**
 * A clock that runs with real time plus an offset (or stands still when frozen) and can be
 * moved forward. Moving it notifies listeners, which is how the scheduler fires due tasks.
 */
export class ControllableClock implements Clock {
  private offset = 0;
  private frozenAt: number | undefined;
  private readonly listeners = new Set<ClockListener>();

  constructor(options: ControllableClockOptions = {}) {
    const start = options.start ?? Date.now();
    if (options.frozen) this.frozenAt = start;
    else this.offset = start - Date.now();
  }

  /** True when time only moves through {@link advance} and {@link set}. */
  get frozen(): boolean {
    return this.frozenAt !== undefined;
  }

  now(): number {
    return this.frozenAt ?? Date.now() + this.offset;
  }

  /** Moves the emulated time forward by `ms` (negative values are refused: WeChat never goes back). */
  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError("clock can only move forward by a finite amount");
    return this.set(this.now() + ms);
  }

  /** Sets the emulated time to the epoch millisecond `ms`. */
  set(ms: number): number {
    if (!Number.isFinite(ms)) throw new RangeError("clock time must be finite");
    if (this.frozenAt !== undefined) this.frozenAt = ms;
    else this.offset = ms - Date.now();
    const now = this.now();
    for (const listener of this.listeners) listener(now);
    return now;
  }

  /** Calls `listener` after every {@link advance} / {@link set}; returns the unsubscribe function. */
  onChange(listener: ClockListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** True for clocks that can be moved (duck-typed so that other implementations qualify). */
export function isControllable(clock: Clock): clock is ControllableClock {
  return clock instanceof ControllableClock;
}

/** A scheduled task; `cancel` removes it. */
export interface ScheduledTask {
  readonly id: number;
  cancel(): void;
}

type TaskFn = (dueAt: number) => void | Promise<void>;

interface Entry {
  id: number;
  dueAt: number;
  interval: number | undefined;
  fn: TaskFn;
  cancelled: boolean;
}

export interface SchedulerOptions {
  /** Receives errors thrown by tasks; a failing task never stops the others. */
  onError?: (error: unknown) => void;
  /**
   * Largest number of runs of one periodic task in a single catch-up (a jump of a year would
   * otherwise push 52,560 tickets). Older runs are skipped; the latest ones run.
   */
  maxCatchUp?: number;
  /** Called after each run of a task, failed or not (the emulator marks its world changed). */
  afterRun?: () => void;
}

/** Real timers are capped: setTimeout overflows above 2^31-1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs tasks at emulated times. Due tasks fire when the clock is moved (a listener on a
 * {@link ControllableClock}) and, while time flows, on a real timer. Periodic tasks that fell
 * due several times during a jump run once per period, in time order, each told its due time.
 */
export class Scheduler {
  private readonly entries = new Map<number, Entry>();
  /**
   * The live entries by due time, then by creation (a receipt per template send puts thousands
   * here at once); a cancelled entry stays until it reaches the top and is dropped there.
   */
  private due = Scheduler.emptyQueue();
  private nextId = 1;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly unsubscribe: (() => void) | undefined;
  private readonly onError: (error: unknown) => void;
  private readonly afterRun: () => void;
  private readonly maxCatchUp: number;

  constructor(
    private readonly clock: Clock,
    options: SchedulerOptions = {},
  ) {
    this.onError = options.onError ?? (() => {});
    this.afterRun = options.afterRun ?? (() => {});
    this.maxCatchUp = options.maxCatchUp ?? 1000;
    if (clock instanceof ControllableClock) {
      this.unsubscribe = clock.onChange(() => {
        void this.flush();
      });
    }
  }

  /** Runs `fn` every `intervalMs` of emulated time, first at now + intervalMs. */
  every(intervalMs: number, fn: TaskFn, options: { firstAt?: number } = {}): ScheduledTask {
    if (!(intervalMs > 0)) throw new RangeError("interval must be positive");
    return this.add(options.firstAt ?? this.clock.now() + intervalMs, intervalMs, fn);
  }

  /** Runs `fn` once when the emulated time reaches `timeMs` (at once on the next flush if past). */
  at(timeMs: number, fn: TaskFn): ScheduledTask {
    return this.add(timeMs, undefined, fn);
  }

  /** Runs `fn` once `delayMs` of emulated time from now. */
  after(delayMs: number, fn: TaskFn): ScheduledTask {
    return this.add(this.clock.now() + delayMs, undefined, fn);
  }

  /** Number of pending tasks (for the world summary). */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Runs every task that is due now and resolves when they (and anything they scheduled that
   * is also due) have finished. Calls are serialized, so two flushes never run a task twice.
   */
  flush(): Promise<void> {
    const run = this.running.then(() => this.runDue());
    this.running = run.catch(() => {});
    return run;
  }

  /** Cancels every task and the real timer. */
  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.entries.clear();
    this.due = Scheduler.emptyQueue();
  }

  private static emptyQueue(): TinyQueue<Entry> {
    return new TinyQueue<Entry>([], (a, b) => a.dueAt - b.dueAt || a.id - b.id);
  }

  /** The live entry due first (cancelled ones on top are dropped on the way). */
  private earliest(): Entry | undefined {
    let top = this.due.peek();
    while (top?.cancelled) {
      this.due.pop();
      top = this.due.peek();
    }
    return top;
  }

  private add(dueAt: number, interval: number | undefined, fn: TaskFn): ScheduledTask {
    const entry: Entry = { id: this.nextId++, dueAt, interval, fn, cancelled: false };
    this.entries.set(entry.id, entry);
    this.due.push(entry);
    this.arm();
    return {
      id: entry.id,
      cancel: () => {
        entry.cancelled = true;
        this.entries.delete(entry.id);
        this.arm();
      },
    };
  }

  private async runDue(): Promise<void> {
    if (this.stopped) return;
    for (;;) {
      const now = this.clock.now();
      const next = this.earliest();
      if (!next || next.dueAt > now) break;
      this.due.pop();
      if (next.interval !== undefined) {
        const behind = Math.floor((now - next.dueAt) / next.interval);
        if (behind >= this.maxCatchUp) next.dueAt += (behind - this.maxCatchUp + 1) * next.interval;
      }
      const dueAt = next.dueAt;
      if (next.interval === undefined) this.entries.delete(next.id);
      else {
        next.dueAt += next.interval;
        this.due.push(next);
      }
      try {
        await next.fn(dueAt);
      } catch (error) {
        this.onError(error);
      }
      this.afterRun();
      if (this.stopped) return;
    }
    this.arm();
  }

  /** Real timer for flowing time; a frozen clock only moves through its listener. */
  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stopped) return;
    if (this.clock instanceof ControllableClock && this.clock.frozen) return;
    const earliest = this.earliest();
    if (!earliest) return;
    const delay = Math.min(Math.max(earliest.dueAt - this.clock.now(), 0), MAX_TIMER_MS);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delay);
    this.timer.unref();
  }
}
