import type { Kysely } from "kysely";
import type { PortableMigration } from "../../platform/store/migrations/portable.js";

/**
 * The outbound call log is read a page at a time, newest first by id, for one account and
 * optionally one API or one errcode: an index for each, in page order. The (appid, at) index
 * they replace served no query.
 */
export const apiCallPages: PortableMigration = {
  name: "0010_api_call_pages",
  async up(db: Kysely<unknown>) {
    await db.schema.dropIndex("api_calls_appid_at").execute();
    await db.schema.createIndex("api_calls_page").on("api_calls").columns(["appid", "id"]).execute();
    await db.schema
      .createIndex("api_calls_api_page")
      .on("api_calls")
      .columns(["appid", "api", "id"])
      .execute();
    await db.schema
      .createIndex("api_calls_errcode_page")
      .on("api_calls")
      .columns(["appid", "errcode", "id"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex("api_calls_errcode_page").execute();
    await db.schema.dropIndex("api_calls_api_page").execute();
    await db.schema.dropIndex("api_calls_page").execute();
    await db.schema.createIndex("api_calls_appid_at").on("api_calls").columns(["appid", "at"]).execute();
  },
};
