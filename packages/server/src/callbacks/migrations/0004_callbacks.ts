import { type Kysely, sql } from "kysely";
import type { PortableMigration } from "../../platform/store/migrations/portable.js";

/**
 * The callback gateway's table: every push received (`events`). The step's webhook tables are
 * the webhooks module's part of it.
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
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("events").execute();
  },
};
