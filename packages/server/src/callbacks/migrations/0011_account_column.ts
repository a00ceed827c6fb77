import type { PortableMigration } from "../../platform/store/migrations/portable.js";

/**
 * One spelling of the account column: `appid`, as in every other table. Renamed in place on
 * both engines, so the rows, the indexes over the column (the events' keyset pages) and their
 * names stay as they were. The webhooks module renames its deliveries' column in the same step.
 */
export const accountColumn: PortableMigration = {
  name: "0011_account_column",
  async up(db) {
    await db.schema.alterTable("events").renameColumn("app_id", "appid").execute();
  },
  async down(db) {
    await db.schema.alterTable("events").renameColumn("appid", "app_id").execute();
  },
};
