import { CompiledQuery, type Kysely, sql } from "kysely";
import type { Database } from "../platform/store/schema.js";
import type { Dialect } from "../platform/store/store.js";
import { chunks, IDS_PER_STATEMENT, type SyncedFollower } from "./repository.js";
import type { FollowerSyncsTable } from "./tables.js";

/** Rows per INSERT: 16 columns × 400 stays under SQLite's and PostgreSQL's parameter limits. */
const ROWS_PER_STATEMENT = 400;

/** The columns a synced follower writes; on conflict all but the keys are replaced. */
const SYNCED_COLUMNS = [
  "appid",
  "openid",
  "unionid",
  "remark",
  "sex",
  "city",
  "province",
  "country",
  "language",
  "subscribed",
  "subscribe_time",
  "subscribe_scene",
  "qr_scene",
  "tagids",
  "sync_run",
  "updated_at",
] as const;

/**
 * SQL written once per dialect and size: a sync runs these ten thousand times a million
 * followers, and the query builder's compiling cost more time and garbage than the database's work.
 */
const statements = new Map<string, string>();

function placeholder(dialect: Dialect, n: number): string {
  return dialect === "postgres" ? `$${n}` : "?";
}

function cached(key: string, write: () => string): string {
  let text = statements.get(key);
  if (text === undefined) {
    text = write();
    statements.set(key, text);
  }
  return text;
}

/** The upsert of `rows` followers. */
function upsertStatement(dialect: Dialect, rows: number): string {
  return cached(`upsert:${dialect}:${rows}`, () => {
    const width = SYNCED_COLUMNS.length;
    const tuples: string[] = [];
    for (let r = 0; r < rows; r++) {
      const cells: string[] = [];
      for (let c = 0; c < width; c++) cells.push(placeholder(dialect, r * width + c + 1));
      tuples.push(`(${cells.join(",")})`);
    }
    const updates = SYNCED_COLUMNS.filter((c) => c !== "appid" && c !== "openid").map(
      (c) => `"${c}" = excluded."${c}"`,
    );
    return `insert into "followers" (${SYNCED_COLUMNS.map((c) => `"${c}"`).join(",")}) values ${tuples.join(",")} on conflict ("appid", "openid") do update set ${updates.join(", ")}`;
  });
}

/** The removal of `count` followers' tag memberships. */
function untagStatement(dialect: Dialect, count: number): string {
  return cached(`untag:${dialect}:${count}`, () => {
    const ids = Array.from({ length: count }, (_, i) => placeholder(dialect, i + 2));
    return `delete from "follower_tag_members" where "appid" = ${placeholder(dialect, 1)} and "openid" in (${ids.join(",")})`;
  });
}

/** Whether the run still expects `page`: nothing is written for a run that moved on. */
function currentStatement(dialect: Dialect): string {
  return cached(`current:${dialect}`, () => {
    const p = (n: number) => placeholder(dialect, n);
    return `select 1 as "current" from "follower_syncs" where "appid" = ${p(1)} and "run_id" = ${p(2)} and "state" = 'running' and "pages" = ${p(3)}`;
  });
}

function someMemberStatement(dialect: Dialect): string {
  return cached(`some-member:${dialect}`, () => {
    return `select 1 as "found" from "follower_tag_members" where "appid" = ${placeholder(dialect, 1)} limit 1`;
  });
}

