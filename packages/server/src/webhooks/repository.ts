import type { Kysely, Selectable, Updateable } from "kysely";
import type { Database } from "../platform/store/schema.js";

export interface WebhooksTable {
  id: string;
  name: string;
  url: string;
  /** JSON array: MsgTypes, event names, or `*`. */
  events: string;
  /** JSON array: appids, or `*`. */
  accounts: string;
  /** The signing secret, sealed with the master key (context `webhooks.secret:<id>`). */
  secret: string;
  forward_original: number;
  reply: number;
  enabled: number;
  max_attempts: number;
  created_at: number;
  updated_at: number;
}

/**
 * `pending` until a 2xx answer (`delivered`) or the last attempt fails (`failed`); `skipped`
 * when its turn came while its webhook was disabled (nothing was sent then).
 */
export type DeliveryStatus = "pending" | "delivered" | "failed" | "skipped";
/** Every {@link DeliveryStatus}, for the API's filter. */
export const deliveryStatuses = [
  "pending",
  "delivered",
  "failed",
  "skipped",
] as const satisfies readonly DeliveryStatus[];
/** `fanout`: queued after recording; `reply`: the synchronous call of a reply webhook. */
export type DeliveryKind = "fanout" | "reply";

export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  event_id: string;
  app_id: string;
  kind: DeliveryKind;
  status: DeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  last_attempt_at: number | null;
  delivered_at: number | null;
  created_at: number;
  updated_at: number;
}

declare module "../platform/store/schema.js" {
  interface Database {
    webhooks: WebhooksTable;
    webhook_deliveries: WebhookDeliveriesTable;
  }
}

export type WebhookRow = Selectable<WebhooksTable>;
export type DeliveryRow = Selectable<WebhookDeliveriesTable>;

/** The webhooks and webhook_deliveries tables. */
export class WebhooksRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: WebhookRow): Promise<void> {
    await this.db.insertInto("webhooks").values(row).execute();
  }

  find(id: string): Promise<WebhookRow | undefined> {
    return this.db.selectFrom("webhooks").selectAll().where("id", "=", id).executeTakeFirst();
  }

  list(): Promise<WebhookRow[]> {
    return this.db.selectFrom("webhooks").selectAll().orderBy("created_at").orderBy("id").execute();
  }

  listEnabled(): Promise<WebhookRow[]> {
    return this.db
      .selectFrom("webhooks")
      .selectAll()
      .where("enabled", "=", 1)
      .orderBy("created_at")
      .orderBy("id")
      .execute();
  }

  async update(id: string, changes: Updateable<WebhooksTable>): Promise<boolean> {
    const result = await this.db.updateTable("webhooks").set(changes).where("id", "=", id).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async delete(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom("webhook_deliveries").where("webhook_id", "=", id).execute();
      const result = await trx.deleteFrom("webhooks").where("id", "=", id).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    });
  }

  /** Creates the delivery unless this webhook already has one for this event; returns the row either way. */
  async ensureDelivery(row: DeliveryRow): Promise<DeliveryRow> {
    await this.db
      .insertInto("webhook_deliveries")
      .values(row)
      .onConflict((oc) => oc.columns(["webhook_id", "event_id"]).doNothing())
      .execute();
    return this.db
      .selectFrom("webhook_deliveries")
      .selectAll()
      .where("webhook_id", "=", row.webhook_id)
      .where("event_id", "=", row.event_id)
      .executeTakeFirstOrThrow();
  }

  findDelivery(id: string): Promise<DeliveryRow | undefined> {
    return this.db.selectFrom("webhook_deliveries").selectAll().where("id", "=", id).executeTakeFirst();
  }

  listDeliveries(
    webhookId: string,
    filter: { status?: DeliveryStatus | undefined; before?: string | undefined; limit: number },
  ): Promise<DeliveryRow[]> {
    let query = this.db.selectFrom("webhook_deliveries").selectAll().where("webhook_id", "=", webhookId);
    if (filter.status !== undefined) query = query.where("status", "=", filter.status);
    if (filter.before !== undefined) query = query.where("id", "<", filter.before);
    return query.orderBy("id", "desc").limit(filter.limit).execute();
  }

  async updateDelivery(id: string, changes: Updateable<WebhookDeliveriesTable>): Promise<void> {
    await this.db.updateTable("webhook_deliveries").set(changes).where("id", "=", id).execute();
  }

  /** Turns a finished delivery back to pending for a redelivery; false when it is not finished. */
  async reopenDelivery(id: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable("webhook_deliveries")
      .set({ status: "pending", updated_at: now })
      .where("id", "=", id)
      .where("status", "in", ["delivered", "failed", "skipped"])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}
