import type { Kysely } from "kysely";
import type { PortableMigration } from "../../platform/store/migrations/portable.js";

/** The materials step: one record per media or material of an account. */
export const materials: PortableMigration = {
  name: "0021_materials",
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("materials")
      .addColumn("appid", "text", (c) => c.notNull())
      .addColumn("media_id", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("size", "bigint", (c) => c.notNull())
      .addColumn("url", "text")
      .addColumn("articles", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("expires_at", "bigint")
      .addPrimaryKeyConstraint("materials_pk", ["appid", "media_id"])
      .execute();
    // The list pages newest first, per account, optionally by type (keyset on created_at, media_id).
    await db.schema
      .createIndex("materials_page")
      .on("materials")
      .columns(["appid", "created_at", "media_id"])
      .execute();
    await db.schema
      .createIndex("materials_type_page")
      .on("materials")
      .columns(["appid", "type", "created_at", "media_id"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropTable("materials").execute();
  },
};
