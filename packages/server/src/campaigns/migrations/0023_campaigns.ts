import type { Kysely } from "kysely";
import type { PortableMigration } from "../../platform/store/migrations/portable.js";

/** Campaigns, their delivery rows (one per recipient), uploaded lists and per-account settings. */
export const campaigns: PortableMigration = {
  name: "0023_campaigns",
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("campaigns")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("appid", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("channel", "text", (c) => c.notNull())
      .addColumn("audience", "text", (c) => c.notNull())
      .addColumn("content", "text", (c) => c.notNull())
      .addColumn("scheduled_at", "bigint")
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("created_by_id", "text")
      .addColumn("created_by_name", "text")
      .addColumn("approved_by_id", "text")
      .addColumn("approved_by_name", "text")
      .addColumn("reject_reason", "text")
      .addColumn("expand_cursor", "text")
      .addColumn("expanded", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("mass_msgid", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("submitted_at", "bigint")
      .addColumn("started_at", "bigint")
      .addColumn("finished_at", "bigint")
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
    // The list: an account's campaigns newest first (keyset on id, which grows with time).
    await db.schema.createIndex("campaigns_account").on("campaigns").columns(["appid", "id"]).execute();
    // Scheduled campaigns falling due, and campaigns to resume after a restart.
    await db.schema
      .createIndex("campaigns_status")
      .on("campaigns")
      .columns(["status", "scheduled_at"])
      .execute();

    await db.schema
      .createTable("campaign_recipients")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("campaign_id", "text", (c) => c.notNull())
      .addColumn("appid", "text", (c) => c.notNull())
      .addColumn("openid", "text", (c) => c.notNull())
      .addColumn("channel", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("next_attempt_at", "bigint", (c) => c.notNull())
      .addColumn("locked_until", "bigint")
      .addColumn("errcode", "integer")
      .addColumn("rid", "text")
      .addColumn("msgid", "text")
      .addColumn("reason", "text")
      .addColumn("receipt", "text")
      .addColumn("sent_at", "bigint")
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addUniqueConstraint("campaign_recipients_once", ["campaign_id", "openid"])
      .execute();
    // The claim: due rows of one campaign in one status, in next_attempt_at order — a range
    // scan that stops after the batch, whatever the campaign's size. Also the per-status counts.
    await db.schema
      .createIndex("campaign_recipients_claim")
      .on("campaign_recipients")
      .columns(["campaign_id", "status", "next_attempt_at", "id"])
      .execute();
    // Receipts: TEMPLATESENDJOBFINISH names the msgid (and the follower for a row whose
    // answer was lost to a crash).
    await db.schema
      .createIndex("campaign_recipients_msgid")
      .on("campaign_recipients")
      .columns(["appid", "msgid"])
      .execute();
    await db.schema
      .createIndex("campaign_recipients_follower")
      .on("campaign_recipients")
      .columns(["appid", "openid", "status"])
      .execute();

    await db.schema
      .createTable("campaign_lists")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("appid", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("rows", "integer", (c) => c.notNull())
      .addColumn("resolved", "integer", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("campaign_list_members")
      .addColumn("list_id", "text", (c) => c.notNull())
      .addColumn("openid", "text", (c) => c.notNull())
      .addColumn("customer_id", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("campaign_list_members_pk", ["list_id", "openid"])
      .execute();

    await db.schema
      .createTable("campaign_settings")
      .addColumn("appid", "text", (c) => c.primaryKey())
      .addColumn("approval_required", "integer", (c) => c.notNull())
      .addColumn("sends_per_second", "integer", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of [
      "campaign_settings",
      "campaign_list_members",
      "campaign_lists",
      "campaign_recipients",
      "campaigns",
    ]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
