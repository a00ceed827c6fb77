import type { Kysely } from "kysely";
import type { PortableMigration } from "../../platform/store/migrations/portable.js";

/** The automation module's step: reply rules and the record of which rule answered a push. */
export const automation: PortableMigration = {
  name: "0018_automation",
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("automation_rules")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("appid", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("keywords", "text", (c) => c.notNull())
      .addColumn("menu_key", "text")
      .addColumn("priority", "integer", (c) => c.notNull())
      .addColumn("position", "integer", (c) => c.notNull())
      .addColumn("schedule", "text")
      .addColumn("mode", "text", (c) => c.notNull())
      .addColumn("replies", "text", (c) => c.notNull())
      .addColumn("enabled", "integer", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addColumn("updated_by", "text")
      .execute();
    // An account's rules are read whole, in order, when its matcher is built.
    await db.schema
      .createIndex("automation_rules_account")
      .on("automation_rules")
      .columns(["appid", "position"])
      .execute();
    await db.schema
      .createTable("automation_hits")
      .addColumn("event_id", "text", (c) => c.primaryKey())
      .addColumn("appid", "text", (c) => c.notNull())
      .addColumn("rule_id", "text", (c) => c.notNull())
      .addColumn("openid", "text", (c) => c.notNull())
      .addColumn("follow_ups", "integer", (c) => c.notNull())
      .addColumn("at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("automation_hits_account")
      .on("automation_hits")
      .columns(["appid", "at"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("automation_hits").execute();
    await db.schema.dropTable("automation_rules").execute();
  },
};
