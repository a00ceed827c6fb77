import type { Kysely } from "kysely";
import type { PortableMigration } from "../../platform/store/migrations/portable.js";

/**
 * The audit module's table. Each filter a page can take leads an index with the id after it,
 * so a page is one index range walked in id (time) order, whatever the filter.
 */
export const audit: PortableMigration = {
  name: "0012_audit",
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("audit_entries")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("at", "bigint", (c) => c.notNull())
      .addColumn("actor_kind", "text")
      .addColumn("actor_id", "text")
      .addColumn("actor_name", "text")
      .addColumn("ip", "text", (c) => c.notNull())
      .addColumn("user_agent", "text")
      .addColumn("appid", "text")
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("method", "text", (c) => c.notNull())
      .addColumn("route", "text", (c) => c.notNull())
      .addColumn("target", "text", (c) => c.notNull())
      .addColumn("outcome", "text", (c) => c.notNull())
      .addColumn("status", "integer", (c) => c.notNull())
      .addColumn("error_code", "text")
      .addColumn("summary", "text")
      .addColumn("request_id", "text", (c) => c.notNull())
      .execute();
    // The retention purge deletes by time.
    await db.schema.createIndex("audit_at").on("audit_entries").column("at").execute();
    for (const column of ["actor_id", "appid", "action", "outcome"] as const) {
      await db.schema
        .createIndex(`audit_${column}_page`)
        .on("audit_entries")
        .columns([column, "id"])
        .execute();
    }
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("audit_entries").execute();
  },
};
