import type { Kysely } from "kysely";
import type { DomainModule, ModuleContext, ModuleFactory } from "../module.js";
import type { Database } from "../platform/store/schema.js";
import {
  createWebhooks,
  DEFAULT_DELIVERY_TIMEOUT_MS,
  type DeliveryWorker,
  type WebhookService,
  webhookRoutes,
  webhooksPolicy,
} from "../webhooks/index.js";
import { CallbackGateway } from "./gateway.js";
import { callbackPlugin } from "./plugin.js";
import { eventsPolicy } from "./policy.js";
import type { CallbackAccounts, ReplyProvider } from "./ports.js";
import { DEFAULT_REPLY_DEADLINE_MS, ReplyChain } from "./replies.js";
import { EventsRepository } from "./repository.js";
import { eventRoutes } from "./routes.js";

export { GatewayError, type GatewayErrorCode } from "./errors.js";
export { CallbackGateway, type GatewayAnswer, parseQuery } from "./gateway.js";
export { CALLBACK_PATH } from "./plugin.js";
export { eventsPolicy } from "./policy.js";
export type {
  CallbackAccounts,
  CallbackCredentials,
  EventEnvelope,
  EventEnvelopeSource,
  EventFanout,
  ReplyProvider,
  ReplyRequest,
} from "./ports.js";
export { DEFAULT_REPLY_DEADLINE_MS, ReplyChain } from "./replies.js";
export { type EventRow, type EventStatus, EventsRepository } from "./repository.js";

/** Options of {@link callbacksModule}. */
export interface CallbacksOptions {
  /** Push credentials by appid (implemented by the accounts module). */
  accounts: CallbackAccounts;
  /** Reply providers asked before the reply webhooks, in order. */
  replyProviders?: readonly ReplyProvider[];
  /** The reply budget in ms (default 4000: WeChat gives up after 5 s). */
  replyDeadlineMs?: number;
  /** Largest push body (default 1 MiB). */
  maxBodyBytes?: number;
  /** Timeout of one queued webhook delivery (default 10 s). */
  deliveryTimeoutMs?: number;
}

/** What {@link createCallbacks} builds; the module plus the parts other modules may use. */
export interface Callbacks {
  module: DomainModule;
  gateway: CallbackGateway;
  /** Register further reply providers here (e.g. keyword auto-replies). */
  replies: ReplyChain;
  webhooks: WebhookService;
  /** Sends the webhook deliveries; runs while the server's worker does. */
  deliveries: DeliveryWorker;
  events: EventsRepository;
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * The callback gateway and the webhooks: `GET|POST /wechat/accounts/:appid/callback`,
 * `/api/v1/events…` and `/api/v1/webhooks…`, with the worker that fans events out to webhooks
 * and delivers them.
 */
export function createCallbacks(context: ModuleContext, options: CallbacksOptions): Callbacks {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const deliveryTimeoutMs = options.deliveryTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
  // A delivery still waiting for its receiver must never be taken over by another worker.
  if (deliveryTimeoutMs >= context.config.jobs.claimTimeoutSeconds * 1000) {
    throw new RangeError(
      "a webhook delivery's timeout must be shorter than WXGATE_JOB_CLAIM_TIMEOUT_SECONDS",
    );
  }
  const logger = context.logger.child({ component: "callbacks" });
  const events = new EventsRepository(context.db, context.dialect);
  const { service: webhooks, worker: deliveries } = createWebhooks({
    db: context.db,
    dialect: context.dialect,
    events,
    secrets: context.secrets,
    clock: context.clock,
    logger,
    mode: context.config.mode,
    claimMs: context.config.jobs.claimTimeoutSeconds * 1000,
    concurrency: context.config.webhooks.concurrency,
    concurrencyPerWebhook: context.config.webhooks.perWebhook,
    deliveryTimeoutMs,
  });
  const replies = new ReplyChain({
    deadlineMs: options.replyDeadlineMs ?? DEFAULT_REPLY_DEADLINE_MS,
    logger,
  });
  for (const provider of options.replyProviders ?? []) replies.register(provider);
  replies.register(webhooks.replyProvider());
  const gateway = new CallbackGateway({
    accounts: options.accounts,
    events,
    replies,
    fanout: webhooks,
    clock: context.clock,
    logger,
    maxBodyBytes,
  });
  const module: DomainModule = {
    name: "callbacks",
    policies: [eventsPolicy, webhooksPolicy],
    routes: [...eventRoutes(events), ...webhookRoutes(webhooks)],
    plugin: callbackPlugin(gateway, { maxBodyBytes }),
    workers: [deliveries],
  };
  return { module, gateway, replies, webhooks, deliveries, events };
}

/** The module factory for the registry: `callbacksModule({ accounts })`. */
export function callbacksModule(options: CallbacksOptions): ModuleFactory {
  return (context) => createCallbacks(context, options).module;
}

/**
 * Deletes every row the gateway holds for an account: its events and their webhook
 * deliveries. The accounts module calls it when an account is deleted.
 */
export function purgeAccountRows(db: Kysely<Database>, appId: string): Promise<Record<string, number>> {
  return new EventsRepository(db).purgeAccount(appId);
}
