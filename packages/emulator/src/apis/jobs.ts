import type { Clock, ScheduledTask, Scheduler } from "../clock.js";

interface PendingJob {
  dueAt: number;
  run: () => void | Promise<void>;
}

/**
 * Jobs that finish a fixed delay after they were queued (template and mass outcomes), run
 * through ONE scheduler task at a time. The scheduler scans its tasks on every change, so a
 * task per message would cost O(n²) under load; this queue keeps the send path O(1).
 * Jobs are queued in time order because the delay of a queue is constant and the clock only
 * moves forward.
 */
export class JobQueue {
  private pending: PendingJob[] = [];
  private head = 0;
  private task: ScheduledTask | undefined;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly clock: Clock,
    /** Emulated milliseconds between queuing and running. */
    readonly delayMs: number,
  ) {}

  /** Queues `run` for now + delay. */
  add(run: () => void | Promise<void>): void {
    this.pending.push({ dueAt: this.clock.now() + this.delayMs, run });
    if (!this.task) this.arm();
  }

  /** Jobs not yet run. */
  get size(): number {
    return this.pending.length - this.head;
  }

  private arm(): void {
    const next = this.pending[this.head];
    if (!next) return;
    this.task = this.scheduler.at(next.dueAt, async () => {
      this.task = undefined;
      await this.drain();
      this.arm();
    });
  }

  private async drain(): Promise<void> {
    const now = this.clock.now();
    while (this.head < this.pending.length) {
      const job = this.pending[this.head]!;
      if (job.dueAt > now) break;
      this.head++;
      await job.run();
    }
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
  }
}
