import type { Kysely } from "kysely";
import type { PortableMigration } from "../../platform/store/migrations/portable.js";

/** Followers, their tags and tag memberships, and the per-account sync cursor. */
export const followers: PortableMigration = {
  name: "0017_followers",
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("followers")
      .addColumn("appid", "text", (c) => c.notNull())
      .addColumn("openid", "text", (c) => c.notNull())
      .addColumn("unionid", "text")
      .addColumn("nickname", "text")
      .addColumn("remark", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("sex", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("city", "text")
      .addColumn("province", "text")
      .addColumn("country", "text")
      .addColumn("language", "text")
      .addColumn("subscribed", "integer", (c) => c.notNull())
      .addColumn("subscribe_time", "bigint")
      .addColumn("subscribe_scene", "text")
      .addColumn("qr_scene", "text")
      .addColumn("tagids", "text", (c) => c.notNull().defaultTo("[]"))
      .addColumn("last_message_at", "bigint")
      .addColumn("last_menu_click_at", "bigint")
      .addColumn("last_follow_at", "bigint")
      .addColumn("last_scan_at", "bigint")
      .addColumn("last_active_at", "bigint")
      .addColumn("sync_run", "text")
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("followers_pk", ["appid", "openid"])
      .execute();
    // The list's filters, each with the keyset order (openid) after it, so a page is a range scan.
    await db.schema
      .createIndex("followers_scene")
      .on("followers")
      .columns(["appid", "subscribe_scene", "openid"])
      .execute();
    await db.schema
      .createIndex("followers_active")
      .on("followers")
      .columns(["appid", "last_active_at", "openid"])
      .execute();

    await db.schema
      .createTable("follower_tags")
      .addColumn("appid", "text", (c) => c.notNull())
      .addColumn("tag_id", "integer", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("count", "integer", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("follower_tags_pk", ["appid", "tag_id"])
      .execute();

    await db.schema
      .createTable("follower_tag_members")
      .addColumn("appid", "text", (c) => c.notNull())
      .addColumn("tag_id", "integer", (c) => c.notNull())
      .addColumn("openid", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("follower_tag_members_pk", ["appid", "tag_id", "openid"])
      .execute();
    // A follower's tags (replaced on every sync of them, read by `tagIdsOf`).
    await db.schema
      .createIndex("follower_tag_members_openid")
      .on("follower_tag_members")
      .columns(["appid", "openid"])
      .execute();

    await db.schema
      .createTable("follower_syncs")
      .addColumn("appid", "text", (c) => c.primaryKey())
      .addColumn("run_id", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("next_openid", "text", (c) => c.notNull())
      .addColumn("pages", "integer", (c) => c.notNull())
      .addColumn("done", "integer", (c) => c.notNull())
      .addColumn("total", "integer", (c) => c.notNull())
      .addColumn("started_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addColumn("finished_at", "bigint")
      .addColumn("last_error", "text")
      .addColumn("started_by", "text")
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ["follower_syncs", "follower_tag_members", "follower_tags", "followers"]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
