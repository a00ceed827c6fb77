import type { Kysely } from "kysely";
import type { PortableMigration } from "./portable.js";

/**
 * The platform's part of the foundation: the durable job queue. The step's other tables are
 * their modules' parts of it (auth's users, sessions and API keys; the accounts module's
 * settings). Portable types only (see ../schema.ts) so the same text runs on SQLite and
 * PostgreSQL.
 */
export const foundation: PortableMigration = {
  name: "0001_foundation",
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("jobs")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("queue", "text", (c) => c.notNull())
      .addColumn("payload", "text", (c) => c.notNull())
      .addColumn("run_at", "bigint", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("max_attempts", "integer", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("locked_until", "bigint")
      .addColumn("last_error", "text")
      .addColumn("dedupe_key", "text", (c) => c.unique())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("jobs_due").on("jobs").columns(["status", "run_at"]).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("jobs").execute();
  },
};
