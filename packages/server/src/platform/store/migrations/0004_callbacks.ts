import { type Kysely, sql } from "kysely";
import type { PortableMigration } from "./portable.js";

/**
 * The callback gateway's tables: every push received (`events`), the company's webhooks and
 * one row per delivery of an event to a webhook (`webhook_deliveries`), so that delivery state
 * lives in the store and not only in the queue.
 */
export const callbacks: PortableMigration = {
  name: "0004_callbacks",
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("events")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("app_id", "text", (c) => c.notNull())
      .addColumn("dedupe_key", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("msg_type", "text")
      .addColumn("event", "text")
      .addColumn("from_openid", "text")
      .addColumn("create_time", "bigint")
      .addColumn("received_at", "bigint", (c) => c.notNull())
      .addColumn("mode", "text", (c) => c.notNull())
      .addColumn("query", "text", (c) => c.notNull())
      .addColumn("body", "text", (c) => c.notNull())
      .addColumn("plaintext_xml", "text", (c) => c.notNull())
      .addColumn("timestamp", "text", (c) => c.notNull())
      .addColumn("nonce", "text", (c) => c.notNull())
      .addColumn("signature", "text", (c) => c.notNull())
      .addColumn("body_hash", "text", (c) => c.notNull())
      .addColumn("reply_xml", "text")
      .addColumn("response_body", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("fanout", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("events_app_dedupe")
      .on("events")
      .columns(["app_id", "dedupe_key"])
      .unique()
      .execute();
    await db.schema
      .createIndex("events_app_received")
      .on("events")
      .columns(["app_id", "received_at"])
      .execute();
    // Partial: only the few events still waiting for their fan-out are indexed.
    await db.schema
      .createIndex("events_fanout_pending")
      .on("events")
      .column("received_at")
      .where(sql.ref("fanout"), "=", "pending")
      .execute();

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
    for (const table of ["webhook_deliveries", "webhooks", "events"]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
