import { startPushTicket } from "@wxgate/wechat";
import type { CallbackAccounts } from "../callbacks/ports.js";
import type { DomainModule, ModuleContext, ModuleFactory } from "../module.js";
import { tokensPolicy } from "../tokens/policy.js";
import { TokenRefresher } from "../tokens/refresher.js";
import { tokenRoutes } from "../tokens/routes.js";
import { TokenService } from "../tokens/service.js";
import { AccountCallbackCredentials } from "./callback-accounts.js";
import { lifecyclePolicy } from "./lifecycle.js";
import { LifecycleSweep } from "./lifecycle-sweep.js";
import { PlatformPushes } from "./platform-pushes.js";
import { accountsPolicy } from "./policy.js";
import { AccountRepository } from "./repository.js";
import { accountRoutes } from "./routes.js";
import { AccountService } from "./service.js";
import { AccountSettings } from "./settings.js";
import { PLATFORM_REPLAY_WINDOW_SECONDS, wechatRoutes } from "./wechat-routes.js";

export { AccountCallbackCredentials } from "./callback-accounts.js";
export { lifecycleConfig } from "./config.js";
export { type Lifecycle, type LifecycleState, lifecycleOf, lifecyclePolicy } from "./lifecycle.js";
export { LifecycleSweep, type SweepReport } from "./lifecycle-sweep.js";
export { type AccountAbility, accountAbilities, accountsPolicy } from "./policy.js";
export { AccountRepository } from "./repository.js";
export { AccountService, AUTHORIZED_PATH, beijingMonth, beijingMonthBounds } from "./service.js";
export { AccountSettings, type MinimumPermissionSets } from "./settings.js";

/** The accounts module with its services, for tests and for modules that need them directly. */
export interface Accounts {
  module: DomainModule;
  service: AccountService;
  tokens: TokenService;
  callbackAccounts: CallbackAccounts;
  /** The authorization lifecycle sweep (its timer runs while the server is up). */
  lifecycle: LifecycleSweep;
  /** The background token refresher (its timer runs while the server is up). */
  refresher: TokenRefresher;
}

const built = new WeakMap<ModuleContext, Accounts>();

/**
 * Builds the accounts and tokens module (授权管理 and 中控) once per context, and offers
 * `clientFor` / `tokenProviderFor` to other modules through `ctx.wechat`.
 */
export function createAccounts(ctx: ModuleContext): Accounts {
  const existing = built.get(ctx);
  if (existing) return existing;
  const repository = new AccountRepository(ctx.db, ctx.secrets, (appId) => ctx.wechat.accountChanged(appId));
  const settings = new AccountSettings(ctx.db, ctx.clock);
  const tokens = new TokenService({
    db: ctx.db,
    secrets: ctx.secrets,
    clock: ctx.clock,
    lock: ctx.lock,
    wechat: ctx.wechat,
    logger: ctx.logger.child({ module: "tokens" }),
    accounts: repository,
  });
  const logger = ctx.logger.child({ module: "accounts" });
  const policy = lifecyclePolicy(ctx.config.lifecycle);
  const service = new AccountService({
    repository,
    settings,
    tokens,
    wechat: ctx.wechat,
    clock: ctx.clock,
    lock: ctx.lock,
    logger,
    policy,
    authorizationRequestsPerMonth: ctx.config.lifecycle.authorizationRequestsPerMonth,
  });
  const lifecycle = new LifecycleSweep({ repository, clock: ctx.clock, policy, logger });
  const refresher = new TokenRefresher({
    tokens,
    clock: ctx.clock,
    logger: ctx.logger.child({ module: "tokens" }),
  });
  const wechatPlugin = wechatRoutes({
    service,
    wechat: ctx.wechat,
    clock: ctx.clock,
    pushes: new PlatformPushes(ctx.db, 2 * PLATFORM_REPLAY_WINDOW_SECONDS * 1000),
  });
  ctx.wechat.provideAccounts({
    clientFor: (appId) => tokens.clientFor(appId),
    tokenProviderFor: (appId) => tokens.tokenProviderFor(appId),
  });
  // A platform without a ticket cannot get its token: ask WeChat to push one now.
  ctx.wechat.onChange(() => {
    void requestTicket(ctx, tokens, logger);
  });
  const accounts: Accounts = {
    module: {
      name: "accounts",
      policies: [accountsPolicy, tokensPolicy],
      routes: [...accountRoutes(service, settings, lifecycle), ...tokenRoutes(tokens)],
      plugin: async (app) => {
        // The sweep runs while the server does: from ready until close.
        app.addHook("onReady", async () =>
          lifecycle.start(ctx.config.lifecycle.authorizationSweepMinutes * 60_000),
        );
        app.addHook("onClose", async () => lifecycle.stop());
        app.addHook("onReady", async () => refresher.start(ctx.config.tokens.refreshSeconds * 1000));
        app.addHook("onClose", async () => refresher.stop());
        await wechatPlugin(app);
      },
    },
    service,
    tokens,
    callbackAccounts: new AccountCallbackCredentials(repository, ctx.wechat),
    lifecycle,
    refresher,
  };
  built.set(ctx, accounts);
  return accounts;
}

async function requestTicket(ctx: ModuleContext, tokens: TokenService, logger: ModuleContext["logger"]) {
  try {
    const platform = ctx.wechat.platform();
    if (await tokens.tickets.getTicket(platform.componentAppId)) return;
    await startPushTicket(ctx.wechat.client({ appId: platform.componentAppId }), {
      componentAppId: platform.componentAppId,
      componentSecret: platform.secret,
    });
  } catch (error) {
    logger.warn({ err: error }, "could not ask WeChat to push a component_verify_ticket");
  }
}

/** The module factory for the registry. */
export const accountsModule: ModuleFactory = (ctx) => createAccounts(ctx).module;

/**
 * The gateway's port over this module's accounts (push credentials by appid), for the
 * callbacks module's factory.
 */
export function callbackAccountsFor(ctx: ModuleContext): CallbackAccounts {
  return createAccounts(ctx).callbackAccounts;
}