/** The follower sync's run (`follower_syncs`) and the followers it writes. */
export class FollowerSyncRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  sync(appid: string): Promise<FollowerSyncsTable | undefined> {
    return this.db.selectFrom("follower_syncs").selectAll().where("appid", "=", appid).executeTakeFirst();
  }

  /** Starts a run from the first page (replacing a finished or failed one). */
  async startSync(row: FollowerSyncsTable): Promise<void> {
    await this.db
      .insertInto("follower_syncs")
      .values(row)
      .onConflict((oc) =>
        oc.column("appid").doUpdateSet({
          run_id: row.run_id,
          state: row.state,
          next_openid: row.next_openid,
          pages: row.pages,
          done: row.done,
          total: row.total,
          started_at: row.started_at,
          updated_at: row.updated_at,
          finished_at: null,
          last_error: null,
          started_by: row.started_by,
        }),
      )
      .execute();
  }

  /**
   * Writes followers of `page` (one batchget answer) with their tag memberships, in one
   * transaction, while the run still expects that page; returns whether it did. Writes are
   * upserts, so a page written again after a crash or by a second worker changes nothing; the
   * run's cursor moves past the page only with {@link commitPage}, after its last batch.
   */
  async writeFollowers(input: {
    appid: string;
    runId: string;
    page: number;
    followers: readonly SyncedFollower[];
    now: number;
  }): Promise<boolean> {
    const { appid, runId, followers, now } = input;
    if (followers.length === 0) return true;
    const dialect = this.dialect;
    return this.db.transaction().execute(async (trx) => {
      const current = await trx.executeQuery(
        CompiledQuery.raw(currentStatement(dialect), [appid, runId, input.page]),
      );
      if (current.rows.length === 0) return false;
      for (let from = 0; from < followers.length; from += ROWS_PER_STATEMENT) {
        const to = Math.min(from + ROWS_PER_STATEMENT, followers.length);
        const params: unknown[] = new Array((to - from) * SYNCED_COLUMNS.length);
        let i = 0;
        for (let r = from; r < to; r++) {
          const f = followers[r]!;
          params[i++] = appid;
          params[i++] = f.openid;
          params[i++] = f.unionid;
          params[i++] = f.remark;
          params[i++] = f.sex;
          params[i++] = f.city;
          params[i++] = f.province;
          params[i++] = f.country;
          params[i++] = f.language;
          params[i++] = f.subscribed ? 1 : 0;
          params[i++] = f.subscribeTime;
          params[i++] = f.subscribeScene;
          params[i++] = f.qrScene;
          params[i++] = f.tagIds.length === 0 ? "[]" : JSON.stringify(f.tagIds);
          params[i++] = runId;
          params[i++] = now;
        }
        await trx.executeQuery(CompiledQuery.raw(upsertStatement(dialect, to - from), params));
      }
      // Tag memberships of these followers are replaced. An account without any (the usual
      // first sync of a big account) skips the deletes: they would find nothing.
      const someMember = await trx.executeQuery(CompiledQuery.raw(someMemberStatement(dialect), [appid]));
      if (someMember.rows.length > 0) {
        for (const part of chunks(followers, IDS_PER_STATEMENT)) {
          const params: unknown[] = [appid];
          for (const f of part) params.push(f.openid);
          await trx.executeQuery(CompiledQuery.raw(untagStatement(dialect, part.length), params));
        }
      }
      const members: { appid: string; tag_id: number; openid: string }[] = [];
      for (const f of followers) {
        for (const tagId of f.tagIds) members.push({ appid, tag_id: tagId, openid: f.openid });
      }
      for (const part of chunks(members, IDS_PER_STATEMENT)) {
        await trx.insertInto("follower_tag_members").values(part).execute();
      }
      return true;
    });
  }

  /**
   * Moves the run's cursor past `page` once its followers are written, counting them. The
   * cursor moves only from `pages` to `pages + 1` of this run — a second worker on the same
   * page (a job taken over after its claim lapsed) moves nothing. Returns whether it moved.
   */
  async commitPage(input: {
    appid: string;
    runId: string;
    page: number;
    nextOpenId: string;
    total: number;
    written: number;
    now: number;
  }): Promise<boolean> {
    const moved = await this.db
      .updateTable("follower_syncs")
      .set({
        next_openid: input.nextOpenId,
        pages: input.page + 1,
        done: sql<number>`done + ${input.written}`,
        total: input.total,
        updated_at: input.now,
      })
      .where("appid", "=", input.appid)
      .where("run_id", "=", input.runId)
      .where("state", "=", "running")
      .where("pages", "=", input.page)
      .executeTakeFirst();
    return Number(moved.numUpdatedRows) === 1;
  }

  /**
   * Ends a run: whoever was following before it started but was not listed by it has left
   * (an unfollow whose push was missed).
   */
  async finishSync(appid: string, runId: string, now: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const run = await trx
        .updateTable("follower_syncs")
        .set({ state: "done", finished_at: now, updated_at: now })
        .where("appid", "=", appid)
        .where("run_id", "=", runId)
        .where("state", "=", "running")
        .returning("started_at")
        .executeTakeFirst();
      if (!run) return false;
      await trx
        .updateTable("followers")
        .set({ subscribed: 0, updated_at: now })
        .where("appid", "=", appid)
        .where("subscribed", "=", 1)
        .where((eb) => eb.or([eb("sync_run", "is", null), eb("sync_run", "<>", runId)]))
        .where("updated_at", "<", run.started_at)
        .execute();
      return true;
    });
  }

  async failSync(appid: string, runId: string, error: string, now: number): Promise<void> {
    await this.db
      .updateTable("follower_syncs")
      .set({ state: "failed", last_error: error, finished_at: now, updated_at: now })
      .where("appid", "=", appid)
      .where("run_id", "=", runId)
      .where("state", "=", "running")
      .execute();
  }
}
