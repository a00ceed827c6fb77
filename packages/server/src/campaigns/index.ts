import type { DomainModule, ModuleContext, ModuleFactory } from "../module.js";
import { CampaignConsents, ConsentsRepository } from "./consents.js";
import { CampaignEngine } from "./engine.js";
import { CampaignLists } from "./lists.js";
import { MassBatchesRepository } from "./mass-batches.js";
import { Pacer } from "./pacing.js";
import { campaignsPolicy } from "./policy.js";
import { CampaignReceipts } from "./receipts.js";
import { RecipientsRepository } from "./recipients.js";
import { CampaignsRepository } from "./repository.js";
import { campaignsRoutes } from "./routes.js";
import { CampaignsService } from "./service.js";

export { campaignsConfig } from "./config.js";
export { campaignRefusals } from "./errors.js";
export { campaignsMigrations } from "./migrations/index.js";
export { type CampaignsAction, campaignsPolicy } from "./policy.js";

/** The campaigns module with its parts, for tests. */
export interface Campaigns {
  module: DomainModule;
  service: CampaignsService;
  engine: CampaignEngine;
  recipients: RecipientsRepository;
  consents: ConsentsRepository;
}

/**
 * Builds the campaigns module (运营计划): audiences from the followers module (`followers`),
 * content checked against the materials module (`materials`), sends through the accounts
 * module's `accountClients`, receipts and mini program users' subscription consent from the
 * callbacks module's `eventFanout`.
 */
export function createCampaigns(ctx: ModuleContext): Campaigns {
  const campaigns = new CampaignsRepository(ctx.db);
  const recipients = new RecipientsRepository(ctx.db, ctx.dialect);
  const batches = new MassBatchesRepository(ctx.db);
  const consents = new ConsentsRepository(ctx.db);
  const followers = ctx.use("followers");
  const materials = ctx.use("materials");
  const accounts = ctx.use("accountDirectory");
  const clients = ctx.use("accountClients");
  const logger = ctx.logger.child({ module: "campaigns" });
  const service: CampaignsService = new CampaignsService({
    campaigns,
    recipients,
    batches,
    get engine() {
      return engine;
    },
    followers,
    consents,
    materials,
    accounts,
    clients,
    queue: ctx.queue,
    clock: ctx.clock,
  });
  const engine = new CampaignEngine({
    db: ctx.db,
    campaigns,
    recipients,
    batches,
    followers,
    consents,
    clients,
    queue: ctx.queue,
    clock: ctx.clock,
    logger,
    pacer: new Pacer(),
    delivery: ctx.config.campaigns,
    sendsPerSecond: async (appid) => (await service.settings(appid)).sendsPerSecond,
  });
  const lists = new CampaignLists({ db: ctx.db, accounts, followers, clock: ctx.clock });
  ctx
    .use("eventFanout")
    .register(new CampaignReceipts({ recipients, campaigns, batches, clock: ctx.clock, logger }));
  ctx.use("eventFanout").register(new CampaignConsents({ consents, clock: ctx.clock }));
  ctx.bus.on("accounts.purge", (appId) => campaigns.purgeAccount(appId));
  return {
    module: {
      name: "campaigns",
      policies: [campaignsPolicy],
      routes: campaignsRoutes({
        service,
        engine,
        campaigns,
        recipients,
        batches,
        lists,
        consents,
        accounts,
        clients,
        now: () => ctx.clock.now(),
      }),
      jobs: engine.jobs(),
      workers: [engine],
    },
    service,
    engine,
    recipients,
    consents,
  };
}

/** The module factory for the registry (after `followers` and `materials`). */
export const campaignsModule: ModuleFactory = (ctx) => createCampaigns(ctx).module;
