import { createAccounts } from "./accounts/index.js";
import { createCallbacks, purgeAccountRows } from "./callbacks/index.js";
import { homeModule } from "./home/index.js";
import type { ModuleFactory } from "./module.js";

/** Accounts, authorization and central tokens (授权管理, 中控). */
const accounts: ModuleFactory = (ctx) => createAccounts(ctx).module;

/**
 * The callback gateway and webhooks. Push credentials come from the accounts module; the
 * gateway forgets an account's cached credentials whenever its row changes, and an account's
 * deletion purges its events and deliveries too.
 */
const callbacks: ModuleFactory = (ctx) => {
  const built = createCallbacks(ctx, { accounts: createAccounts(ctx).callbackAccounts });
  ctx.wechat.onAccountChange((appId) => built.gateway.forgetAccount(appId));
  ctx.wechat.onAccountPurge((appId) => purgeAccountRows(ctx.db, appId));
  return built.module;
};

/**
 * The domain modules the server mounts, in order (auth is always first and built by the
 * server itself). A new module adds its factory here and its migration to
 * `platform/store/migrations/index.ts`.
 */
export const moduleFactories: readonly ModuleFactory[] = [accounts, callbacks, homeModule];
