import type { DomainModule, ModuleContext, ModuleFactory } from "../module.js";
import { FollowerActivity } from "./activity.js";
import { followersPolicy } from "./policy.js";
import { FollowersRepository } from "./repository.js";
import { followersRoutes } from "./routes.js";
import { type FollowerLookup, FollowersService } from "./service.js";
import { FollowerSync } from "./sync.js";
import { FollowerSyncRepository } from "./sync-repository.js";
import { FollowerTagsRepository } from "./tag-repository.js";

export { type FollowersRefusal, followersRefusals } from "./errors.js";
export { followersMigrations } from "./migrations/index.js";
export { type FollowersAction, followersPolicy } from "./policy.js";
export type { FollowerLookup, LastInteraction } from "./service.js";
export type { SyncProgress } from "./sync.js";

declare module "../platform/services.js" {
  interface ModuleServices {
    /** A follower's tags and last interaction per kind (customer-service routing, campaigns). */
    followers: FollowerLookup;
  }
}

/** The followers module with its parts, for tests. */
export interface Followers {
  module: DomainModule;
  service: FollowersService;
  sync: FollowerSync;
  activity: FollowerActivity;
}

/**
 * Builds the followers module (粉丝与标签): the durable sync, the list, remarks and tags.
 * Uses the accounts module's `accountClients` and registers its activity tracker on the
 * callbacks module's `eventFanout`; provides `followers`; forgets an account's rows when it goes.
 */
export function createFollowers(ctx: ModuleContext): Followers {
  const repository = new FollowersRepository(ctx.db);
  const runs = new FollowerSyncRepository(ctx.db, ctx.dialect);
  const tags = new FollowerTagsRepository(ctx.db);
  const clients = ctx.use("accountClients");
  const logger = ctx.logger.child({ module: "followers" });
  const service = new FollowersService({ repository, tags, clients, clock: ctx.clock });
  const sync = new FollowerSync({ runs, tags, clients, queue: ctx.queue, clock: ctx.clock, logger });
  const activity = new FollowerActivity({ repository, clock: ctx.clock, logger });
  ctx.use("eventFanout").register(activity);
  ctx.provide("followers", service);
  ctx.bus.on("accounts.purge", (appId) => repository.purgeAccount(appId));
  return {
    module: {
      name: "followers",
      policies: [followersPolicy],
      routes: followersRoutes(service, sync),
      jobs: sync.jobs(),
      workers: [activity],
    },
    service,
    sync,
    activity,
  };
}

/** The module factory for the registry (after `callbacksModule`). */
export const followersModule: ModuleFactory = (ctx) => createFollowers(ctx).module;
