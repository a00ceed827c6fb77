import type { Generated, Selectable } from "kysely";

// The webhooks module's tables (created by its part of the step 0004_callbacks, named when
// webhooks were part of the callbacks module; the delivery queue's columns by 0009_delivery_queue).

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
 * when its turn came while its webhook was disabled (nothing was sent then). A pending row
 * being sent is still `pending`, with a claim (`locked_until`).
 */
export type DeliveryStatus = "pending" | "delivered" | "failed" | "skipped";
/** Every {@link DeliveryStatus}, for the API's filter. */
export const deliveryStatuses = [
  "pending",
  "delivered",
  "failed",
  "skipped",
] as const satisfies readonly DeliveryStatus[];
/**
 * `fanout`: queued after recording; `reply`: the synchronous call of a reply webhook; `notice`:
 * one of wxgate's own notices (`risk_operation`), its body on the row.
 */
export type DeliveryKind = "fanout" | "reply" | "notice";

/**
 * One delivery of one event to one webhook: its log entry and, while `pending`, its place in
 * the delivery queue.
 */
export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  event_id: string;
  appid: string;
  kind: DeliveryKind;
  status: DeliveryStatus;
  /** Every attempt made, counted when its request leaves (so one cut short by a crash shows). */
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  last_attempt_at: number | null;
  delivered_at: number | null;
  created_at: number;
  updated_at: number;
  /**
   * When a pending delivery is due; a claim moves it to the claim's end, so a claim that
   * lapses (its worker died) is due again like any other. Null once finished.
   */
  next_attempt_at: number | null;
  /** Until when a worker's claim holds the row (its request is out); null when unclaimed. */
  locked_until: number | null;
  /**
   * Attempts made before the current round (0, or the count when a redelivery was asked):
   * `attempts - round_base` is this round's attempt number, which the backoff and the
   * webhook's `max_attempts` are read against.
   */
  round_base: number;
  /** A notice's JSON body (kind `notice`; `event_id` is then the notice's id); null otherwise. */
  notice: Generated<string | null>;
}

declare module "../platform/store/schema.js" {
  interface Database {
    webhooks: WebhooksTable;
    webhook_deliveries: WebhookDeliveriesTable;
  }
}

export type WebhookRow = Selectable<WebhooksTable>;
export type DeliveryRow = Selectable<WebhookDeliveriesTable>;
/** A delivery taken by a claim: what sending it needs. */
