import type { Mode } from "../platform/config.js";
import { errors } from "../platform/errors.js";
import { newId } from "../platform/ids.js";
import type { Logger } from "../platform/logger.js";
import { type Action, type Actor, outOfReach, reachedAppIds, requireReach } from "../platform/policy.js";
import type { Clock } from "../platform/ports.js";
import { randomToken, type SecretBox } from "../platform/secrets.js";
import { type ActiveWebhooks, secretContext } from "./active.js";
import { webhookInReach } from "./policy.js";
import type {
  DeliveryFilter,
  DeliveryRow,
  DeliveryStatus,
  WebhookRow,
  WebhooksRepository,
} from "./repository.js";
import { addressProblem, urlProblem } from "./url-guard.js";

export const DEFAULT_MAX_ATTEMPTS = 8;
const SECRET_PREFIX = "whsec_";

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

/** The kinds of wxgate's own notices a webhook may list among its events. */
export const noticeKinds = ["risk_operation"] as const;
export type NoticeKind = (typeof noticeKinds)[number];

/** A notice of wxgate's own, about an account (or the whole platform: `appId` null). */
export interface NoticeInput {
  kind: NoticeKind;
  appId: string | null;
  /** What the receiver is told; never a secret. */
  data: Record<string, unknown>;
}

/** Options of {@link WebhookService}. */
export interface WebhookServiceOptions {
  repository: WebhooksRepository;
  webhooks: ActiveWebhooks;
  secrets: SecretBox;
  clock: Clock;
  logger: Logger;
  mode: Mode;
  /** Tells the delivery worker that a delivery is due again (a redelivery). */
  deliveriesDue: () => void;
}

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

/**
 * The company's webhooks as subscriptions: their configuration, the delivery log and
 * redelivery. Which events reach them is `routing.ts`; the reply webhooks are
 * `reply-webhooks.ts`; deliveries are made by the delivery worker (`worker.ts`).
 */
export class WebhookService {
  constructor(private readonly options: WebhookServiceOptions) {}

  // ---- configuration

  async create(actor: Pick<Actor, "reach">, input: WebhookInput): Promise<WebhookView & { secret: string }> {
    if (!webhookInReach(actor, input.accounts ?? ["*"])) throw outOfReach("webhooks.manage");
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

  /** The webhooks in the actor's reach. */
  async list(actor: Pick<Actor, "reach">): Promise<WebhookView[]> {
    return (await this.options.repository.list())
      .map(viewOf)
      .filter((w) => webhookInReach(actor, w.accounts));
  }

  async get(actor: Pick<Actor, "reach">, id: string): Promise<WebhookView> {
    return viewOf(await this.rowInReach(actor, id, "webhooks.read"));
  }

  async update(
    actor: Pick<Actor, "reach">,
    id: string,
    changes: Partial<WebhookInput>,
  ): Promise<WebhookView> {
    await this.rowInReach(actor, id, "webhooks.manage");
    if (changes.accounts !== undefined && !webhookInReach(actor, changes.accounts)) {
      throw outOfReach("webhooks.manage");
    }
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
    return viewOf(await this.row(id));
  }

  async remove(actor: Pick<Actor, "reach">, id: string): Promise<void> {
    await this.rowInReach(actor, id, "webhooks.manage");
    if (!(await this.options.repository.delete(id))) throw errors.notFound("webhook");
    this.invalidate();
  }

  /**
   * A webhook's delivery log, of the accounts in the actor's reach (a webhook's accounts may
   * have changed since a delivery was made).
   */
  async deliveries(
    actor: Pick<Actor, "reach">,
    webhookId: string,
    filter: { status?: DeliveryStatus | undefined; cursor?: string | undefined; limit: number },
  ): Promise<DeliveryRow[]> {
    await this.rowInReach(actor, webhookId, "webhooks.read");
    const page: DeliveryFilter = {
      status: filter.status,
      before: filter.cursor,
      appIds: reachedAppIds(actor),
      limit: filter.limit,
    };
    return this.options.repository.listDeliveries(webhookId, page);
  }

  /** Sends a finished delivery again (same event id, so receivers can tell). */
  async redeliver(actor: Pick<Actor, "reach">, webhookId: string, deliveryId: string): Promise<DeliveryRow> {
    const webhook = await this.rowInReach(actor, webhookId, "webhooks.manage");
    const delivery = await this.options.repository.findDelivery(deliveryId);
    if (!delivery || delivery.webhook_id !== webhookId) throw errors.notFound("delivery");
    requireReach(actor, "webhooks.manage", delivery.appid);
    if (delivery.kind === "reply") throw errors.conflict("a reply call cannot be sent again");
    // It would only be skipped again when its turn comes.
    if (webhook.enabled === 0) throw errors.conflict("the webhook is disabled; enable it first");
    if (!(await this.options.repository.reopenDelivery(deliveryId, this.options.clock.now()))) {
      throw errors.conflict("this delivery is still being attempted");
    }
    this.options.deliveriesDue();
    return (await this.options.repository.findDelivery(deliveryId)) ?? delivery;
  }

  // ---- wxgate's own notices

  /**
   * Queues a notice of wxgate's own (`risk_operation`) for every enabled webhook that lists its
   * kind among its events — `*` is every push, not these — and the account (or `*`). It is sent
   * like a push's delivery: the JSON body `{ id, kind, appId, at, data }`, signed with the
   * webhook's secret, `x-wxgate-event-id` the notice's id, retried, in the delivery log.
   * Returns how many deliveries were queued.
   */
  async announce(notice: NoticeInput): Promise<number> {
    const { clock, repository, webhooks } = this.options;
    const at = clock.now();
    const id = newId(at);
    const targets = (await webhooks.load()).filter(
      (w) =>
        w.row.reply === 0 &&
        w.events.has(notice.kind) &&
        (w.accounts.has("*") || (notice.appId !== null && w.accounts.has(notice.appId))),
    );
    if (targets.length === 0) return 0;
    const body = JSON.stringify({ id, kind: notice.kind, appId: notice.appId, at, data: notice.data });
    await repository.insertNotices(
      { id, appid: notice.appId ?? "*", body },
      targets.map((t) => t.row.id),
      at,
      () => newId(at),
    );
    this.options.deliveriesDue();
    return targets.length;
  }

  private async row(id: string): Promise<WebhookRow> {
    const row = await this.options.repository.find(id);
    if (!row) throw errors.notFound("webhook");
    return row;
  }

  /** The webhook, refused (403 `out_of_reach`) when it is not in the actor's reach. */
  private async rowInReach(actor: Pick<Actor, "reach">, id: string, action: Action): Promise<WebhookRow> {
    const row = await this.row(id);
    if (!webhookInReach(actor, JSON.parse(row.accounts) as string[])) throw outOfReach(action);
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

  private invalidate(): void {
    this.options.webhooks.invalidate();
  }
}
