import type { DomainModule, ModuleContext, ModuleFactory } from "../module.js";
import { HitLog } from "./hits.js";
import { automationJobs } from "./jobs.js";
import { automationPolicy } from "./policy.js";
import { AutomationReplier, type TransferRouter } from "./replier.js";
import { AutomationRepository } from "./repository.js";
import { automationRoutes } from "./routes.js";
import { AutomationService } from "./service.js";

export { KeywordAutomaton } from "./automaton.js";
export { HitLog } from "./hits.js";
export { byRank, linearMatch, type MatchableRule, RuleMatcher, type Trigger } from "./matcher.js";
export { automationMigrations } from "./migrations/index.js";
export { type AutomationAction, automationPolicy } from "./policy.js";
export { AutomationReplier, type TransferRouter } from "./replier.js";
export { AutomationRepository } from "./repository.js";
export {
  type AutomationRefusal,
  automationLimits,
  type RuleInput,
  type RuleReply,
  ruleProblems,
} from "./rules.js";
export { AutomationService, type Rule } from "./service.js";

/** What other modules may use of automation. */
export interface AutomationHooks {
  /**
   * Lets another module (customer-service routing) choose the agent of a transfer reply that
   * names none: `TransInfo/KfAccount` is the router's answer, or absent when it has none.
   */
  useTransferRouter(router: TransferRouter): void;
}

declare module "../platform/services.js" {
  interface ModuleServices {
    /** Automatic replies: the transfer router hook. */
    automation: AutomationHooks;
  }
}

/** The automation module with its parts, for tests and the bench. */
export interface Automation {
  module: DomainModule;
  service: AutomationService;
  replier: AutomationReplier;
  repository: AutomationRepository;
}

/** Options of {@link createAutomation}. */
export interface AutomationOptions {
  /** How long after the passive reply the "reply all" follow-ups go (default 1000 ms). */
  followUpDelayMs?: number;
  /** Picks the reply of a "random" rule: an integer in [0, n). */
  random?: (n: number) => number;
  /**
   * Where transfers to customer service get their agent, taken while the factory runs (the
   * registry passes the customer-service module's `kfRouter`, listed before automation).
   */
  transferRouter?: (ctx: ModuleContext) => TransferRouter;
}

/**
 * Builds the automation module: reply rules per account, answered by the callback gateway.
 * Uses the accounts module's `accountDirectory` and `accountClients` and the callbacks
 * module's `replies`, where it registers its providers: rules before the reply webhooks,
 * default rules after them.
 */
export function createAutomation(ctx: ModuleContext, options: AutomationOptions = {}): Automation {
  const repository = new AutomationRepository(ctx.db, ctx.dialect);
  const logger = ctx.logger.child({ module: "automation" });
  const hits = new HitLog(repository, logger);
  const service = new AutomationService({
    repository,
    hits,
    accounts: ctx.use("accountDirectory"),
    clock: ctx.clock,
    logger,
  });
  const replier = new AutomationReplier({
    service,
    hits,
    queue: ctx.queue,
    clients: ctx.use("accountClients"),
    logger,
    followUpDelayMs: options.followUpDelayMs ?? 1000,
    ...(options.random ? { random: options.random } : {}),
  });
  const replies = ctx.use("replies");
  replies.register(replier.rules, "first");
  replies.register(replier.defaults, "last");
  ctx.provide("automation", { useTransferRouter: (router) => replier.useTransferRouter(router) });
  if (options.transferRouter) replier.useTransferRouter(options.transferRouter(ctx));
  ctx.bus.on("accounts.purge", async (appId) => {
    service.changed(appId);
    // Hits waiting for their write go first: none may land after the purge.
    await hits.flush();
    return repository.purgeAccount(appId);
  });
  return {
    module: {
      name: "automation",
      policies: [automationPolicy],
      routes: automationRoutes(service),
      jobs: automationJobs(replier),
      workers: [
        {
          name: "automation-hits",
          start: () => undefined,
          stop: () => hits.flush(),
          runDue: async () => {
            await hits.flush();
            return 0;
          },
        },
      ],
    },
    service,
    replier,
    repository,
  };
}

/** The module factory for the registry (after accounts, callbacks and webhooks). */
export function automationModule(options: AutomationOptions = {}): ModuleFactory {
  return function automation(ctx) {
    return createAutomation(ctx, options).module;
  };
}
