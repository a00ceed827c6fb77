import type { Kysely } from "kysely";
import type { PortableMigration } from "../../platform/store/migrations/portable.js";

/**
 * The second factor: a user's TOTP (its secret sealed with the master key; the last time step
 * used, so a code is never accepted twice), the devices a user signed in from after a second
 * factor (a long-lived cookie's digest), and the sign-ins waiting for their second factor.
 */
export const secondFactor: PortableMigration = {
  name: "0016_second_factor",
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("users").addColumn("totp_secret", "text").execute();
    await db.schema.alterTable("users").addColumn("totp_enabled_at", "bigint").execute();
    await db.schema.alterTable("users").addColumn("totp_last_step", "bigint").execute();

    await db.schema
      .createTable("known_devices")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("token_hash", "text", (c) => c.notNull())
      .addColumn("first_seen_at", "bigint", (c) => c.notNull())
      .addColumn("last_seen_at", "bigint", (c) => c.notNull())
      .addColumn("ip", "text")
      .addColumn("user_agent", "text")
      .addUniqueConstraint("known_devices_user_token", ["user_id", "token_hash"])
      .execute();

    await db.schema
      .createTable("sign_in_challenges")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("method", "text", (c) => c.notNull())
      .addColumn("code_hash", "text")
      .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("sends", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("expires_at", "bigint", (c) => c.notNull())
      .addColumn("ip", "text")
      .addColumn("user_agent", "text")
      .execute();
    await db.schema
      .createIndex("sign_in_challenges_user_id")
      .on("sign_in_challenges")
      .column("user_id")
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("sign_in_challenges").execute();
    await db.schema.dropTable("known_devices").execute();
    for (const column of ["totp_last_step", "totp_enabled_at", "totp_secret"]) {
      await db.schema.alterTable("users").dropColumn(column).execute();
    }
  },
};
