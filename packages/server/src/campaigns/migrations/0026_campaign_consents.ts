import type { Kysely } from "kysely";
import type { PortableMigration } from "../../platform/store/migrations/portable.js";

/**
 * Mini program users' consent to subscription-message templates, one row per (account,
 * template, user): fed by `subscribe_msg_popup_event` and `subscribe_msg_change_event`, used up
 * by the sends. Its primary key is the `subscribers` audience's keyset index.
 */
export const campaignConsents: PortableMigration = {
  name: "0026_campaign_consents",
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("campaign_consents")
      .addColumn("appid", "text", (c) => c.notNull())
      .addColumn("template_id", "text", (c) => c.notNull())
      .addColumn("openid", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("sends_left", "integer", (c) => c.notNull())
      .addColumn("long_term", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("event_at", "bigint", (c) => c.notNull())
      .addColumn("event_key", "text", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("campaign_consents_pk", ["appid", "template_id", "openid"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("campaign_consents").execute();
  },
};
