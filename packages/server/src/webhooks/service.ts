import { type InboundMessage, parseXml, type Reply, toInboundMessage } from "@wxgate/wechat";
import { eventFields } from "../callbacks/fields.js";
import type { EventEnvelopeSource, EventFanout, ReplyProvider, ReplyRequest } from "../callbacks/ports.js";
import type { Mode } from "../platform/config.js";
import { errors } from "../platform/errors.js";
import { newId } from "../platform/ids.js";
import type { Logger } from "../platform/logger.js";
import { outboundFetch } from "../platform/outbound.js";
import type { Clock, Job, Queue } from "../platform/ports.js";
import { randomToken, type SecretBox } from "../platform/secrets.js";
import { eventPayload, readReplyAnswer } from "./payload.js";
import type { DeliveryRow, DeliveryStatus, WebhookRow, WebhooksRepository } from "./repository.js";
import { sendWebhook } from "./sender.js";
import { addressProblem, urlProblem } from "./url-guard.js";

/** Queue names of the webhook jobs. */
export const FANOUT_QUEUE = "callbacks.webhooks-fanout";
export const DELIVER_QUEUE = "callbacks.webhooks-deliver";

export const DEFAULT_MAX_ATTEMPTS = 8;
/** How long one queued delivery waits for its receiver; shorter than a job's claim. */
export const DEFAULT_DELIVERY_TIMEOUT_MS = 10_000;
const SECRET_PREFIX = "whsec_";
const CACHE_MS = 5000;

/** A webhook as the API shows it (never its secret). */
export interface WebhookView {
  id: string;
  name: string;
  url: string;
  events: string[];
  accounts: string[];
  forwardOriginal: boolean;
  reply: boolean;
  enabled: boolean;
  maxAttempts: number;
  createdAt: number;
  updatedAt: number;
}

/** What a webhook is made of, as the API takes it. */
export interface WebhookInput {
  name?: string | undefined;
  url: string;
  events?: string[] | undefined;
  accounts?: string[] | undefined;
  forwardOriginal?: boolean | undefined;
  reply?: boolean | undefined;
  enabled?: boolean | undefined;
  maxAttempts?: number | undefined;
}

/** An enabled webhook ready for the hot path: filters as sets, the secret opened. */
interface ActiveWebhook {
  row: WebhookRow;
  events: ReadonlySet<string>;
  accounts: ReadonlySet<string>;
  secret: string;
}

/** Options of {@link WebhookService}. */
export interface WebhookServiceOptions {
  repository: WebhooksRepository;
  events: EventEnvelopeSource;
  queue: Queue;
  secrets: SecretBox;
  clock: Clock;
  logger: Logger;
  mode: Mode;
  /** Timeout of one queued delivery. */
  deliveryTimeoutMs?: number;
}

const secretContext = (id: string) => `webhooks.secret:${id}`;

