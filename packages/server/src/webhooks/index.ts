import type { Kysely } from "kysely";
import type {} from "../accounts/index.js";
import type { EventEnvelopeSource } from "../callbacks/index.js";
import type { ModuleFactory } from "../module.js";
import type { Mode } from "../platform/config.js";
import type { Logger } from "../platform/logger.js";
import { outboundDispatcher } from "../platform/outbound.js";
import type { Clock } from "../platform/ports.js";
import type { SecretBox } from "../platform/secrets.js";
import type { Database } from "../platform/store/schema.js";
import type { Dialect } from "../platform/store/store.js";
import { ActiveWebhooks } from "./active.js";
import { DEFAULT_DELIVERY_TIMEOUT_MS, DeliveryAttempts } from "./delivery.js";
import { WebhookFanout } from "./fanout.js";
import { webhooksPolicy } from "./policy.js";
import { ReplyWebhooks } from "./reply-webhooks.js";
import { WebhooksRepository } from "./repository.js";
import { webhookRoutes } from "./routes.js";
import { WebhookRouting } from "./routing.js";
import { WebhookService } from "./service.js";
import { DeliveryWorker } from "./worker.js";

export { webhooksConfig } from "./config.js";
export { DEFAULT_DELIVERY_TIMEOUT_MS } from "./delivery.js";
export { DEFAULT_BACKLOG_LIMIT, FANOUT_BATCH } from "./fanout.js";
export { webhooksMigrations } from "./migrations/index.js";
export type { EventPayload } from "./payload.js";
export { webhooksPolicy } from "./policy.js";
export { ReplyWebhooks } from "./reply-webhooks.js";
export type { DeliveryKind, DeliveryRow, DeliveryStatus, WebhookRow } from "./repository.js";
export { WebhooksRepository } from "./repository.js";
export { webhookRoutes } from "./routes.js";
export { WebhookRouting } from "./routing.js";
export type { WebhookInput, WebhookView } from "./service.js";
export {
  DEFAULT_MAX_ATTEMPTS,
  type NoticeInput,
  type NoticeKind,
  noticeKinds,
  WebhookService,
} from "./service.js";
export {
  DELIVERY_ID_HEADER,
  EVENT_ID_HEADER,
  SIGNATURE_HEADER,
  signWebhookBody,
  verifyWebhookSignature,
} from "./signature.js";
export { isInternalAddress, urlProblem } from "./url-guard.js";
export { DEFAULT_CONCURRENCY, DEFAULT_CONCURRENCY_PER_WEBHOOK, DeliveryWorker } from "./worker.js";

declare module "../platform/services.js" {
  interface ModuleServices {
    /** The webhooks behind the API and the gateway. */
    webhooks: WebhookService;
  }
}

/** What {@link createWebhooks} needs. */
export interface WebhooksOptions {
  db: Kysely<Database>;
  dialect: Dialect;
  /** The recorded events (the callbacks module's events table). */
  events: EventEnvelopeSource;
  secrets: SecretBox;
  clock: Clock;
  logger: Logger;
  mode: Mode;
  /** How long a claim holds a delivery (WXGATE_JOB_CLAIM_TIMEOUT_SECONDS). */
  claimMs: number;
  /** Deliveries in flight at once (WXGATE_WEBHOOK_CONCURRENCY). */
  concurrency: number;
  /** Deliveries in flight at once to one webhook (WXGATE_WEBHOOK_CONCURRENCY_PER_WEBHOOK). */
  concurrencyPerWebhook: number;
  /** Timeout of one queued delivery; shorter than a claim. */
  deliveryTimeoutMs: number;
  /** Pending deliveries at which the fan-out waits. */
  backlogLimit?: number;
}

