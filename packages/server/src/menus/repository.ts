import { type Kysely, type Selectable, sql } from "kysely";
import type { Database } from "../platform/store/schema.js";
import type { MenuClicksTable, MenuDraftsTable, MenuPublicationsTable } from "./tables.js";

export type DraftRow = Selectable<MenuDraftsTable>;
export type PublicationRow = Selectable<MenuPublicationsTable>;
export type ClickRow = Selectable<MenuClicksTable>;

/** The menus tables: drafts, publications, click counts. Nothing here decides anything. */
export class MenusRepository {
  constructor(private readonly db: Kysely<Database>) {}

  findDraft(appId: string): Promise<DraftRow | undefined> {
    return this.db.selectFrom("menu_drafts").selectAll().where("appid", "=", appId).executeTakeFirst();
  }

  async saveDraft(row: DraftRow): Promise<void> {
    await this.db
      .insertInto("menu_drafts")
      .values(row)
      .onConflict((oc) =>
        oc.column("appid").doUpdateSet({
          menu: row.menu,
          updated_by: row.updated_by,
          updated_at: row.updated_at,
        }),
      )
      .execute();
  }

  async addPublication(row: PublicationRow): Promise<void> {
    await this.db.insertInto("menu_publications").values(row).execute();
  }

  findPublication(appId: string, id: string): Promise<PublicationRow | undefined> {
    return this.db
      .selectFrom("menu_publications")
      .selectAll()
      .where("appid", "=", appId)
      .where("id", "=", id)
      .executeTakeFirst();
  }

  /** An account's publications, newest first, older than `before` (an id) when given. */
  publications(appId: string, limit: number, before?: string): Promise<PublicationRow[]> {
    let query = this.db.selectFrom("menu_publications").selectAll().where("appid", "=", appId);
    if (before !== undefined) query = query.where("id", "<", before);
    return query.orderBy("id", "desc").limit(limit).execute();
  }

  /** Counts one tap; concurrent taps of one key add up (one row per account, day, event, key). */
  async countClick(row: Omit<ClickRow, "clicks">): Promise<void> {
    await this.db
      .insertInto("menu_clicks")
      .values({ ...row, clicks: 1 })
      .onConflict((oc) =>
        oc
          .columns(["appid", "day", "event", "event_key"])
          .doUpdateSet({ clicks: sql<number>`${sql.ref("menu_clicks.clicks")} + 1` }),
      )
      .execute();
  }

  /** Counts from `fromDay` to `toDay` (inclusive), by day then event and key. */
  clicks(appId: string, fromDay: string, toDay: string): Promise<ClickRow[]> {
    return this.db
      .selectFrom("menu_clicks")
      .selectAll()
      .where("appid", "=", appId)
      .where("day", ">=", fromDay)
      .where("day", "<=", toDay)
      .orderBy("day")
      .orderBy("event")
      .orderBy("event_key")
      .execute();
  }

  async purgeAccount(appId: string): Promise<Record<string, number>> {
    return this.db.transaction().execute(async (trx) => {
      const counts: Record<string, number> = {};
      for (const table of ["menu_drafts", "menu_publications", "menu_clicks"] as const) {
        const result = await trx.deleteFrom(table).where("appid", "=", appId).executeTakeFirst();
        counts[table] = Number(result.numDeletedRows);
      }
      return counts;
    });
  }
}