function viewOf(row: WebhookRow): WebhookView {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    events: JSON.parse(row.events) as string[],
    accounts: JSON.parse(row.accounts) as string[],
    forwardOriginal: row.forward_original === 1,
    reply: row.reply === 1,
    enabled: row.enabled === 1,
    maxAttempts: row.max_attempts,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function matches(
  webhook: ActiveWebhook,
  appId: string,
  msgType: string | null,
  event: string | null,
): boolean {
  if (!webhook.accounts.has("*") && !webhook.accounts.has(appId)) return false;
  if (webhook.events.has("*")) return true;
  return (msgType !== null && webhook.events.has(msgType)) || (event !== null && webhook.events.has(event));
}

/**
 * The company's webhooks: their configuration, the fan-out of recorded events (one queued
 * job per delivery, its state in `webhook_deliveries`), and the synchronous reply hook.
 */
export class WebhookService implements EventFanout {
  private active: ActiveWebhook[] | undefined;
  private activeAt = 0;
  private loading: Promise<ActiveWebhook[]> | undefined;
  private readonly deliveryTimeoutMs: number;
  /** In production, connects only to addresses judged public at connection time. */
  private readonly fetch: typeof fetch;

  constructor(private readonly options: WebhookServiceOptions) {
    this.fetch = outboundFetch({ production: options.mode === "production" });
    this.deliveryTimeoutMs = options.deliveryTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
  }

  // ---- configuration

  async create(input: WebhookInput): Promise<WebhookView & { secret: string }> {
    await this.checkUrl(input.url);
    const now = this.options.clock.now();
    const id = newId(now);
    const secret = SECRET_PREFIX + randomToken(24);
    const row: WebhookRow = {
      id,
      name: input.name ?? "",
      url: input.url,
      events: JSON.stringify(input.events ?? ["*"]),
      accounts: JSON.stringify(input.accounts ?? ["*"]),
      secret: this.options.secrets.seal(secret, secretContext(id)),
      forward_original: input.forwardOriginal ? 1 : 0,
      reply: input.reply ? 1 : 0,
      enabled: input.enabled === false ? 0 : 1,
      max_attempts: input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      created_at: now,
      updated_at: now,
    };
    await this.options.repository.insert(row);
    this.invalidate();
    this.options.logger.info({ webhook: { id, url: row.url } }, "webhook created");
    return { ...viewOf(row), secret };
  }

  async list(): Promise<WebhookView[]> {
    return (await this.options.repository.list()).map(viewOf);
  }

  async get(id: string): Promise<WebhookView> {
    return viewOf(await this.row(id));
  }

  async update(id: string, changes: Partial<WebhookInput>): Promise<WebhookView> {
    await this.row(id);
    if (changes.url !== undefined) await this.checkUrl(changes.url);
    await this.options.repository.update(id, {
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.url !== undefined ? { url: changes.url } : {}),
      ...(changes.events !== undefined ? { events: JSON.stringify(changes.events) } : {}),
      ...(changes.accounts !== undefined ? { accounts: JSON.stringify(changes.accounts) } : {}),
      ...(changes.forwardOriginal !== undefined ? { forward_original: changes.forwardOriginal ? 1 : 0 } : {}),
      ...(changes.reply !== undefined ? { reply: changes.reply ? 1 : 0 } : {}),
      ...(changes.enabled !== undefined ? { enabled: changes.enabled ? 1 : 0 } : {}),
      ...(changes.maxAttempts !== undefined ? { max_attempts: changes.maxAttempts } : {}),
      updated_at: this.options.clock.now(),
    });
    this.invalidate();
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    if (!(await this.options.repository.delete(id))) throw errors.notFound("webhook");
    this.invalidate();
  }

  async deliveries(
    webhookId: string,
    filter: { status?: DeliveryStatus | undefined; cursor?: string | undefined; limit: number },
  ): Promise<DeliveryRow[]> {
    await this.row(webhookId);
    return this.options.repository.listDeliveries(webhookId, {
      status: filter.status,
      before: filter.cursor,
      limit: filter.limit,
    });
  }

  /** Sends a finished delivery again (same event id, so receivers can tell). */
  async redeliver(webhookId: string, deliveryId: string): Promise<DeliveryRow> {
    const webhook = await this.row(webhookId);
    const delivery = await this.options.repository.findDelivery(deliveryId);
    if (!delivery || delivery.webhook_id !== webhookId) throw errors.notFound("delivery");
    if (delivery.kind === "reply") throw errors.conflict("a reply call cannot be sent again");
    // It would only be skipped again when its turn comes.
    if (webhook.enabled === 0) throw errors.conflict("the webhook is disabled; enable it first");
    if (!(await this.options.repository.reopenDelivery(deliveryId, this.options.clock.now()))) {
      throw errors.conflict("this delivery is still being attempted");
    }
    await this.enqueueDelivery(deliveryId, webhook.max_attempts);
    return (await this.options.repository.findDelivery(deliveryId)) ?? delivery;
  }

  private async row(id: string): Promise<WebhookRow> {
    const row = await this.options.repository.find(id);
    if (!row) throw errors.notFound("webhook");
    return row;
  }

  private async checkUrl(url: string): Promise<void> {
    const problem = urlProblem(url, this.options.mode);
    if (problem) {
      throw errors.validation("the webhook URL is not acceptable", [
        { in: "body", path: "url", message: problem },
      ]);
    }
    const refused = await addressProblem(url, this.options.mode);
    if (refused) {
      throw errors.validation("the webhook URL is not acceptable", [
        { in: "body", path: "url", message: refused.message, reason: refused.code },
      ]);
    }
  }

  // ---- the hot path

  private invalidate(): void {
    this.active = undefined;
  }

  private async enabled(): Promise<ActiveWebhook[]> {
    const now = this.options.clock.now();
    if (this.active && now - this.activeAt < CACHE_MS) return this.active;
    this.loading ??= this.options.repository
      .listEnabled()
      .then((rows) =>
        rows.map((row) => ({
          row,
          events: new Set(JSON.parse(row.events) as string[]),
          accounts: new Set(JSON.parse(row.accounts) as string[]),
          secret: this.options.secrets.open(row.secret, secretContext(row.id)),
        })),
      )
      .then((active) => {
        this.active = active;
        this.activeAt = now;
        return active;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  /** EventFanout: does any queued (non-reply) webhook want this event? */
  wants(appId: string, message: InboundMessage): boolean | Promise<boolean> {
    const fields = eventFields(message);
    const test = (active: ActiveWebhook[]) =>
      active.some((w) => w.row.reply === 0 && matches(w, appId, fields.msgType, fields.event));
    const now = this.options.clock.now();
    if (this.active && now - this.activeAt < CACHE_MS) return test(this.active);
    return this.enabled().then(test);
  }

  /** EventFanout: one durable job per event, which creates one delivery (and job) per webhook. */
  async dispatch(eventId: string): Promise<void> {
    await this.options.queue.enqueue(FANOUT_QUEUE, { eventId }, { dedupeKey: `${FANOUT_QUEUE}:${eventId}` });
  }

  /** The reply hook: each enabled reply webhook matching the push, in creation order, within the budget. */
  replyProvider(): ReplyProvider {
    return {
      name: "reply-webhooks",
      reply: async (request: ReplyRequest, signal: AbortSignal): Promise<Reply | undefined> => {
        const fields = eventFields(request.message);
        const candidates = (await this.enabled()).filter(
          (w) => w.row.reply === 1 && matches(w, request.appId, fields.msgType, fields.event),
        );
        for (const webhook of candidates) {
          if (signal.aborted) return undefined;
          const reply = await this.callReplyWebhook(webhook, request, signal);
          if (reply) return reply;
        }
        return undefined;
      },
    };
  }

  private async callReplyWebhook(
    webhook: ActiveWebhook,
    request: ReplyRequest,
    signal: AbortSignal,
  ): Promise<Reply | undefined> {
    const now = this.options.clock.now();
    const deliveryId = newId(now);
    const body = JSON.stringify(
      eventPayload({
        eventId: request.eventId,
        appId: request.appId,
        message: request.message,
        xml: request.plaintextXml,
        mode: request.mode,
        receivedAt: request.receivedAt,
        replyExpected: true,
      }),
    );
    const response = await sendWebhook(
      {
        url: webhook.row.url,
        body,
        contentType: "application/json; charset=utf-8",
        secret: webhook.secret,
        eventId: request.eventId,
        deliveryId,
        timestampSeconds: Math.floor(now / 1000),
        signal,
      },
      this.fetch,
    );
    // Recorded off the reply path: the follower's answer must not wait for the log.
    void this.options.repository
      .ensureDelivery({
        id: deliveryId,
        webhook_id: webhook.row.id,
        event_id: request.eventId,
        app_id: request.appId,
        kind: "reply",
        status: response.ok ? "delivered" : "failed",
        attempts: 1,
        last_status_code: response.status,
        last_error: response.ok ? null : response.error,
        last_attempt_at: now,
        delivered_at: response.ok ? now : null,
        created_at: now,
        updated_at: now,
      })
      .catch((error: unknown) => this.options.logger.error({ err: error }, "could not record a reply call"));
    return response.ok ? readReplyAnswer(response.body) : undefined;
  }

  // ---- jobs

  /** Fan-out job: a delivery row per matching webhook (once), then a delivery job per pending row. */
  async fanout(job: Job<{ eventId: string }>): Promise<void> {
    const event = await this.options.events.envelope(job.payload.eventId);
    if (!event) return;
    const now = this.options.clock.now();
    const targets = (await this.enabled()).filter(
      (w) => w.row.reply === 0 && matches(w, event.appId, event.msgType, event.event),
    );
    for (const webhook of targets) {
      const delivery = await this.options.repository.ensureDelivery({
        id: newId(now),
        webhook_id: webhook.row.id,
        event_id: event.id,
        app_id: event.appId,
        kind: "fanout",
        status: "pending",
        attempts: 0,
        last_status_code: null,
        last_error: null,
        last_attempt_at: null,
        delivered_at: null,
        created_at: now,
        updated_at: now,
      });
      if (delivery.status === "pending") await this.enqueueDelivery(delivery.id, webhook.row.max_attempts);
    }
    await this.options.events.markFannedOut(event.id);
  }

  private async enqueueDelivery(deliveryId: string, maxAttempts: number): Promise<void> {
    await this.options.queue.enqueue(
      DELIVER_QUEUE,
      { deliveryId },
      { dedupeKey: `${DELIVER_QUEUE}:${deliveryId}`, maxAttempts },
    );
  }

  /**
   * Delivery job: one attempt; throws (so the queue backs off and retries) until the last.
   * The job may run again after a crash (once its claim lapses), so everything that decides
   * whether to send is read from the store now, not from when the delivery was queued.
   */
  async deliver(job: Job<{ deliveryId: string }>): Promise<void> {
    const { repository, clock } = this.options;
    const delivery = await repository.findDelivery(job.payload.deliveryId);
    // Finished already, or gone with its webhook (deleting one deletes its deliveries).
    if (delivery?.status !== "pending") return;
    const webhook = await repository.find(delivery.webhook_id);
    const event = await this.options.events.envelope(delivery.event_id);
    if (!webhook || !event) {
      await repository.updateDelivery(delivery.id, {
        status: "failed",
        last_error: webhook ? "the event no longer exists" : "the webhook no longer exists",
        updated_at: clock.now(),
      });
      return;
    }
    if (webhook.enabled === 0) {
      // Disabled after this delivery was queued (while it waited for a retry, or for the
      // claim of a crashed worker to lapse): the operator asked for nothing more to be sent.
      await repository.updateDelivery(delivery.id, {
        status: "skipped",
        last_error: "not sent: the webhook is disabled",
        updated_at: clock.now(),
      });
      return;
    }
    const now = clock.now();
    // Counted before the request leaves, so an attempt cut short by a crash still shows.
    await repository.updateDelivery(delivery.id, {
      attempts: delivery.attempts + 1,
      last_attempt_at: now,
      updated_at: now,
    });
    const secret = this.options.secrets.open(webhook.secret, secretContext(webhook.id));
    const forward = webhook.forward_original === 1;
    const url = forward ? withQuery(webhook.url, event.query) : webhook.url;
    const body = forward
      ? event.body
      : JSON.stringify(
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
    const response = await sendWebhook(
      {
        url,
        body,
        contentType: forward ? "text/xml; charset=utf-8" : "application/json; charset=utf-8",
        secret,
        eventId: event.id,
        deliveryId: delivery.id,
        timestampSeconds: Math.floor(now / 1000),
        signal: AbortSignal.timeout(this.deliveryTimeoutMs),
      },
      this.fetch,
    );
    const done = clock.now();
    const last = job.attempt >= job.maxAttempts;
    await repository.updateDelivery(delivery.id, {
      status: response.ok ? "delivered" : last ? "failed" : "pending",
      last_status_code: response.status,
      last_error: response.ok ? null : response.error,
      delivered_at: response.ok ? done : null,
      updated_at: done,
    });
    if (!response.ok) throw new Error(`webhook delivery ${delivery.id}: ${response.error}`);
  }
}

/** Appends WeChat's original query string to a forwarding URL. */
function withQuery(url: string, query: string): string {
  if (query === "") return url;
  return url.includes("?") ? `${url}&${query}` : `${url}?${query}`;
}
