import { parseXml, toInboundMessage } from "@wxgate/wechat";
import type { Dispatcher } from "undici";
import type { EventEnvelope } from "../callbacks/index.js";
import type { Clock } from "../platform/ports.js";
import type { ActiveWebhook } from "./active.js";
import { eventPayload } from "./payload.js";
import type { ClaimedDelivery, DeliveryOutcome, FinishedAttempt } from "./repository.js";
import { sendWebhook } from "./sender.js";

/** How long one queued delivery waits for its receiver; shorter than a claim. */
export const DEFAULT_DELIVERY_TIMEOUT_MS = 10_000;
/** First retry after 1 s, doubled at each further failure of the round, at most an hour apart. */
const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 60 * 60_000;

/** The delay before the retry that follows this round's `attempt`-th failure (1-based). */
export function backoffMs(attempt: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
}

/** Options of {@link DeliveryAttempts}. */
export interface DeliveryAttemptsOptions {
  clock: Clock;
  /** Where requests go out: see `outboundDispatcher`. */
  dispatcher: Dispatcher;
  timeoutMs?: number;
}

/**
 * One attempt of a claimed delivery: the signed request, and how it ended — delivered,
 * retried after a backoff, or failed after the webhook's `maxAttempts` in this round — for
 * the worker to write. The claim counted the attempt before the request left.
 */
export class DeliveryAttempts {
  private readonly timeoutMs: number;

  constructor(private readonly options: DeliveryAttemptsOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
  }

  /** Sends `delivery` to `active` (the webhook as read when its turn came); never throws. */
  async attempt(
    delivery: ClaimedDelivery,
    active: ActiveWebhook,
    event: EventEnvelope | undefined,
  ): Promise<FinishedAttempt> {
    const webhook = active.row;
    const { clock } = this.options;
    const round = delivery.attempts - delivery.round_base;
    // Not sent: the claim counted an attempt that is not made, so the count is put back.
    const unsent = (error: string): FinishedAttempt => ({
      delivery,
      outcome: {
        status: "failed",
        attempts: delivery.attempts - 1,
        last_error: error,
        next_attempt_at: null,
      },
      at: clock.now(),
    });
    const notice = delivery.kind === "notice" ? delivery.notice : null;
    if (!event && notice === null) return unsent("the event no longer exists");
    // Only a crash during the round's last attempt leads here; the queue does not loop on it.
    if (round > webhook.max_attempts) return unsent("abandoned: its last attempt was cut short");
    const now = clock.now();
    // A notice is wxgate's own JSON: there is no original push to forward.
    const forward = webhook.forward_original === 1 && !notice;
    let body: string;
    if (notice !== null) body = notice;
    else if (!event) return unsent("the event no longer exists");
    else {
      try {
        body = forward ? event.body : this.json(event);
      } catch {
        return unsent("the event could not be read");
      }
    }
    const response = await sendWebhook(
      {
        url: forward && event ? withQuery(webhook.url, event.query) : webhook.url,
        body,
        contentType: forward ? "text/xml; charset=utf-8" : "application/json; charset=utf-8",
        secret: active.secret,
        eventId: delivery.event_id,
        deliveryId: delivery.id,
        timestampSeconds: Math.floor(now / 1000),
        timeoutMs: this.timeoutMs,
      },
      this.options.dispatcher,
    );
    const done = clock.now();
    let outcome: DeliveryOutcome;
    if (response.ok) {
      outcome = {
        status: "delivered",
        last_status_code: response.status,
        last_error: null,
        delivered_at: done,
        next_attempt_at: null,
      };
    } else if (round >= webhook.max_attempts) {
      outcome = {
        status: "failed",
        last_status_code: response.status,
        last_error: response.error,
        delivered_at: null,
        next_attempt_at: null,
      };
    } else {
      outcome = {
        status: "pending",
        last_status_code: response.status,
        last_error: response.error,
        delivered_at: null,
        next_attempt_at: done + backoffMs(round),
      };
    }
    return { delivery, outcome, at: done };
  }

  private json(event: EventEnvelope): string {
    return JSON.stringify(
      eventPayload({
        eventId: event.id,
        appId: event.appId,
        message: toInboundMessage(parseXml(event.plaintextXml)),
        xml: event.plaintextXml,
        mode: event.mode,
        receivedAt: event.receivedAt,
        replyExpected: false,
      }),
    );
  }
}

/** Appends WeChat's original query string to a forwarding URL. */
function withQuery(url: string, query: string): string {
  if (query === "") return url;
  return url.includes("?") ? `${url}&${query}` : `${url}?${query}`;
}
