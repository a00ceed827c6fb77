import type { Kysely } from "kysely";
import type { PortableMigration } from "../../platform/store/migrations/portable.js";

/**
 * The tokens module's part of the accounts step: the accounts' tokens (SecretBox envelopes)
 * and the third-party platform's ticket.
 */
export const accounts: PortableMigration = {
  name: "0002_accounts",
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("tokens")
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("appid", "text", (c) => c.notNull())
      .addColumn("value", "text", (c) => c.notNull())
      .addColumn("expires_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("tokens_appid").on("tokens").column("appid").execute();

    await db.schema
      .createTable("component_state")
      .addColumn("component_appid", "text", (c) => c.primaryKey())
      .addColumn("ticket", "text")
      .addColumn("ticket_received_at", "bigint")
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ["component_state", "tokens"]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
