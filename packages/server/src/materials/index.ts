import type { DomainModule, ModuleContext, ModuleFactory } from "../module.js";
import { materialsPolicy } from "./policy.js";
import { MaterialsRepository } from "./repository.js";
import { materialsRoutes } from "./routes.js";
import { itemOf, type MaterialItem, MaterialsService } from "./service.js";

export { materialsMigrations } from "./migrations/index.js";
export { type MaterialRefusal, type MaterialsAction, materialsPolicy } from "./policy.js";
export { type MaterialItem, MaterialsService } from "./service.js";

/** What replies and campaigns use to pick a material by media_id. */
export interface MaterialDirectory {
  /** The item of the account, unless unknown or (temporary) expired. */
  find(appId: string, mediaId: string): Promise<MaterialItem | undefined>;
}

declare module "../platform/services.js" {
  interface ModuleServices {
    /** Media and materials of each account, by media_id. */
    materials: MaterialDirectory;
  }
}

/** The materials module with its service, for tests. */
export interface Materials {
  module: DomainModule;
  service: MaterialsService;
}

/**
 * Builds the materials module: uploads through the accounts module's `accountClients`, offers
 * `materials` to the modules after it, forgets an account's records when it is deleted.
 */
export function createMaterials(ctx: ModuleContext): Materials {
  const clients = ctx.use("accountClients");
  const repository = new MaterialsRepository(ctx.db);
  const service = new MaterialsService({
    repository,
    clientFor: (appId) => clients.clientFor(appId),
    clock: ctx.clock,
    logger: ctx.logger.child({ module: "materials" }),
  });
  ctx.provide("materials", {
    find: async (appId, mediaId) => {
      const row = await service.find(appId, mediaId);
      return row ? itemOf(row) : undefined;
    },
  });
  ctx.bus.on("accounts.purge", (appId) => repository.purgeAccount(appId));
  return {
    module: { name: "materials", policies: [materialsPolicy], routes: materialsRoutes(service) },
    service,
  };
}

/** The module factory for the registry (after `accountsModule`). */
export const materialsModule: ModuleFactory = (ctx) => createMaterials(ctx).module;
