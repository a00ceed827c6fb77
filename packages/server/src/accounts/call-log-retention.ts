import { setImmediate as nextTurn } from "node:timers/promises";
import type { Kysely } from "kysely";
import type { ModuleWorker } from "../module.js";
import { idFloor } from "../platform/ids.js";
import type { Logger } from "../platform/logger.js";
import type { Clock } from "../platform/ports.js";
import type { Database } from "../platform/store/schema.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Records deleted per statement by the call log's purge. */
export const CALL_PURGE_SLICE = 5_000;
/** How often records past their retention are looked for while the server runs. */
export const CALL_PURGE_EVERY_MS = 60 * 60 * 1000;

/**
 * Purges the WeChat call log (`api_calls`) of records older than `WXGATE_API_CALL_RETENTION_DAYS`:
 * at start and every hour, and on `runDue` (how a test server is driven).
 *
 * A record's age is read from its id, a UUIDv7 made from the time it was taken (`newId(at)`): the
 * records made before the cutoff are the ids below `idFloor(cutoff)`, a range of the primary key,
 * so the purge walks that index from its start and reads no record it keeps. An id's time is never
 * earlier than its record's `at` (ids never go backwards, even when the clock does), so no record
 * younger than the retention is deleted; one taken while the clock stood behind an earlier id is
 * kept until its id's time is old enough.
 *
 * Each statement deletes at most `slice` records — the oldest ones, up to the `slice`-th oldest id
 * (found first, through the same index) — and the event loop takes a turn between statements, so
 * a backlog of millions never holds the store or the server for long. A stop ends the purge after
 * the statement under way; the next start goes on from there.
 */
export class ApiCallRetention implements ModuleWorker {
  readonly name = "call log retention";
  #timer: NodeJS.Timeout | undefined;
  #purging: Promise<unknown> = Promise.resolve();
  #stopping = false;

  constructor(
    private readonly deps: {
      db: Kysely<Database>;
      clock: Clock;
      logger: Logger;
      retentionDays: number;
      /** Records per statement: {@link CALL_PURGE_SLICE} unless a test says otherwise. */
      slice?: number;
    },
  ) {}

  get #slice(): number {
    return this.deps.slice ?? CALL_PURGE_SLICE;
  }

  start(): void {
    this.#stopping = false;
    const purge = () => {
      this.#purging = this.purgeExpired().catch((error: unknown) => {
        this.deps.logger.error({ err: error }, "the call log purge failed; it runs again later");
      });
    };
    purge();
    this.#timer = setInterval(purge, CALL_PURGE_EVERY_MS).unref();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#purging;
  }

  runDue(): Promise<number> {
    return this.purgeExpired();
  }

  /** Deletes the records older than the retention, a slice at a time; returns how many went. */
  async purgeExpired(): Promise<number> {
    const { clock, logger, retentionDays } = this.deps;
    const before = idFloor(clock.now() - retentionDays * DAY_MS);
    let deleted = 0;
    for (;;) {
      const count = await this.purgeSlice(before);
      deleted += count;
      if (count < this.#slice || this.#stopping) break;
      await nextTurn();
    }
    if (deleted > 0) logger.info({ deleted, retentionDays }, "WeChat call log records purged");
    return deleted;
  }

  /** Deletes the oldest records with ids below `before`, at most a slice of them; returns how many. */
  async purgeSlice(before: string): Promise<number> {
    const last = await this.sliceEndQuery(before).executeTakeFirst();
    const result = await this.deleteQuery(before, last?.id).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * The id of the slice's last record: the `slice`-th smallest id below `before`, none when fewer
   * are left. Public for the tests that check its plan.
   */
  sliceEndQuery(before: string) {
    return this.deps.db
      .selectFrom("api_calls")
      .select("id")
      .where("id", "<", before)
      .orderBy("id")
      .limit(1)
      .offset(this.#slice - 1);
  }

  /** Deletes the ids below `before`, up to `last` when given. Public for the plan tests. */
  deleteQuery(before: string, last: string | undefined) {
    const query = this.deps.db.deleteFrom("api_calls").where("id", "<", before);
    return last === undefined ? query : query.where("id", "<=", last);
  }
}
