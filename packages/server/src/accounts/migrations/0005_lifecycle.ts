import { type Kysely, sql } from "kysely";
import type { PortableMigration } from "../../platform/store/migrations/portable.js";

/** One year, the longest a platform authorization lasts; what accounts authorized earlier get. */
const ONE_YEAR_MS = 365 * 86_400_000;

/**
 * The authorization lifecycle: each platform authorization's end (`authorization_expires_at`),
 * the notices recorded once per authorization period (expiring, lapsed), and an index to count
 * a month's authorization requests.
 */
export const lifecycle: PortableMigration = {
  name: "0005_lifecycle",
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("accounts").addColumn("authorization_expires_at", "bigint").execute();
    // Accounts authorized before validity was kept: their period ends a year after it began.
    await sql`update accounts set authorization_expires_at = authorized_at + ${sql.lit(ONE_YEAR_MS)}
      where connection = 'component' and authorization_state = 'authorized' and authorized_at is not null`.execute(
      db,
    );

    await db.schema
      .createTable("authorization_notices")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("appid", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("period_started_at", "bigint", (c) => c.notNull())
      .addColumn("expires_at", "bigint", (c) => c.notNull())
      .addColumn("recorded_at", "bigint", (c) => c.notNull())
      .execute();
    // Once per account, kind and period, whichever process sweeps first.
    await db.schema
      .createIndex("authorization_notices_once")
      .on("authorization_notices")
      .columns(["appid", "kind", "period_started_at"])
      .unique()
      .execute();

    await db.schema
      .createIndex("authorization_requests_created_at")
      .on("authorization_requests")
      .column("created_at")
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex("authorization_requests_created_at").execute();
    await db.schema.dropTable("authorization_notices").execute();
    await db.schema.alterTable("accounts").dropColumn("authorization_expires_at").execute();
  },
};