/** The webhooks: the service behind the API and the gateway, and the delivery worker. */
export interface Webhooks {
  /** The subscriptions: configuration, delivery log, redelivery. */
  service: WebhookService;
  /** Which pushes the webhooks want (the gateway's fan-out). */
  routing: WebhookRouting;
  /** The reply webhooks (a reply provider of the gateway). */
  replies: ReplyWebhooks;
  worker: DeliveryWorker;
  repository: WebhooksRepository;
}

/**
 * Builds the webhooks. Requests to receivers go through the outbound dispatcher: in
 * production the guarded agent, which connects only to public addresses; both keep
 * connections alive.
 */
export function createWebhooks(options: WebhooksOptions): Webhooks {
  const repository = new WebhooksRepository(options.db, options.dialect);
  const active = new ActiveWebhooks(repository, options.secrets, options.clock);
  const dispatcher = outboundDispatcher({ production: options.mode === "production" });
  const worker = new DeliveryWorker({
    repository,
    events: options.events,
    webhooks: active,
    fanout: new WebhookFanout({
      repository,
      events: options.events,
      webhooks: active,
      clock: options.clock,
      logger: options.logger,
      ...(options.backlogLimit !== undefined ? { backlogLimit: options.backlogLimit } : {}),
    }),
    attempts: new DeliveryAttempts({
      clock: options.clock,
      dispatcher,
      timeoutMs: options.deliveryTimeoutMs,
    }),
    clock: options.clock,
    logger: options.logger,
    claimMs: options.claimMs,
    concurrency: options.concurrency,
    concurrencyPerWebhook: options.concurrencyPerWebhook,
  });
  const service = new WebhookService({
    repository,
    webhooks: active,
    secrets: options.secrets,
    clock: options.clock,
    logger: options.logger,
    mode: options.mode,
    deliveriesDue: () => worker.deliveriesDue(),
  });
  const routing = new WebhookRouting({ webhooks: active, eventsRecorded: () => worker.eventsRecorded() });
  const replies = new ReplyWebhooks({
    repository,
    webhooks: active,
    clock: options.clock,
    logger: options.logger,
    dispatcher,
  });
  return { service, routing, replies, worker, repository };
}

/** Options of {@link webhooksModule}. */
export interface WebhooksModuleOptions {
  /** Timeout of one queued webhook delivery (default 10 s). */
  deliveryTimeoutMs?: number;
}

/**
 * The webhooks module, after callbacks: `/api/v1/webhooks…`, the reply webhooks (a reply
 * provider registered with callbacks' `replies`), and the worker that fans recorded events out
 * (a fan-out registered with `eventFanout`) and delivers them. Purges an account's deliveries.
 */
export function webhooksModule(options: WebhooksModuleOptions = {}): ModuleFactory {
  return function webhooks(context) {
    const deliveryTimeoutMs = options.deliveryTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
    // A delivery still waiting for its receiver must never be taken over by another worker.
    if (deliveryTimeoutMs >= context.config.jobs.claimTimeoutSeconds * 1000) {
      throw new RangeError(
        "a webhook delivery's timeout must be shorter than WXGATE_JOB_CLAIM_TIMEOUT_SECONDS",
      );
    }
    const built = createWebhooks({
      db: context.db,
      dialect: context.dialect,
      events: context.use("events"),
      secrets: context.secrets,
      clock: context.clock,
      // The log lines keep the component they had when webhooks were part of callbacks.
      logger: context.logger.child({ component: "callbacks" }),
      mode: context.config.mode,
      claimMs: context.config.jobs.claimTimeoutSeconds * 1000,
      concurrency: context.config.webhooks.concurrency,
      concurrencyPerWebhook: context.config.webhooks.perWebhook,
      deliveryTimeoutMs,
    });
    context.use("replies").register(built.replies);
    context.use("eventFanout").register(built.routing);
    context.provide("webhooks", built.service);
    context.bus.on("accounts.purge", (appId) => built.repository.purgeAccount(appId));
    return {
      name: "webhooks",
      policies: [webhooksPolicy],
      routes: webhookRoutes(built.service),
      workers: [built.worker],
    };
  };
}
