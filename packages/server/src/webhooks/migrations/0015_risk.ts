import type { Kysely } from "kysely";
import type { PortableMigration } from "../../platform/store/migrations/portable.js";

/**
 * The webhooks module's part of step 0015_risk: a delivery may carry a notice of wxgate's own
 * (`risk_operation`) instead of a push; its JSON body is kept on the row, since no event holds it.
 */
export const notices: PortableMigration = {
  name: "0015_risk",
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("webhook_deliveries").addColumn("notice", "text").execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable("webhook_deliveries").dropColumn("notice").execute();
  },
};
