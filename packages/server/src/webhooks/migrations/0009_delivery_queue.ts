import { type Kysely, sql } from "kysely";
import type { PortableMigration } from "../../platform/store/migrations/portable.js";

/** The queue names of the jobs that carried webhook work before this migration. */
const OLD_FANOUT_QUEUE = "callbacks.webhooks-fanout";
const OLD_DELIVER_QUEUE = "callbacks.webhooks-deliver";

/**
 * `webhook_deliveries` becomes the delivery queue: a pending row is due at `next_attempt_at`,
 * and a worker's claim sets `locked_until` — and moves `next_attempt_at` to the same instant,
 * so a claim cut short by a crash falls due again through the very index walk that finds
 * every other due delivery. `round_base` counts the attempts made before the current round
 * (a redelivery starts a new one): this round's attempt number, `attempts - round_base`,
 * decides the backoff and the last attempt.
 *
 * Indexes: the claim walks (webhook_id, next_attempt_at, id) over pending rows only (a partial
 * index: delivered rows, the bulk of the table, are not in it); the delivery log pages newest
 * first by (webhook_id, id), or (webhook_id, status, id) with a status filter.
 *
 * Deliveries queued by the old design keep their state: a pending job's due time becomes the
 * row's, a running job's claim the row's claim, and a row whose job was lost is due at once.
 * Those jobs are then deleted; events waiting for their fan-out are still marked `pending`
 * in `events`, which is all the new fan-out reads.
 */
export const deliveryQueue: PortableMigration = {
  name: "0009_delivery_queue",
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable("webhook_deliveries").addColumn("next_attempt_at", "bigint").execute();
    await db.schema.alterTable("webhook_deliveries").addColumn("locked_until", "bigint").execute();
    await db.schema
      .alterTable("webhook_deliveries")
      .addColumn("round_base", "integer", (c) => c.notNull().defaultTo(0))
      .execute();

    const job = (column: "run_at" | "locked_until" | "attempts" | "status") =>
      sql`(select j.${sql.ref(column)} from jobs j
           where j.dedupe_key = ${sql.lit(`${OLD_DELIVER_QUEUE}:`)} || webhook_deliveries.id
             and j.status in ('pending', 'running'))`;
    await sql`
      update webhook_deliveries set
        next_attempt_at = coalesce(
          case when ${job("status")} = 'running' then ${job("locked_until")} else ${job("run_at")} end,
          0),
        locked_until = case when ${job("status")} = 'running' then ${job("locked_until")} end,
        round_base = case
          when attempts > coalesce(${job("attempts")}, 0) then attempts - coalesce(${job("attempts")}, 0)
          else 0 end
      where status = 'pending'`.execute(db);
    await sql`delete from jobs where queue in (${sql.lit(OLD_FANOUT_QUEUE)}, ${sql.lit(OLD_DELIVER_QUEUE)})
      and status in ('pending', 'running')`.execute(db);

    await db.schema
      .createIndex("webhook_deliveries_due")
      .on("webhook_deliveries")
      .columns(["webhook_id", "next_attempt_at", "id"])
      .where(sql.ref("status"), "=", "pending")
      .execute();
    await db.schema
      .createIndex("webhook_deliveries_log")
      .on("webhook_deliveries")
      .columns(["webhook_id", "id"])
      .execute();
    await db.schema
      .createIndex("webhook_deliveries_log_status")
      .on("webhook_deliveries")
      .columns(["webhook_id", "status", "id"])
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex("webhook_deliveries_log_status").execute();
    await db.schema.dropIndex("webhook_deliveries_log").execute();
    await db.schema.dropIndex("webhook_deliveries_due").execute();
    await db.schema.alterTable("webhook_deliveries").dropColumn("round_base").execute();
    await db.schema.alterTable("webhook_deliveries").dropColumn("locked_until").execute();
    await db.schema.alterTable("webhook_deliveries").dropColumn("next_attempt_at").execute();
  },
};
