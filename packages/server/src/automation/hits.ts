import type { Logger } from "../platform/logger.js";
import type { AutomationRepository, HitRow } from "./repository.js";

/** Hits written at once at most; a full batch is written without waiting for the timer. */
const BATCH = 256;
/** How long a hit may wait for others to share its write. */
const WAIT_MS = 50;

/**
 * Which rule answered which push, written in batches off the reply path: one insert per push
 * cost the gateway a third of its throughput (a commit each), one per batch costs it nothing
 * measurable. Readers flush first, so what they read includes every hit recorded before.
 */
export class HitLog {
  private pending: HitRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly repository: AutomationRepository,
    private readonly logger: Logger,
  ) {}

  record(hit: HitRow): void {
    this.pending.push(hit);
    if (this.pending.length >= BATCH) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), WAIT_MS);
      this.timer.unref();
    }
  }

  /** Writes what waits, after the writes under way; resolves once all of it is stored. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) {
      this.writing = this.writing
        .then(() => this.repository.recordHits(batch))
        .catch((error: unknown) =>
          this.logger.error({ err: error, hits: batch.length }, "could not record automatic replies"),
        );
    }
    return this.writing;
  }
}
