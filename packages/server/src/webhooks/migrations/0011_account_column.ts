import type { PortableMigration } from "../../platform/store/migrations/portable.js";

/**
 * One spelling of the account column: `appid`, as in every other table. Renamed in place on
 * both engines, so the rows, the deliveries' account index and its name stay as they were. The
 * callbacks module renames its events' column in the same step.
 */
export const accountColumn: PortableMigration = {
  name: "0011_account_column",
  async up(db) {
    await db.schema.alterTable("webhook_deliveries").renameColumn("app_id", "appid").execute();
  },
  async down(db) {
    await db.schema.alterTable("webhook_deliveries").renameColumn("appid", "app_id").execute();
  },
};
