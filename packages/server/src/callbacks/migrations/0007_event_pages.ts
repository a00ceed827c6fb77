import { type Kysely, sql } from "kysely";
import type { PortableMigration } from "../../platform/store/migrations/portable.js";

/**
 * Event pages read by an index that matches their filter and order: newest first by id (ids
 * sort by time), for all accounts, one account, one type, or both. `push_type` is the one
 * column a type filter reads — the event name for events and platform pushes, the MsgType for
 * messages — so each filter is one index range walked in order, never a sort of every row.
 * The (app_id, received_at) index it replaces served no query in that order.
 */
export const eventPages: PortableMigration = {
  name: "0007_event_pages",
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("events").addColumn("push_type", "text").execute();
    await sql`update events set push_type = coalesce(event, msg_type, kind)`.execute(db);
    await db.schema.dropIndex("events_app_received").execute();
    await db.schema.createIndex("events_app_page").on("events").columns(["app_id", "id"]).execute();
    await db.schema.createIndex("events_type_page").on("events").columns(["push_type", "id"]).execute();
    await db.schema
      .createIndex("events_app_type_page")
      .on("events")
      .columns(["app_id", "push_type", "id"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex("events_app_type_page").execute();
    await db.schema.dropIndex("events_type_page").execute();
    await db.schema.dropIndex("events_app_page").execute();
    await db.schema
      .createIndex("events_app_received")
      .on("events")
      .columns(["app_id", "received_at"])
      .execute();
    await db.schema.alterTable("events").dropColumn("push_type").execute();
  },
};
