import { CompiledQuery, type Kysely, sql } from "kysely";
import type { Database } from "../platform/store/schema.js";
import type { Dialect } from "../platform/store/store.js";
import type { FollowerSyncsTable, FollowersTable } from "./tables.js";

/** A follower as a synced page writes it (the interaction times are the pushes', never the sync's). */
export interface SyncedFollower {
  openid: string;
  unionid: string | null;
  remark: string;
  sex: number;
  city: string | null;
  province: string | null;
  country: string | null;
  language: string | null;
  subscribed: boolean;
  subscribeTime: number | null;
  subscribeScene: string | null;
  qrScene: string | null;
  tagIds: readonly number[];
}

/** One push's mark on a follower: which kind of interaction, and when (epoch ms). */
export interface Interaction {
  appid: string;
  openid: string;
  kind: "message" | "menu_click" | "follow" | "scan" | "unfollow";
  at: number;
  /** A follow from a parametric QR code: its scene. */
  qrScene?: string;
}

/** The list's filters; every page is ordered by a key an index holds in that order. */
export interface FollowerFilter {
  tagId?: number;
  scene?: string;
  /** Last interaction at or after (epoch ms); ordered by it, latest first. */
  activeSince?: number;
  /** Part of the remark or nickname, or the start of the OpenID. */
  search?: string;
  subscribed?: boolean;
}

/** Where the previous page ended. */
export interface FollowerCursor {
  openid: string;
  activeAt?: number;
}

/** Rows per INSERT: 22 columns × 400 stays under SQLite's and PostgreSQL's parameter limits. */
const ROWS_PER_STATEMENT = 400;
export const IDS_PER_STATEMENT = 500;

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const lastColumn = {
  message: "last_message_at",
  menu_click: "last_menu_click_at",
  follow: "last_follow_at",
  scan: "last_scan_at",
} as const;

/** The columns a synced page writes; on conflict all but the keys are replaced. */
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
const upsertStatements = new Map<string, string>();

/**
 * The page upsert's SQL for `rows` rows, written once per size and dialect: the query builder
 * spent more time compiling a 400-row insert than the database took to run it.
 */
function upsertStatement(dialect: Dialect, rows: number): string {
  const key = `${dialect}:${rows}`;
  const cached = upsertStatements.get(key);
  if (cached) return cached;
  const width = SYNCED_COLUMNS.length;
  const placeholder = (n: number) => (dialect === "postgres" ? `$${n}` : "?");
  const tuples: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let c = 0; c < width; c++) cells.push(placeholder(r * width + c + 1));
    tuples.push(`(${cells.join(",")})`);
  }
  const updates = SYNCED_COLUMNS.filter((c) => c !== "appid" && c !== "openid").map(
    (c) => `"${c}" = excluded."${c}"`,
  );
  const text = `insert into "followers" (${SYNCED_COLUMNS.map((c) => `"${c}"`).join(",")}) values ${tuples.join(",")} on conflict ("appid", "openid") do update set ${updates.join(", ")}`;
  upsertStatements.set(key, text);
  return text;
}

