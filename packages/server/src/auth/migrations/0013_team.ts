import { type Kysely, sql } from "kysely";
import type { PortableMigration } from "../../platform/store/migrations/portable.js";

/**
 * Auth's part of the team step: a user's platform role, display name, e-mail and whether the
 * user is disabled. Every user made before was an administrator, and stays one; the first of
 * them (ids are UUIDv7: the oldest sorts first) becomes the owner.
 */
export const team: PortableMigration = {
  name: "0013_team",
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable("users")
      .addColumn("role", "text", (c) => c.notNull().defaultTo("admin"))
      .execute();
    await db.schema.alterTable("users").addColumn("display_name", "text").execute();
    await db.schema.alterTable("users").addColumn("email", "text").execute();
    await db.schema.alterTable("users").addColumn("disabled_at", "bigint").execute();
    await sql`update users set role = 'owner' where id = (select min(id) from users)`.execute(db);
  },
  async down(db: Kysely<unknown>) {
    for (const column of ["disabled_at", "email", "display_name", "role"]) {
      await db.schema.alterTable("users").dropColumn(column).execute();
    }
  },
};
