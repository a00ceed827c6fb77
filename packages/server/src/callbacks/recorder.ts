import type { EventRow, EventsRepository } from "./repository.js";

interface Pending {
  row: EventRow;
  resolve(inserted: boolean): void;
  reject(error: unknown): void;
}

/**
 * Writes events in batches: pushes arriving together share one INSERT (one statement, one
 * commit), which is most of what recording costs. Each caller still waits for its own row to
 * be committed before WeChat gets an answer, so an answered push is never lost.
 *
 * A batch closes at the end of the event-loop turn (setImmediate), not after a timer: every
 * push read in the same turn joins it, and none waits a millisecond for company — a timer
 * made each answer at least a millisecond late, which bounded throughput per connection.
 * One batch is written at a time: pushes that arrive meanwhile form the next one (group
 * commit), so the busier the gateway, the fewer commits per push.
 */
export class EventRecorder {
  private queue: Pending[] = [];
  private scheduled = false;
  private writing = false;

  constructor(
    private readonly events: EventsRepository,
    private readonly maxBatch = 200,
  ) {}

  /** Records `row` unless its (appid, dedupe key) exists; true when it was inserted. */
  record(row: EventRow): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      if (this.writing) return;
      if (this.queue.length >= this.maxBatch) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    if (this.writing || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.maxBatch);
    this.writing = true;
    void this.write(batch).finally(() => {
      this.writing = false;
      this.flush();
    });
  }

  private async write(batch: Pending[]): Promise<void> {
    try {
      const inserted = await this.events.insertMany(batch.map((p) => p.row));
      for (const pending of batch) pending.resolve(inserted.has(pending.row.id));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }
}
