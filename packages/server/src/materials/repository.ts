import type { Kysely, Selectable } from "kysely";
import type { Database } from "../platform/store/schema.js";
import type { MaterialsTable } from "./tables.js";

export type MaterialRow = Selectable<MaterialsTable>;

/** Where a page starts: after this item (newest first). */
export interface PageCursor {
  createdAt: number;
  mediaId: string;
}

/** The materials table. Nothing here decides anything. */
export class MaterialsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: MaterialRow): Promise<void> {
    await this.db.insertInto("materials").values(row).execute();
  }

  find(appId: string, mediaId: string): Promise<MaterialRow | undefined> {
    return this.db
      .selectFrom("materials")
      .selectAll()
      .where("appid", "=", appId)
      .where("media_id", "=", mediaId)
      .executeTakeFirst();
  }

  /** One page, newest first, of an account's items (of one type or kind when given), live at `now`. */
  page(
    appId: string,
    filter: { type?: MaterialRow["type"] | undefined; kind?: MaterialRow["kind"] | undefined; now: number },
    limit: number,
    after?: PageCursor,
  ): Promise<MaterialRow[]> {
    let query = this.db
      .selectFrom("materials")
      .selectAll()
      .where("appid", "=", appId)
      .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", filter.now)]));
    if (filter.type) query = query.where("type", "=", filter.type);
    if (filter.kind) query = query.where("kind", "=", filter.kind);
    if (after) {
      query = query.where((eb) =>
        eb.or([
          eb("created_at", "<", after.createdAt),
          eb.and([eb("created_at", "=", after.createdAt), eb("media_id", "<", after.mediaId)]),
        ]),
      );
    }
    return query.orderBy("created_at", "desc").orderBy("media_id", "desc").limit(limit).execute();
  }

  /** Permanent items of one type (the sync compares them with WeChat's list). */
  permanentIds(appId: string, types: readonly MaterialRow["type"][]): Promise<{ media_id: string }[]> {
    return this.db
      .selectFrom("materials")
      .select("media_id")
      .where("appid", "=", appId)
      .where("kind", "=", "permanent")
      .where("type", "in", types)
      .execute();
  }

  /** How many permanent items of these types the account has on record. */
  async permanentCount(appId: string, types: readonly MaterialRow["type"][]): Promise<number> {
    const row = await this.db
      .selectFrom("materials")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .where("appid", "=", appId)
      .where("kind", "=", "permanent")
      .where("type", "in", types)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Inserts or refreshes a synced permanent item (its size, when known, stays). */
  async upsertSynced(row: MaterialRow): Promise<void> {
    await this.db
      .insertInto("materials")
      .values(row)
      .onConflict((oc) =>
        oc.columns(["appid", "media_id"]).doUpdateSet({
          name: row.name,
          url: row.url,
          articles: row.articles,
          type: row.type,
        }),
      )
      .execute();
  }

  async delete(appId: string, mediaIds: readonly string[]): Promise<number> {
    if (mediaIds.length === 0) return 0;
    const result = await this.db
      .deleteFrom("materials")
      .where("appid", "=", appId)
      .where("media_id", "in", mediaIds)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Forgets an account's temporary media past their 3 days. */
  async deleteExpired(appId: string, now: number): Promise<number> {
    const result = await this.db
      .deleteFrom("materials")
      .where("appid", "=", appId)
      .where("expires_at", "<=", now)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** An account went away: its records go too. */
  async purgeAccount(appId: string): Promise<Record<string, number>> {
    const result = await this.db.deleteFrom("materials").where("appid", "=", appId).executeTakeFirst();
    return { materials: Number(result.numDeletedRows) };
  }
}
