import type { Kysely } from "kysely";
import type { PortableMigration } from "../../platform/store/migrations/portable.js";

/** The team's part of the team step: members of accounts (and invitations), departments. */
export const team: PortableMigration = {
  name: "0013_team",
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("team_members")
      .addColumn("appid", "text", (c) => c.notNull())
      .addColumn("user_id", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("switches", "text", (c) => c.notNull())
      .addColumn("expires_at", "bigint")
      .addColumn("invited_by", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("accepted_at", "bigint")
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("team_members_pk", ["appid", "user_id"])
      .execute();
    // A user's memberships are read on every request of theirs.
    await db.schema.createIndex("team_members_user").on("team_members").column("user_id").execute();

    await db.schema
      .createTable("team_departments")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull().unique())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("team_department_accounts")
      .addColumn("department_id", "text", (c) =>
        c.notNull().references("team_departments.id").onDelete("cascade"),
      )
      .addColumn("appid", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("team_department_accounts_pk", ["department_id", "appid"])
      .execute();
    await db.schema
      .createIndex("team_department_accounts_appid")
      .on("team_department_accounts")
      .column("appid")
      .execute();
    await db.schema
      .createTable("team_department_admins")
      .addColumn("user_id", "text", (c) => c.primaryKey())
      .addColumn("department_id", "text", (c) =>
        c.notNull().references("team_departments.id").onDelete("cascade"),
      )
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of [
      "team_department_admins",
      "team_department_accounts",
      "team_departments",
      "team_members",
    ]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
