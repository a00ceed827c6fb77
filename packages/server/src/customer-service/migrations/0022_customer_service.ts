import type { Kysely } from "kysely";
import type { PortableMigration } from "../../platform/store/migrations/portable.js";

/** The customer-service step: routing rules to customer-service accounts. */
export const customerService: PortableMigration = {
  name: "0022_customer_service",
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("kf_routing_rules")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("appid", "text", (c) => c.notNull())
      .addColumn("position", "integer", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("value", "text", (c) => c.notNull())
      .addColumn("match", "text")
      .addColumn("kf_account", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
    // Every routing decision reads an account's rules in order.
    await db.schema
      .createIndex("kf_routing_rules_order")
      .on("kf_routing_rules")
      .columns(["appid", "position"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("kf_routing_rules").execute();
  },
};
