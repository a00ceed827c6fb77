import { type Kysely, sql } from "kysely";
import { ReusableQuery } from "../platform/store/reusable-query.js";
import type { Database } from "../platform/store/schema.js";
import type { FollowersTable } from "./tables.js";

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

/** Values that stand for the marks' arguments while their statements are compiled: no real value is one. */
const MARK_APPID = "\u0000mark:appid";
const MARK_OPENID = "\u0000mark:openid";
const MARK_SCENE = "\u0000mark:scene";
const MARK_AT = -9_000_000_000_001;
const MARK_NOW = -9_000_000_000_002;

/** The followers module's tables; no other module touches them. */
export class FollowersRepository {
  constructor(private readonly db: Kysely<Database>) {
    this.#statements = this.interactionStatements();
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

  /** The last-interaction columns of the known followers among `openids` (one query per chunk). */
  async interactions(appid: string, openids: readonly string[]) {
    const rows: Array<
      Pick<
        FollowersTable,
        "openid" | "last_message_at" | "last_menu_click_at" | "last_follow_at" | "last_scan_at"
      >
    > = [];
    for (const part of chunks(openids, IDS_PER_STATEMENT)) {
      rows.push(
        ...(await this.db
          .selectFrom("followers")
          .select(["openid", "last_message_at", "last_menu_click_at", "last_follow_at", "last_scan_at"])
          .where("appid", "=", appid)
          .where("openid", "in", part)
          .execute()),
      );
    }
    return rows;
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
        if (item.kind === "unfollow") {
          await this.#statements.unfollow.execute(trx, item.appid, item.openid, now);
        } else if (item.kind === "follow" && item.qrScene !== undefined) {
          await this.#statements.followFromQr.execute(
            trx,
            item.appid,
            item.openid,
            item.at,
            now,
            item.qrScene,
          );
        } else {
          await this.#statements[item.kind].execute(trx, item.appid, item.openid, item.at, now);
        }
      }
    });
  }

  /**
   * The statements of {@link applyInteractions}, one per kind of mark, built and compiled once:
   * a busy account's pushes bring thousands of marks a second, and building each through the
   * query builder cost more than SQLite's work on it.
   */
  readonly #statements: ReturnType<FollowersRepository["interactionStatements"]>;

  private interactionStatements() {
    return {
      unfollow: new ReusableQuery(
        (appid: string, openid: string, now: number) =>
          this.interactionInsert({ appid, openid, kind: "unfollow", at: now }, now),
        [MARK_APPID, MARK_OPENID, MARK_NOW],
      ),
      followFromQr: this.qrFollowStatement(),
      follow: this.markStatement("follow"),
      message: this.markStatement("message"),
      menu_click: this.markStatement("menu_click"),
      scan: this.markStatement("scan"),
    };
  }

  private markStatement(kind: keyof typeof lastColumn) {
    return new ReusableQuery(
      (appid: string, openid: string, at: number, now: number) =>
        this.interactionInsert({ appid, openid, kind, at }, now),
      [MARK_APPID, MARK_OPENID, MARK_AT, MARK_NOW],
    );
  }

  /** A follow from a parametric QR code, which also keeps the code's scene. */
  private qrFollowStatement() {
    return new ReusableQuery(
      (appid: string, openid: string, at: number, now: number, qrScene: string) =>
        this.interactionInsert({ appid, openid, kind: "follow", at, qrScene }, now),
      [MARK_APPID, MARK_OPENID, MARK_AT, MARK_NOW, MARK_SCENE],
    );
  }

  /** One mark's upsert: each kind's time only moves forward; an unfollow only unsubscribes. */
  private interactionInsert(item: Interaction, now: number) {
    const later = (column: string) =>
      sql<number>`case when ${sql.ref(`followers.${column}`)} is null or ${sql.ref(`followers.${column}`)} < ${item.at} then ${item.at} else ${sql.ref(`followers.${column}`)} end`;
    const insert = this.db.insertInto("followers").values({
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
      return insert.onConflict((oc) =>
        oc.columns(["appid", "openid"]).doUpdateSet({ subscribed: 0, updated_at: now }),
      );
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
    return insert.onConflict((oc) =>
      oc.columns(["appid", "openid"]).doUpdateSet({
        ...follow,
        [column]: later(column),
        last_active_at: later("last_active_at"),
        updated_at: now,
      }),
    );
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
