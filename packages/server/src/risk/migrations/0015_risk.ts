import type { Kysely } from "kysely";
import type { PortableMigration } from "../../platform/store/migrations/portable.js";

/** The risk module's part of step 0015_risk: per-account switches, alert counters, sign-in ranges. */
export const risk: PortableMigration = {
  name: "0015_risk",
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("risk_settings")
      .addColumn("appid", "text", (c) => c.primaryKey())
      .addColumn("protection", "integer", (c) => c.notNull())
      .addColumn("alerts", "integer", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addColumn("updated_by", "text")
      .execute();
    await db.schema
      .createTable("risk_signals")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("subject", "text", (c) => c.notNull())
      .addColumn("at", "bigint", (c) => c.notNull())
      .execute();
    // A count is one range of this index: (kind, subject, at within the window).
    await db.schema
      .createIndex("risk_signals_count")
      .on("risk_signals")
      .columns(["kind", "subject", "at"])
      .execute();
    await db.schema.createIndex("risk_signals_at").on("risk_signals").column("at").execute();
    await db.schema
      .createTable("sign_in_ranges")
      .addColumn("user_id", "text", (c) => c.notNull())
      .addColumn("range", "text", (c) => c.notNull())
      .addColumn("first_seen_at", "bigint", (c) => c.notNull())
      .addColumn("last_seen_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("sign_in_ranges_pk", ["user_id", "range"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("sign_in_ranges").execute();
    await db.schema.dropTable("risk_signals").execute();
    await db.schema.dropTable("risk_settings").execute();
  },
};
