import type { PortableMigration } from "./portable.js";

/**
 * One spelling of the account column: `appid`, as in accounts, tokens, quota_resets,
 * authorization_notices and api_calls. Renamed in place on both engines, so the rows, the
 * indexes over the column (the events' keyset pages, the deliveries' account index) and their
 * names stay as they were.
 */
export const accountColumn: PortableMigration = {
  name: "0011_account_column",
  async up(db) {
    for (const table of ["events", "webhook_deliveries"]) {
      await db.schema.alterTable(table).renameColumn("app_id", "appid").execute();
    }
  },
  async down(db) {
    for (const table of ["events", "webhook_deliveries"]) {
      await db.schema.alterTable(table).renameColumn("appid", "app_id").execute();
    }
  },
};
