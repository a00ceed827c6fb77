import type { Kysely } from "kysely";
import type { PortableMigration } from "../../platform/store/migrations/portable.js";

/**
 * The notifications module's part of step 0015_risk. A user's list pages by (user_id, id);
 * the unread count reads (user_id, read_at); the retention purge deletes by time.
 */
export const notifications: PortableMigration = {
  name: "0015_risk",
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("notifications")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("user_id", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("appid", "text")
      .addColumn("data", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("read_at", "bigint")
      .execute();
    await db.schema
      .createIndex("notifications_user_page")
      .on("notifications")
      .columns(["user_id", "id"])
      .execute();
    await db.schema
      .createIndex("notifications_user_unread")
      .on("notifications")
      .columns(["user_id", "read_at"])
      .execute();
    await db.schema.createIndex("notifications_created").on("notifications").column("created_at").execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("notifications").execute();
  },
};
