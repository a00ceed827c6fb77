import type { Kysely } from "kysely";
import type { PortableMigration } from "../../platform/store/migrations/portable.js";

/** Parametric QR codes, their scans and the followers they brought. */
export const qrcodes: PortableMigration = {
  name: "0020_qrcodes",
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("qrcodes")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("appid", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("scene", "text", (c) => c.notNull())
      .addColumn("name", "text")
      .addColumn("inviter_openid", "text")
      .addColumn("ticket", "text", (c) => c.notNull())
      .addColumn("url", "text", (c) => c.notNull())
      .addColumn("expires_at", "bigint")
      .addColumn("created_by", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
    // Events name a code by its scene only.
    await db.schema.createIndex("qrcodes_scene").on("qrcodes").columns(["appid", "scene"]).unique().execute();
    // One fission code per inviting follower (channel rows have no inviter; nulls never collide).
    await db.schema
      .createIndex("qrcodes_inviter")
      .on("qrcodes")
      .columns(["appid", "inviter_openid"])
      .unique()
      .execute();
    await db.schema.createIndex("qrcodes_list").on("qrcodes").columns(["appid", "kind", "id"]).execute();

    await db.schema
      .createTable("qrcode_scans")
      .addColumn("appid", "text", (c) => c.notNull())
      .addColumn("openid", "text", (c) => c.notNull())
      .addColumn("create_time", "bigint", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("scene", "text", (c) => c.notNull())
      .addColumn("day", "text", (c) => c.notNull())
      .addColumn("received_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("qrcode_scans_pk", ["appid", "openid", "create_time", "kind"])
      .execute();
    // The daily figures read a range of days of one account.
    await db.schema
      .createIndex("qrcode_scans_day")
      .on("qrcode_scans")
      .columns(["appid", "day", "scene"])
      .execute();

    await db.schema
      .createTable("qrcode_followers")
      .addColumn("appid", "text", (c) => c.notNull())
      .addColumn("openid", "text", (c) => c.notNull())
      .addColumn("scene", "text", (c) => c.notNull())
      .addColumn("inviter_openid", "text")
      .addColumn("subscribed_at", "bigint", (c) => c.notNull())
      .addColumn("subscribed_day", "text", (c) => c.notNull())
      .addColumn("unsubscribed_at", "bigint")
      .addColumn("unsubscribed_day", "text")
      .addPrimaryKeyConstraint("qrcode_followers_pk", ["appid", "openid"])
      .execute();
    await db.schema
      .createIndex("qrcode_followers_inviter")
      .on("qrcode_followers")
      .columns(["appid", "inviter_openid"])
      .execute();
    await db.schema
      .createIndex("qrcode_followers_unfollowed")
      .on("qrcode_followers")
      .columns(["appid", "unsubscribed_day"])
      .execute();

    await db.schema
      .createTable("qrcode_batches")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("appid", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("total", "integer", (c) => c.notNull())
      .addColumn("done", "integer", (c) => c.notNull())
      .addColumn("failed", "integer", (c) => c.notNull())
      .addColumn("created_by", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("qrcode_batches_appid").on("qrcode_batches").column("appid").execute();
    await db.schema
      .createTable("qrcode_batch_items")
      .addColumn("batch_id", "text", (c) => c.notNull())
      .addColumn("idx", "integer", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("scene", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("code_id", "text")
      .addColumn("reason", "text")
      .addColumn("message", "text")
      .addColumn("errcode", "integer")
      .addPrimaryKeyConstraint("qrcode_batch_items_pk", ["batch_id", "idx"])
      .execute();

    await db.schema
      .createTable("qrcode_creations")
      .addColumn("appid", "text", (c) => c.notNull())
      .addColumn("day", "text", (c) => c.notNull())
      .addColumn("count", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("qrcode_creations_pk", ["appid", "day"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of [
      "qrcode_creations",
      "qrcode_batch_items",
      "qrcode_batches",
      "qrcode_followers",
      "qrcode_scans",
      "qrcodes",
    ]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
