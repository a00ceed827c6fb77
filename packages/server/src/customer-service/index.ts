import type { DomainModule, ModuleContext, ModuleFactory } from "../module.js";
import { kfPolicy } from "./policy.js";
import { type FollowerTags, type KfRouter, noFollowerTags } from "./ports.js";
import { CustomerServiceRepository } from "./repository.js";
import { customerServiceRoutes } from "./routes.js";
import { kfRouter } from "./routing.js";
import { CustomerServiceService } from "./service.js";

export { customerServiceMigrations } from "./migrations/index.js";
export { type KfAction, type KfRefusal, kfPolicy } from "./policy.js";
export { type FollowerTags, type KfRouter, noFollowerTags, type RoutingQuestion } from "./ports.js";
export { CustomerServiceService, type RoutingRule } from "./service.js";

declare module "../platform/services.js" {
  interface ModuleServices {
    /** Picks the customer-service account for a `transfer_customer_service` reply. */
    kfRouter: KfRouter;
  }
}

/** The customer-service module with its parts, for tests. */
export interface CustomerService {
  module: DomainModule;
  service: CustomerServiceService;
  route: KfRouter;
}

/**
 * Builds the customer-service module: accounts at WeChat through `accountClients`, routing rules
 * of its own, the router offered as `kfRouter`. `followerTags` answers tag rules (the followers
 * module's, once wired; none by default).
 */
export function createCustomerService(
  ctx: ModuleContext,
  followerTags: FollowerTags = noFollowerTags,
): CustomerService {
  const clients = ctx.use("accountClients");
  const repository = new CustomerServiceRepository(ctx.db);
  const service = new CustomerServiceService({
    repository,
    clientFor: (appId) => clients.clientFor(appId),
    clock: ctx.clock,
    logger: ctx.logger.child({ module: "customer-service" }),
  });
  const route = kfRouter(repository, followerTags);
  ctx.provide("kfRouter", route);
  ctx.bus.on("accounts.purge", (appId) => repository.purgeAccount(appId));
  return {
    module: { name: "customer-service", policies: [kfPolicy], routes: customerServiceRoutes(service, route) },
    service,
    route,
  };
}

/**
 * The module factory for the registry (after `accountsModule`). `followerTags` is the port's
 * adapter, or how to take it from a module listed before (the followers module's service).
 */
export const customerServiceModule =
  (followerTags?: FollowerTags | ((ctx: ModuleContext) => FollowerTags)): ModuleFactory =>
  (ctx) =>
    createCustomerService(ctx, typeof followerTags === "function" ? followerTags(ctx) : followerTags).module;
