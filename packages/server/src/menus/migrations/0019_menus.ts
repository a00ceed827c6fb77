import type { Kysely } from "kysely";
import type { PortableMigration } from "../../platform/store/migrations/portable.js";

/** Custom menus: each account's draft, every publication (the history), clicks per key per day. */
export const menus: PortableMigration = {
  name: "0019_menus",
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("menu_drafts")
      .addColumn("appid", "text", (c) => c.primaryKey())
      .addColumn("menu", "text", (c) => c.notNull())
      .addColumn("updated_by", "text", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("menu_publications")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("appid", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("menu", "text")
      .addColumn("matchrule", "text")
      .addColumn("wechat_menu_id", "text")
      .addColumn("published_by", "text", (c) => c.notNull())
      .addColumn("published_by_user", "text")
      .addColumn("published_at", "bigint", (c) => c.notNull())
      .execute();
    // The history is read per account, newest first; ids grow with time.
    await db.schema
      .createIndex("menu_publications_appid")
      .on("menu_publications")
      .columns(["appid", "id"])
      .execute();

    await db.schema
      .createTable("menu_clicks")
      .addColumn("appid", "text", (c) => c.notNull())
      .addColumn("day", "text", (c) => c.notNull())
      .addColumn("event", "text", (c) => c.notNull())
      .addColumn("event_key", "text", (c) => c.notNull())
      .addColumn("clicks", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("menu_clicks_pk", ["appid", "day", "event", "event_key"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ["menu_clicks", "menu_publications", "menu_drafts"]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
