import type { Kysely } from "kysely";
import { newId } from "./ids.js";
import type { Logger } from "./logger.js";
import type { Clock, EnqueueOptions, Job, JobHandler, Queue } from "./ports.js";
import type { Database } from "./store/schema.js";
import type { Dialect } from "./store/store.js";

/** Options of {@link SqlQueue}. */
export interface SqlQueueOptions {
  db: Kysely<Database>;
  clock: Clock;
  logger?: Logger;
  /** How often the worker looks for due jobs when nothing wakes it. */
  pollIntervalMs?: number;
  /**
   * How long a taken job is reserved (its claim); after that a crashed worker's job is taken
   * again. Longer than any handler runs, or a job still running is run a second time.
   */
  lockMs?: number;
  /** Jobs run at once by this worker. */
  concurrency?: number;
  /** How long finished (done or failed) jobs are kept for inspection before they are deleted. */
  retentionMs?: number;
  /** The store's engine: PostgreSQL claims with `FOR UPDATE SKIP LOCKED`. */
  dialect?: Dialect;
  /** First retry delay; doubled at each further attempt. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  defaultMaxAttempts?: number;
}

const MAX_ERROR_TEXT = 1000;
/** Finished jobs kept when no retention is configured: WXGATE_JOB_RETENTION_HOURS's default. */
export const DEFAULT_RETENTION_MS = 24 * 60 * 60_000;
const PRUNE_EVERY_MS = 60_000;
const PRUNE_BATCH = 1000;
/** The claim of a job when none is configured: WXGATE_JOB_CLAIM_TIMEOUT_SECONDS's default. */
export const DEFAULT_CLAIM_MS = 60_000;

/**
 * The embedded {@link Queue}: jobs live in the `jobs` table of the store (so they survive a
 * restart and share the store's backups) and an in-process worker runs them.
 *
 * A job is taken by a conditional UPDATE (pending and due, or running but past its
 * `locked_until`), so two workers never take the same job at once; completion is fenced by the
 * attempt number, so a worker that lost its reservation cannot overwrite the newer run's outcome.
 */
export class SqlQueue<M extends object = Record<string, unknown>> implements Queue<M> {
  private readonly db: Kysely<Database>;
  private readonly clock: Clock;
  private readonly logger: Logger | undefined;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly pollIntervalMs: number;
  private readonly lockMs: number;
  private readonly concurrency: number;
  private readonly retentionMs: number;
  private readonly dialect: Dialect;
  private prunedAt = Number.NEGATIVE_INFINITY;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly defaultMaxAttempts: number;
  private running = false;
  private loop: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private wakeUp: (() => void) | undefined;

  constructor(options: SqlQueueOptions) {
    this.db = options.db;
    this.clock = options.clock;
    this.logger = options.logger;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.lockMs = options.lockMs ?? DEFAULT_CLAIM_MS;
    this.concurrency = options.concurrency ?? 4;
    this.retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    this.dialect = options.dialect ?? "sqlite";
    this.backoffBaseMs = options.backoffBaseMs ?? 1000;
    this.backoffMaxMs = options.backoffMaxMs ?? 60 * 60_000;
    this.defaultMaxAttempts = options.defaultMaxAttempts ?? 5;
  }

  async enqueue<Q extends keyof M & string>(
    queue: Q,
    payload: M[Q],
    options: EnqueueOptions = {},
  ): Promise<string> {
    const now = this.clock.now();
    const row = {
      queue,
      payload: JSON.stringify(payload ?? null),
      run_at: now + Math.max(0, options.delayMs ?? 0),
      max_attempts: options.maxAttempts ?? this.defaultMaxAttempts,
      status: "pending" as const,
      locked_until: null,
      last_error: null,
      dedupe_key: options.dedupeKey ?? null,
      created_at: now,
      updated_at: now,
    };
    // A finishing job clears its key between our insert and our look-up: try again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const id = newId(now);
      const inserted = await this.db
        .insertInto("jobs")
        .values({ ...row, id })
        .onConflict((oc) => oc.column("dedupe_key").doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) {
        if (row.run_at <= now) this.wake();
        return id;
      }
      const existing = await this.db
        .selectFrom("jobs")
        .select("id")
        .where("dedupe_key", "=", options.dedupeKey ?? "")
        .executeTakeFirst();
      if (existing) return existing.id;
    }
    throw new Error(`could not enqueue a job on ${queue}`);
  }

  handle<Q extends keyof M & string>(queue: Q, handler: JobHandler<M[Q]>): void {
    if (this.handlers.has(queue)) throw new Error(`queue ${queue} already has a handler`);
    // The store gives back the JSON `enqueue` wrote for this queue, typed by the same entry of M.
    this.handlers.set(queue, handler as JobHandler);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.work();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
    this.loop = undefined;
  }

