import { type Kysely, sql } from "kysely";
import { powerOfTwoChunks } from "../platform/store/chunks.js";
import type { Database } from "../platform/store/schema.js";
import type { AuditEntriesTable } from "./tables.js";

export type AuditEntryRow = AuditEntriesTable;

/** Filters of {@link AuditRepository.list}; every one optional. */
export interface AuditFilter {
  actorId?: string | undefined;
  appid?: string | undefined;
  /**
   * Only entries about these accounts (an actor limited to a department): entries about no
   * account, or another one, are left out.
   */
  appids?: readonly string[] | undefined;
  action?: string | undefined;
  outcome?: string | undefined;
  /** Only risk operations (true) or only the others (false). */
  risk?: boolean | undefined;
  /** Time bounds, epoch ms, inclusive. */
  from?: number | undefined;
  to?: number | undefined;
  /** Entries older than this id. */
  before?: string | undefined;
  limit: number;
}

/** Rows deleted per statement by the retention purge. */
export const PURGE_SLICE = 2_000;

/** The audit_entries table: inserted and read, deleted only by age. */
export class AuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insertMany(rows: readonly AuditEntryRow[]): Promise<void> {
    // Chunks of powers of two: a handful of statement shapes in the store's cache, whatever the count.
    for (const chunk of powerOfTwoChunks(rows, 256)) {
      await this.db.insertInto("audit_entries").values(chunk).execute();
    }
  }

  list(filter: AuditFilter): Promise<AuditEntryRow[]> {
    return this.listQuery(filter).execute();
  }

  /**
   * A page, newest first: each filter column leads an index (column, id), so a page is one
   * index range walked in id order that stops after `limit` rows. Public for the plan tests.
   */
  listQuery(filter: AuditFilter) {
    let query = this.db.selectFrom("audit_entries").selectAll();
    if (filter.actorId !== undefined) query = query.where("actor_id", "=", filter.actorId);
    if (filter.appid !== undefined) query = query.where("appid", "=", filter.appid);
    if (filter.appids !== undefined)
      query =
        filter.appids.length === 0
          ? query.where(sql<boolean>`1 = 0`)
          : query.where("appid", "in", [...filter.appids]);
    if (filter.action !== undefined) query = query.where("action", "=", filter.action);
    if (filter.outcome !== undefined) query = query.where("outcome", "=", filter.outcome);
    if (filter.risk !== undefined) query = query.where("risk", "=", filter.risk ? 1 : 0);
    // On the recorded time, not the id's: the id's clock is the process's, which a test's
    // manual clock does not move. A time bound is checked on the rows the index walk reads.
    if (filter.from !== undefined) query = query.where("at", ">=", filter.from);
    if (filter.to !== undefined) query = query.where("at", "<=", filter.to);
    if (filter.before !== undefined) query = query.where("id", "<", filter.before);
    return query.orderBy("id", "desc").limit(filter.limit);
  }

  /**
   * Deletes entries older than `before` (epoch ms), a slice at a time with a turn of the event
   * loop between slices; returns how many went.
   */
  async purgeOlderThan(before: number): Promise<number> {
    let deleted = 0;
    for (;;) {
      const slice = this.db
        .selectFrom("audit_entries")
        .select("id")
        .where("at", "<", before)
        .limit(PURGE_SLICE);
      const result = await this.db.deleteFrom("audit_entries").where("id", "in", slice).executeTakeFirst();
      const count = Number(result.numDeletedRows);
      deleted += count;
      if (count < PURGE_SLICE) return deleted;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}
