import type { DomainModule, ModuleContext, ModuleFactory } from "../module.js";
import { MenuClickCounter } from "./clicks.js";
import { menusPolicy } from "./policy.js";
import { MenusRepository } from "./repository.js";
import { menusRoutes } from "./routes.js";
import { MenuService } from "./service.js";

export { beijingDay, MenuClickCounter, menuTapOf } from "./clicks.js";
export { menusMigrations } from "./migrations/index.js";
export { type MenusAction, menusPolicy } from "./policy.js";
export { checkConditionalMenu, checkMenu, menuRefusal } from "./rules.js";
export { MenuService } from "./service.js";

/** The menus module with its services, for tests. */
export interface Menus {
  module: DomainModule;
  service: MenuService;
  clicks: MenuClickCounter;
}

/**
 * Builds the menus module (自定义菜单): uses the accounts module's `accountClients` to call
 * WeChat and the callbacks module's `eventFanout` to count menu taps. List it after callbacks
 * and before webhooks: the fan-outs are asked in order until one wants a push, and the tap
 * counter (which never wants one) must be asked before a webhook that may.
 */
export function createMenus(ctx: ModuleContext): Menus {
  const repository = new MenusRepository(ctx.db);
  const service = new MenuService({ repository, clients: ctx.use("accountClients"), clock: ctx.clock });
  const clicks = new MenuClickCounter(repository, ctx.logger.child({ module: "menus" }));
  ctx.use("eventFanout").register(clicks);
  ctx.bus.on("accounts.purge", (appId) => repository.purgeAccount(appId));
  return {
    module: { name: "menus", policies: [menusPolicy], routes: menusRoutes(service) },
    service,
    clicks,
  };
}

/** The module factory for the registry (after `callbacksModule`, before `webhooksModule`). */
export const menusModule: ModuleFactory = (ctx) => createMenus(ctx).module;