  /**
   * Takes and runs due jobs until none is left; returns how many ran. The worker loop calls
   * it; tests call it directly with a manual clock.
   */
  async runDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const jobs = await this.claim(this.concurrency);
      if (jobs.length === 0) return total;
      await Promise.all(jobs.map((job) => this.run(job)));
      total += jobs.length;
      if (!this.running && this.loop !== undefined) return total;
    }
  }

  private async work(): Promise<void> {
    while (this.running) {
      try {
        await this.runDue();
      } catch (error) {
        this.logger?.error({ err: error }, "job queue: polling failed");
      }
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        this.wakeUp = resolve;
        this.timer = setTimeout(resolve, this.pollIntervalMs);
      });
      clearTimeout(this.timer);
      this.wakeUp = undefined;
    }
  }

  private wake(): void {
    this.wakeUp?.();
  }

  private async claim(limit: number): Promise<Job[]> {
    const queues = [...this.handlers.keys()];
    if (queues.length === 0) return [];
    const now = this.clock.now();
    await this.pruneWhenDue(now);
    // Crashed too often: a job that keeps killing its worker must not loop forever.
    await this.db
      .updateTable("jobs")
      .set({
        status: "failed",
        locked_until: null,
        dedupe_key: null,
        last_error: "abandoned by its worker too often",
        updated_at: now,
      })
      .where("status", "=", "running")
      .where("locked_until", "<=", now)
      .where((eb) => eb("attempts", ">=", eb.ref("max_attempts")))
      .execute();
    const claimed = await this.claimQuery(queues, "pending", now, limit).execute();
    if (claimed.length < limit) {
      // A crashed worker's jobs, once their claim has lapsed.
      claimed.push(...(await this.claimQuery(queues, "running", now, limit - claimed.length).execute()));
    }
    return claimed
      .sort((a, b) => Number(a.run_at) - Number(b.run_at) || (a.id < b.id ? -1 : 1))
      .map((row) => ({
        id: row.id,
        queue: row.queue,
        payload: JSON.parse(row.payload) as unknown,
        attempt: row.attempts,
        maxAttempts: row.max_attempts,
      }));
  }

  /**
   * One statement that takes up to `limit` jobs: the due pending ones in (run_at, id) order,
   * or the running ones whose claim has lapsed in (locked_until, id) order. Each walks its
   * index — jobs_pending (status, run_at, id), jobs_claimed (status, locked_until, id) — and
   * stops after `limit` rows, so a claim costs the same with a hundred jobs waiting or a
   * million. The condition is checked again on each row as it is updated, so two workers
   * never take the same job (PostgreSQL also skips rows another claim has locked).
   *
   * The batch is a materialized CTE joined on the primary key, evaluated once: as a subquery
   * (`id IN (SELECT … LIMIT n)`) PostgreSQL may run it again for each row it updates, each run
   * finding the next due jobs, and take more than `limit`. Public for the tests of its plan.
   */
  claimQuery(queues: string[], from: "pending" | "running", now: number, limit: number) {
    const order = from === "pending" ? "run_at" : "locked_until";
    return this.db
      .with(
        (cte) => cte("batch").materialized(),
        (db) => {
          let due = db
            .selectFrom("jobs")
            .select("id")
            .where("status", "=", from)
            .where(order, "<=", now)
            .where("queue", "in", queues)
            .orderBy(order)
            .orderBy("id")
            .limit(limit);
          if (this.dialect === "postgres") due = due.forUpdate().skipLocked();
          return due;
        },
      )
      .updateTable("jobs")
      .from("batch")
      .set((eb) => ({
        status: "running",
        attempts: eb("jobs.attempts", "+", 1),
        locked_until: now + this.lockMs,
        updated_at: now,
      }))
      .whereRef("jobs.id", "=", "batch.id")
      .where("jobs.status", "=", from)
      .where(`jobs.${order}`, "<=", now)
      .returning([
        "jobs.id",
        "jobs.queue",
        "jobs.payload",
        "jobs.attempts",
        "jobs.max_attempts",
        "jobs.run_at",
      ]);
  }

  /**
   * Deletes finished jobs older than the retention, a batch at a time, at most once a minute
   * (of the queue's clock): the table holds what is waiting plus a day of history, not every
   * job ever run.
   */
  private async pruneWhenDue(now: number): Promise<void> {
    if (now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    await this.prune(now);
  }

  /** Deletes the finished jobs older than the retention; returns how many. */
  async prune(now: number = this.clock.now()): Promise<number> {
    let total = 0;
    for (const status of ["done", "failed"] as const) {
      for (;;) {
        const old = this.db
          .selectFrom("jobs")
          .select("id")
          .where("status", "=", status)
          .where("updated_at", "<", now - this.retentionMs)
          .limit(PRUNE_BATCH);
        const result = await this.db.deleteFrom("jobs").where("id", "in", old).executeTakeFirst();
        const deleted = Number(result.numDeletedRows);
        total += deleted;
        if (deleted < PRUNE_BATCH) break;
      }
    }
    if (total > 0) this.logger?.debug({ deleted: total }, "job queue: finished jobs pruned");
    return total;
  }

  private async run(job: Job): Promise<void> {
    const handler = this.handlers.get(job.queue);
    if (!handler) return;
    const fence = (now: number) =>
      this.db
        .updateTable("jobs")
        .where("id", "=", job.id)
        .where("attempts", "=", job.attempt)
        .where("status", "=", "running")
        .set({ updated_at: now, locked_until: null });
    try {
      await handler(job);
      await fence(this.clock.now()).set({ status: "done", dedupe_key: null, last_error: null }).execute();
    } catch (error) {
      const now = this.clock.now();
      const message = (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(
        0,
        MAX_ERROR_TEXT,
      );
      if (job.attempt >= job.maxAttempts) {
        await fence(now).set({ status: "failed", dedupe_key: null, last_error: message }).execute();
        this.logger?.error(
          { job: { id: job.id, queue: job.queue, attempt: job.attempt }, err: error },
          "job failed for good",
        );
      } else {
        const delay = Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** (job.attempt - 1));
        await fence(now)
          .set({ status: "pending", run_at: now + delay, last_error: message })
          .execute();
        this.logger?.warn(
          { job: { id: job.id, queue: job.queue, attempt: job.attempt }, retryInMs: delay },
          "job failed, will retry",
        );
      }
    }
  }
}
