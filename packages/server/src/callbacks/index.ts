import type {} from "../accounts/index.js";
import type { DomainModule, ModuleContext, ModuleFactory } from "../module.js";
import { EventFanouts } from "./fanouts.js";
import { CallbackGateway } from "./gateway.js";
import { callbackPlugin } from "./plugin.js";
import { eventsPolicy } from "./policy.js";
import type { CallbackAccounts, EventFanout, ReplyProvider } from "./ports.js";
import { EventReader } from "./reading.js";
import { DEFAULT_REPLY_DEADLINE_MS, ReplyChain } from "./replies.js";
import { EventsRepository } from "./repository.js";
import { eventRoutes } from "./routes.js";

export { GatewayError, type GatewayErrorCode } from "./errors.js";
export { EventFanouts } from "./fanouts.js";
export { type EventFields, eventFields } from "./fields.js";
export { CallbackGateway, type GatewayAnswer, parseQuery } from "./gateway.js";
export { callbacksMigrations } from "./migrations/index.js";
export { CALLBACK_PATH } from "./plugin.js";
export { eventsPolicy } from "./policy.js";
export type {
  CallbackAccounts,
  CallbackCredentials,
  EventEnvelope,
  EventEnvelopeSource,
  EventFanout,
  FanoutTransaction,
  PendingFanout,
  ReplyProvider,
  ReplyRequest,
} from "./ports.js";
export { DEFAULT_REPLY_DEADLINE_MS, ReplyChain } from "./replies.js";
export { type EventRow, type EventStatus, EventsRepository } from "./repository.js";

declare module "../platform/services.js" {
  interface ModuleServices {
    /** The recorded events, for the modules that fan them out. */
    events: EventsRepository;
    /** Reply providers are registered here, asked in order within the reply budget. */
    replies: ReplyChain;
    /** Fan-outs are registered here: told of every push they want, once it is recorded. */
    eventFanout: EventFanouts;
  }
}

/** Options of {@link callbacksModule}. */
export interface CallbacksOptions {
  /** Push credentials by appid; by default the `callbackAccounts` the accounts module provides. */
  accounts?: CallbackAccounts;
  /** Reply providers asked before those registered later (the reply webhooks), in order. */
  replyProviders?: readonly ReplyProvider[];
  /** The reply budget in ms (default 4000: WeChat gives up after 5 s). */
  replyDeadlineMs?: number;
  /** Largest push body (default 1 MiB). */
  maxBodyBytes?: number;
  /**
   * A second gateway over the same store (a restart, in tests) shares the first one's replies
   * and fan-out instead of starting empty ones.
   */
  replies?: ReplyChain;
  fanout?: EventFanout;
}

/** What {@link createCallbacks} builds; the module plus the parts other modules may use. */
export interface Callbacks {
  module: DomainModule;
  gateway: CallbackGateway;
  /** Register further reply providers here (e.g. keyword auto-replies). */
  replies: ReplyChain;
  /** Register fan-outs here (the webhooks). */
  fanout: EventFanouts;
  events: EventsRepository;
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * The callback gateway: `GET|POST /wechat/accounts/:appid/callback` and `/api/v1/events…`. It
 * records every push and hands the recorded ones to the fan-outs registered with it.
 */
export function createCallbacks(context: ModuleContext, options: CallbacksOptions = {}): Callbacks {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const logger = context.logger.child({ component: "callbacks" });
  const events = new EventsRepository(context.db, context.dialect);
  const replies =
    options.replies ??
    new ReplyChain({ deadlineMs: options.replyDeadlineMs ?? DEFAULT_REPLY_DEADLINE_MS, logger });
  for (const provider of options.replyProviders ?? []) replies.register(provider);
  const fanout = new EventFanouts();
  if (options.fanout) fanout.register(options.fanout);
  const gateway = new CallbackGateway({
    accounts: options.accounts ?? context.use("callbackAccounts"),
    events,
    replies,
    fanout,
    clock: context.clock,
    logger,
    maxBodyBytes,
  });
  const module: DomainModule = {
    name: "callbacks",
    policies: [eventsPolicy],
    routes: eventRoutes(new EventReader(events)),
    plugin: callbackPlugin(gateway, { maxBodyBytes }),
  };
  return { module, gateway, replies, fanout, events };
}

/**
 * The module factory: `callbacksModule()` in the registry (after accounts), or with test
 * accounts. Provides `events`, `replies` and `eventFanout`; forgets an account's cached push
 * credentials when it changes and purges its events when it goes.
 */
export function callbacksModule(options: CallbacksOptions = {}): ModuleFactory {
  return function callbacks(context) {
    const built = createCallbacks(context, options);
    context.provide("events", built.events);
    context.provide("replies", built.replies);
    context.provide("eventFanout", built.fanout);
    context.bus.on("accounts.changed", (appId) => built.gateway.forgetAccount(appId));
    context.bus.on("accounts.purge", (appId) => built.events.purgeAccount(appId));
    return built.module;
  };
}
