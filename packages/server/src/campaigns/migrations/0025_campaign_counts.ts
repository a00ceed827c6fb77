import { type Kysely, sql } from "kysely";
import type { PortableMigration } from "../../platform/store/migrations/portable.js";

/**
 * A campaign's counters (rows per status, failures per errcode, skipped rows per reason,
 * receipts per verdict), kept in the transactions that change its rows, so the progress costs
 * the same at a thousand rows and at a million. Existing campaigns are counted once here.
 */
export const campaignCounts: PortableMigration = {
  name: "0025_campaign_counts",
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("campaign_counts")
      .addColumn("campaign_id", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("n", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("campaign_counts_pk", ["campaign_id", "kind", "name"])
      .execute();
    const counted = [
      sql`SELECT campaign_id, 'status', status, count(*) FROM campaign_recipients GROUP BY campaign_id, status`,
      sql`SELECT campaign_id, 'errcode', CAST(errcode AS TEXT), count(*) FROM campaign_recipients
          WHERE status = 'failed' AND errcode IS NOT NULL GROUP BY campaign_id, errcode`,
      sql`SELECT campaign_id, 'skipped', COALESCE(reason, 'unknown'), count(*) FROM campaign_recipients
          WHERE status = 'skipped' GROUP BY campaign_id, COALESCE(reason, 'unknown')`,
      sql`SELECT campaign_id, 'receipt', receipt, count(*) FROM campaign_recipients
          WHERE status = 'sent' AND receipt IS NOT NULL GROUP BY campaign_id, receipt`,
    ];
    for (const select of counted) {
      await sql`INSERT INTO campaign_counts (campaign_id, kind, name, n) ${select}`.execute(db);
    }
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("campaign_counts").execute();
  },
};