/** The followers module's tables; no other module touches them. */
export class FollowersRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  // --- the sync ---------------------------------------------------------------------------

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
   * Writes one page of followers and moves the run's cursor past it, in one transaction: a
   * crash leaves either both or neither, so the resumed run re-reads at most this page. The
   * cursor moves only from `pages` to `pages + 1` of this run — a second worker on the same
   * page (a job taken over after its claim lapsed) writes nothing. Returns whether it moved.
   */
  async commitPage(input: {
    appid: string;
    runId: string;
    page: number;
    nextOpenId: string;
    total: number;
    followers: readonly SyncedFollower[];
    now: number;
  }): Promise<boolean> {
    const { appid, runId, now } = input;
    return this.db.transaction().execute(async (trx) => {
      const moved = await trx
        .updateTable("follower_syncs")
        .set({
          next_openid: input.nextOpenId,
          pages: input.page + 1,
          done: sql<number>`done + ${input.followers.length}`,
          total: input.total,
          updated_at: now,
        })
        .where("appid", "=", appid)
        .where("run_id", "=", runId)
        .where("state", "=", "running")
        .where("pages", "=", input.page)
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) !== 1) return false;
      for (const part of chunks(input.followers, ROWS_PER_STATEMENT)) {
        const params: unknown[] = [];
        for (const f of part) {
          params.push(
            appid,
            f.openid,
            f.unionid,
            f.remark,
            f.sex,
            f.city,
            f.province,
            f.country,
            f.language,
            f.subscribed ? 1 : 0,
            f.subscribeTime,
            f.subscribeScene,
            f.qrScene,
            JSON.stringify(f.tagIds),
            runId,
            now,
          );
        }
        await trx.executeQuery(CompiledQuery.raw(upsertStatement(this.dialect, part.length), params));
      }
      // Tag memberships of the page's followers are replaced. An account without any (the
      // usual first sync of a big account) skips the deletes: they would find nothing.
      const tagged = input.followers.filter((f) => f.tagIds.length > 0);
      const anyMember = await trx
        .selectFrom("follower_tag_members")
        .select("openid")
        .where("appid", "=", appid)
        .limit(1)
        .executeTakeFirst();
      for (const part of anyMember ? chunks(input.followers, IDS_PER_STATEMENT) : []) {
        await trx
          .deleteFrom("follower_tag_members")
          .where("appid", "=", appid)
          .where(
            "openid",
            "in",
            part.map((f) => f.openid),
          )
          .execute();
      }
      const members = tagged.flatMap((f) =>
        f.tagIds.map((tagId) => ({ appid, tag_id: tagId, openid: f.openid })),
      );
      for (const part of chunks(members, IDS_PER_STATEMENT)) {
        await trx.insertInto("follower_tag_members").values(part).execute();
      }
      return true;
    });
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

  // --- reading ----------------------------------------------------------------------------

  follower(appid: string, openid: string): Promise<FollowersTable | undefined> {
    return this.db
      .selectFrom("followers")
      .selectAll()
      .where("appid", "=", appid)
      .where("openid", "=", openid)
      .executeTakeFirst();
  }

  /** Which of `openids` are known and following. */
  async following(appid: string, openids: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const part of chunks(openids, IDS_PER_STATEMENT)) {
      const rows = await this.db
        .selectFrom("followers")
        .select("openid")
        .where("appid", "=", appid)
        .where("subscribed", "=", 1)
        .where("openid", "in", part)
        .execute();
      for (const row of rows) found.add(row.openid);
    }
    return found;
  }

  /**
   * One page of followers. Each filter walks an index in its order: the tag through the
   * memberships' (appid, tag_id, openid), the scene through (appid, subscribe_scene, openid),
   * activity through (appid, last_active_at, openid) latest first; otherwise the primary key.
   */
  async list(appid: string, filter: FollowerFilter, after: FollowerCursor | undefined, limit: number) {
    let query = this.db.selectFrom("followers as f").selectAll("f").where("f.appid", "=", appid);
    if (filter.tagId !== undefined) {
      query = query
        .innerJoin("follower_tag_members as m", (join) =>
          join.onRef("m.appid", "=", "f.appid").onRef("m.openid", "=", "f.openid"),
        )
        .where("m.tag_id", "=", filter.tagId);
    }
    if (filter.scene !== undefined) query = query.where("f.subscribe_scene", "=", filter.scene);
    if (filter.subscribed !== undefined) query = query.where("f.subscribed", "=", filter.subscribed ? 1 : 0);
    if (filter.search !== undefined && filter.search !== "") {
      const like = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const prefix = `${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) =>
        eb.or([
          eb(sql`f.remark`, "like", sql`${like} escape '\\'`),
          eb(sql`f.nickname`, "like", sql`${like} escape '\\'`),
          eb(sql`f.openid`, "like", sql`${prefix} escape '\\'`),
        ]),
      );
    }
    if (filter.activeSince !== undefined) {
      query = query.where("f.last_active_at", ">=", filter.activeSince);
      if (after?.activeAt !== undefined) {
        const at = after.activeAt;
        query = query.where((eb) =>
          eb.or([
            eb("f.last_active_at", "<", at),
            eb.and([eb("f.last_active_at", "=", at), eb("f.openid", "<", after.openid)]),
          ]),
        );
      }
      return query.orderBy("f.last_active_at", "desc").orderBy("f.openid", "desc").limit(limit).execute();
    }
    // Under a tag filter the memberships' openid is the key, so their index gives the order.
    const order = filter.tagId !== undefined ? "m.openid" : "f.openid";
    if (after) query = query.where(sql.ref(order), ">", after.openid);
    return query.orderBy(sql.ref(order)).limit(limit).execute();
  }

  async setRemark(appid: string, openid: string, remark: string, now: number): Promise<void> {
    await this.db
      .updateTable("followers")
      .set({ remark, updated_at: now })
      .where("appid", "=", appid)
      .where("openid", "=", openid)
      .execute();
  }

  // --- pushes -----------------------------------------------------------------------------

  /**
   * Applies pushes' marks: each kind's time only moves forward, so marks applied late or twice
   * (a retried push) change nothing. A follower first seen in a push gets a row of their own.
   */
  async applyInteractions(items: readonly Interaction[], now: number): Promise<void> {
    if (items.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const item of items) {
        const later = (column: string) =>
          sql<number>`case when ${sql.ref(`followers.${column}`)} is null or ${sql.ref(`followers.${column}`)} < ${item.at} then ${item.at} else ${sql.ref(`followers.${column}`)} end`;
        const insert = trx.insertInto("followers").values({
          appid: item.appid,
          openid: item.openid,
          remark: "",
          sex: 0,
          subscribed: item.kind === "unfollow" ? 0 : 1,
          subscribe_time: item.kind === "follow" ? item.at : null,
          subscribe_scene: item.kind === "follow" && item.qrScene !== undefined ? "ADD_SCENE_QR_CODE" : null,
          qr_scene: item.kind === "follow" ? (item.qrScene ?? null) : null,
          tagids: "[]",
          ...(item.kind === "unfollow" ? {} : { [lastColumn[item.kind]]: item.at }),
          last_active_at: item.kind === "unfollow" ? null : item.at,
          sync_run: null,
          updated_at: now,
        });
        if (item.kind === "unfollow") {
          await insert
            .onConflict((oc) =>
              oc.columns(["appid", "openid"]).doUpdateSet({ subscribed: 0, updated_at: now }),
            )
            .execute();
          continue;
        }
        const column = lastColumn[item.kind];
        const follow =
          item.kind === "follow"
            ? {
                subscribed: 1,
                subscribe_time: item.at,
                subscribe_scene:
                  item.qrScene !== undefined
                    ? "ADD_SCENE_QR_CODE"
                    : sql<string | null>`followers.subscribe_scene`,
                qr_scene: item.qrScene ?? null,
              }
            : {};
        await insert
          .onConflict((oc) =>
            oc.columns(["appid", "openid"]).doUpdateSet({
              ...follow,
              [column]: later(column),
              last_active_at: later("last_active_at"),
              updated_at: now,
            }),
          )
          .execute();
      }
    });
  }

  /** Forgets everything of a deleted account. */
  async purgeAccount(appid: string): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const table of ["follower_tag_members", "follower_tags", "follower_syncs"] as const) {
      const result = await this.db.deleteFrom(table).where("appid", "=", appid).executeTakeFirst();
      counts[table] = Number(result.numDeletedRows);
    }
    const result = await this.db.deleteFrom("followers").where("appid", "=", appid).executeTakeFirst();
    counts.followers = Number(result.numDeletedRows);
    return counts;
  }
}
