import type { Kysely } from "kysely";
import type { PortableMigration } from "../../platform/store/migrations/portable.js";

/**
 * The platform pushes accepted on the authorization-event URL, by (timestamp, nonce), with a
 * fingerprint of their content: a push replayed within WeChat's window is answered without
 * being applied again, and another body under the same pair is refused — across restarts.
 * Rows older than the window are pruned as new pushes arrive.
 */
export const platformPushes: PortableMigration = {
  name: "0006_platform_pushes",
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("platform_pushes")
      .addColumn("timestamp", "text", (c) => c.notNull())
      .addColumn("nonce", "text", (c) => c.notNull())
      .addColumn("content_hash", "text", (c) => c.notNull())
      .addColumn("received_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("platform_pushes_pk", ["timestamp", "nonce"])
      .execute();
    await db.schema
      .createIndex("platform_pushes_received_at")
      .on("platform_pushes")
      .column("received_at")
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("platform_pushes").execute();
  },
};
