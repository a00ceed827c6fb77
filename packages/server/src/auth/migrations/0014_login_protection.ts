import type { Kysely } from "kysely";
import type { PortableMigration } from "../../platform/store/migrations/portable.js";

/**
 * Sessions learn when their user last confirmed their identity (risk operations need it within
 * minutes) and whether their id is to be replaced at the next request (the user's privileges
 * changed).
 */
export const loginProtection: PortableMigration = {
  name: "0014_login_protection",
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("sessions").addColumn("confirmed_at", "bigint").execute();
    await db.schema
      .alterTable("sessions")
      .addColumn("renew", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable("sessions").dropColumn("renew").execute();
    await db.schema.alterTable("sessions").dropColumn("confirmed_at").execute();
  },
};
