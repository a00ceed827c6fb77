import type { Kysely } from "kysely";
import type { PortableMigration } from "../../platform/store/migrations/portable.js";

/**
 * The webhooks module's part of the callbacks step: the company's webhooks and one row per
 * delivery of an event to a webhook (`webhook_deliveries`), so that delivery state lives in
 * the store.
 */
export const callbacks: PortableMigration = {
  name: "0004_callbacks",
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("webhooks")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("url", "text", (c) => c.notNull())
      .addColumn("events", "text", (c) => c.notNull())
      .addColumn("accounts", "text", (c) => c.notNull())
      .addColumn("secret", "text", (c) => c.notNull())
      .addColumn("forward_original", "integer", (c) => c.notNull())
      .addColumn("reply", "integer", (c) => c.notNull())
      .addColumn("enabled", "integer", (c) => c.notNull())
      .addColumn("max_attempts", "integer", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("webhook_deliveries")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("webhook_id", "text", (c) => c.notNull().references("webhooks.id").onDelete("cascade"))
      .addColumn("event_id", "text", (c) => c.notNull())
      .addColumn("app_id", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull())
      .addColumn("last_status_code", "integer")
      .addColumn("last_error", "text")
      .addColumn("last_attempt_at", "bigint")
      .addColumn("delivered_at", "bigint")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("webhook_deliveries_once")
      .on("webhook_deliveries")
      .columns(["webhook_id", "event_id"])
      .unique()
      .execute();
    await db.schema.createIndex("webhook_deliveries_app").on("webhook_deliveries").column("app_id").execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ["webhook_deliveries", "webhooks"]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
