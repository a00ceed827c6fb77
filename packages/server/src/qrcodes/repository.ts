import type { Insertable, Kysely, Selectable } from "kysely";
import type { Database } from "../platform/store/schema.js";
import type {
  QrCodeBatchesTable,
  QrCodeBatchItemsTable,
  QrCodeFollowersTable,
  QrCodeKind,
  QrCodeScansTable,
  QrCodesTable,
} from "./tables.js";

export type QrCodeRow = Selectable<QrCodesTable>;
export type QrCodeScan = Insertable<QrCodeScansTable>;
export type BroughtFollower = Selectable<QrCodeFollowersTable>;
export type BatchRow = Selectable<QrCodeBatchesTable>;
export type BatchItemRow = Selectable<QrCodeBatchItemsTable>;

/** Scans, follows and unfollows of one scene on one day. */
export interface DailyFigures {
  scene: string;
  day: string;
  scans: number;
  newFollowers: number;
  unfollows: number;
}

/** Scans, follows and unfollows of one scene, all days together. */
export type SceneTotals = Omit<DailyFigures, "day">;

/** The qrcodes tables: codes, scans, the followers codes brought. Nothing here decides anything. */
export class QrCodesRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Adds a code; false when the account has one with its scene (or, for a fission code, its
   * inviter) already: two requests racing for the same scene, the second one loses here.
   */
  async insert(row: QrCodesTable): Promise<boolean> {
    const result = await this.db
      .insertInto("qrcodes")
      .values(row)
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  /** A fission code made again after it expired: the same row, a new ticket. */
  async renew(id: string, change: Pick<QrCodesTable, "ticket" | "url" | "expires_at" | "updated_at">) {
    await this.db.updateTable("qrcodes").set(change).where("id", "=", id).execute();
  }

  find(appId: string, id: string): Promise<QrCodeRow | undefined> {
    return this.db
      .selectFrom("qrcodes")
      .selectAll()
      .where("appid", "=", appId)
      .where("id", "=", id)
      .executeTakeFirst();
  }

  byScene(appId: string, scene: string): Promise<QrCodeRow | undefined> {
    return this.db
      .selectFrom("qrcodes")
      .selectAll()
      .where("appid", "=", appId)
      .where("scene", "=", scene)
      .executeTakeFirst();
  }

  byInviter(appId: string, inviterOpenId: string): Promise<QrCodeRow | undefined> {
    return this.db
      .selectFrom("qrcodes")
      .selectAll()
      .where("appid", "=", appId)
      .where("inviter_openid", "=", inviterOpenId)
      .executeTakeFirst();
  }

  /** Which of these scenes an account's codes already use. */
  async scenesTaken(appId: string, scenes: readonly string[]): Promise<Set<string>> {
    if (scenes.length === 0) return new Set();
    const rows = await this.db
      .selectFrom("qrcodes")
      .select("scene")
      .where("appid", "=", appId)
      .where("scene", "in", scenes)
      .execute();
    return new Set(rows.map((row) => row.scene));
  }

  async countPermanent(appId: string): Promise<number> {
    const row = await this.db
      .selectFrom("qrcodes")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .where("appid", "=", appId)
      .where("kind", "=", "channel")
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** A page of an account's codes, newest first (ids are time-ordered). */
  list(appId: string, options: { kind?: QrCodeKind; before?: string; limit: number }): Promise<QrCodeRow[]> {
    let query = this.db.selectFrom("qrcodes").selectAll().where("appid", "=", appId);
    if (options.kind) query = query.where("kind", "=", options.kind);
    if (options.before) query = query.where("id", "<", options.before);
    return query.orderBy("id", "desc").limit(options.limit).execute();
  }

  /** Every code of an account, by id (the daily figures name each series); at most `limit`. */
  all(appId: string, kind: QrCodeKind | undefined, limit: number): Promise<QrCodeRow[]> {
    let query = this.db.selectFrom("qrcodes").selectAll().where("appid", "=", appId);
    if (kind) query = query.where("kind", "=", kind);
    return query.orderBy("id").limit(limit).execute();
  }

  /**
   * Records a scan; false when it was recorded already (WeChat retries a push, another
   * process saw it): the same follower, CreateTime and kind are the same scan.
   */
  async recordScan(scan: QrCodeScan): Promise<boolean> {
    const result = await this.db
      .insertInto("qrcode_scans")
      .values(scan)
      .onConflict((oc) => oc.columns(["appid", "openid", "create_time", "kind"]).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  /** A follower followed through a code: the code that brought them now, whoever brought them before. */
  async recordBrought(follower: QrCodeFollowersTable): Promise<void> {
    await this.db
      .insertInto("qrcode_followers")
      .values(follower)
      .onConflict((oc) =>
        oc.columns(["appid", "openid"]).doUpdateSet({
          scene: follower.scene,
          inviter_openid: follower.inviter_openid,
          subscribed_at: follower.subscribed_at,
          subscribed_day: follower.subscribed_day,
          unsubscribed_at: null,
          unsubscribed_day: null,
        }),
      )
      .execute();
  }

  /** An unfollow of a follower a code brought (and who had not unfollowed since); others are no code's. */
  async recordUnfollow(appId: string, openId: string, at: number, day: string): Promise<boolean> {
    const result = await this.db
      .updateTable("qrcode_followers")
      .set({ unsubscribed_at: at, unsubscribed_day: day })
      .where("appid", "=", appId)
      .where("openid", "=", openId)
      .where("unsubscribed_at", "is", null)
      .where("subscribed_at", "<=", at)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Scans and follows per scene and day within [from, to] (days as YYYY-MM-DD), with the unfollows. */
  async daily(appId: string, from: string, to: string): Promise<DailyFigures[]> {
    const scans = await this.db
      .selectFrom("qrcode_scans")
      .select(["scene", "day", "kind", (eb) => eb.fn.countAll<number | string>().as("n")])
      .where("appid", "=", appId)
      .where("day", ">=", from)
      .where("day", "<=", to)
      .groupBy(["scene", "day", "kind"])
      .execute();
    const unfollows = await this.db
      .selectFrom("qrcode_followers")
      .select(["scene", "unsubscribed_day as day", (eb) => eb.fn.countAll<number | string>().as("n")])
      .where("appid", "=", appId)
      .where("unsubscribed_day", ">=", from)
      .where("unsubscribed_day", "<=", to)
      .groupBy(["scene", "unsubscribed_day"])
      .execute();
    const figures = new Map<string, DailyFigures>();
    const at = (scene: string, day: string) => {
      const key = `${day}\u0000${scene}`;
      let entry = figures.get(key);
      if (!entry) {
        entry = { scene, day, scans: 0, newFollowers: 0, unfollows: 0 };
        figures.set(key, entry);
      }
      return entry;
    };
    for (const row of scans) {
      const entry = at(row.scene, row.day);
      // A follow through a code is a scan too: WeChat counts the scan that led to it.
      entry.scans += Number(row.n);
      if (row.kind === "subscribe") entry.newFollowers += Number(row.n);
    }
    for (const row of unfollows) if (row.day !== null) at(row.scene, row.day).unfollows += Number(row.n);
    return [...figures.values()].sort((a, b) => a.day.localeCompare(b.day) || a.scene.localeCompare(b.scene));
  }

  /** All-time figures of these scenes. */
  async totals(appId: string, scenes: readonly string[]): Promise<Map<string, SceneTotals>> {
    const totals = new Map<string, SceneTotals>(
      scenes.map((scene) => [scene, { scene, scans: 0, newFollowers: 0, unfollows: 0 }]),
    );
    if (scenes.length === 0) return totals;
    const scans = await this.db
      .selectFrom("qrcode_scans")
      .select(["scene", "kind", (eb) => eb.fn.countAll<number | string>().as("n")])
      .where("appid", "=", appId)
      .where("scene", "in", scenes)
      .groupBy(["scene", "kind"])
      .execute();
    for (const row of scans) {
      const entry = totals.get(row.scene);
      if (!entry) continue;
      entry.scans += Number(row.n);
      if (row.kind === "subscribe") entry.newFollowers += Number(row.n);
    }
    const unfollows = await this.db
      .selectFrom("qrcode_followers")
      .select(["scene", (eb) => eb.fn.countAll<number | string>().as("n")])
      .where("appid", "=", appId)
      .where("scene", "in", scenes)
      .where("unsubscribed_at", "is not", null)
      .groupBy("scene")
      .execute();
    for (const row of unfollows) {
      const entry = totals.get(row.scene);
      if (entry) entry.unfollows = Number(row.n);
    }
    return totals;
  }

  /** Who brought whom through fission codes, oldest first; at most `limit` edges. */
  invitations(appId: string, limit: number): Promise<BroughtFollower[]> {
    return this.db
      .selectFrom("qrcode_followers")
      .selectAll()
      .where("appid", "=", appId)
      .where("inviter_openid", "is not", null)
      .orderBy("subscribed_at")
      .orderBy("openid")
      .limit(limit)
      .execute();
  }

  /** A batch and its items, in one transaction. */
  async insertBatch(batch: QrCodeBatchesTable, items: readonly QrCodeBatchItemsTable[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto("qrcode_batches").values(batch).execute();
      for (let at = 0; at < items.length; at += 100) {
        await trx
          .insertInto("qrcode_batch_items")
          .values(items.slice(at, at + 100))
          .execute();
      }
    });
  }

  findBatch(appId: string | undefined, id: string): Promise<BatchRow | undefined> {
    let query = this.db.selectFrom("qrcode_batches").selectAll().where("id", "=", id);
    if (appId !== undefined) query = query.where("appid", "=", appId);
    return query.executeTakeFirst();
  }

  batchItems(batchId: string): Promise<BatchItemRow[]> {
    return this.db
      .selectFrom("qrcode_batch_items")
      .selectAll()
      .where("batch_id", "=", batchId)
      .orderBy("idx")
      .execute();
  }

  /** An item's outcome, and the batch's counts with it (so the progress read is never behind). */
  async finishItem(
    batchId: string,
    idx: number,
    outcome: Pick<QrCodeBatchItemsTable, "status" | "code_id" | "reason" | "message" | "errcode">,
    at: number,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const changed = await trx
        .updateTable("qrcode_batch_items")
        .set(outcome)
        .where("batch_id", "=", batchId)
        .where("idx", "=", idx)
        .where("status", "=", "pending")
        .executeTakeFirst();
      if (Number(changed.numUpdatedRows) === 0) return;
      await trx
        .updateTable("qrcode_batches")
        .set((eb) => ({
          done: eb("done", "+", 1),
          failed: eb("failed", "+", outcome.status === "failed" ? 1 : 0),
          updated_at: at,
        }))
        .where("id", "=", batchId)
        .execute();
    });
  }

  async closeBatch(batchId: string, at: number): Promise<void> {
    await this.db
      .updateTable("qrcode_batches")
      .set({ status: "done", updated_at: at })
      .where("id", "=", batchId)
      .execute();
  }

  /** Codes by id (a batch's), of one account. */
  async codesById(appId: string, ids: readonly string[]): Promise<Map<string, QrCodeRow>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom("qrcodes")
      .selectAll()
      .where("appid", "=", appId)
      .where("id", "in", ids)
      .execute();
    return new Map(rows.map((row) => [row.id, row]));
  }

  /** Codes asked of WeChat on a day. */
  async creationsOn(appId: string, day: string): Promise<number> {
    const row = await this.db
      .selectFrom("qrcode_creations")
      .select("count")
      .where("appid", "=", appId)
      .where("day", "=", day)
      .executeTakeFirst();
    return row ? Number(row.count) : 0;
  }

  /** Counts one more code asked of WeChat on a day. */
  async countCreation(appId: string, day: string): Promise<void> {
    await this.db
      .insertInto("qrcode_creations")
      .values({ appid: appId, day, count: 1 })
      .onConflict((oc) =>
        oc.columns(["appid", "day"]).doUpdateSet((eb) => ({ count: eb("qrcode_creations.count", "+", 1) })),
      )
      .execute();
  }

  async purgeAccount(appId: string): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    const batches = this.db.selectFrom("qrcode_batches").select("id").where("appid", "=", appId);
    const items = await this.db
      .deleteFrom("qrcode_batch_items")
      .where("batch_id", "in", batches)
      .executeTakeFirst();
    counts["qrcode_batch_items"] = Number(items.numDeletedRows);
    const gone = await this.db.deleteFrom("qrcode_batches").where("appid", "=", appId).executeTakeFirst();
    counts["qrcode_batches"] = Number(gone.numDeletedRows);
    for (const table of ["qrcode_scans", "qrcode_followers", "qrcodes", "qrcode_creations"] as const) {
      const result = await this.db.deleteFrom(table).where("appid", "=", appId).executeTakeFirst();
      counts[table] = Number(result.numDeletedRows);
    }
    return counts;
  }
}
