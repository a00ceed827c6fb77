import type { Kysely } from "kysely";
import type { PortableMigration } from "../../platform/store/migrations/portable.js";

/**
 * Mass sends by OpenIDs (`message/mass/send`): one call per batch of recipients, each batch
 * with its own clientmsgid, msg_id and MASSSENDJOBFINISH counts; each delivery row names the
 * batch that carries it.
 */
export const campaignMassBatches: PortableMigration = {
  name: "0024_campaign_mass_batches",
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("campaign_recipients").addColumn("mass_batch", "integer").execute();
    await db.schema
      .createTable("campaign_mass_batches")
      .addColumn("campaign_id", "text", (c) => c.notNull())
      .addColumn("batch", "integer", (c) => c.notNull())
      .addColumn("appid", "text", (c) => c.notNull())
      .addColumn("clientmsgid", "text", (c) => c.notNull())
      .addColumn("recipients", "integer", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("msgid", "text")
      .addColumn("sent", "integer")
      .addColumn("errors", "integer")
      .addColumn("filtered", "integer")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("campaign_mass_batches_pk", ["campaign_id", "batch"])
      .execute();
    // MASSSENDJOBFINISH names the account and the msg_id.
    await db.schema
      .createIndex("campaign_mass_batches_msgid")
      .on("campaign_mass_batches")
      .columns(["appid", "msgid"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("campaign_mass_batches").execute();
    await db.schema.alterTable("campaign_recipients").dropColumn("mass_batch").execute();
  },
};
