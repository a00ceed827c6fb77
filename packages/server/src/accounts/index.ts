import type { TokenProvider, WeChatClient } from "@wxgate/wechat";
import type { DomainModule, ModuleContext, ModuleFactory } from "../module.js";
import type { TokenRefresher, TokenService } from "../tokens/index.js";
import { ApiCallLog } from "./call-log.js";
import { ApiCallRetention } from "./call-log-retention.js";
import { AccountCallbackCredentials } from "./callback-accounts.js";
import { lifecyclePolicy } from "./lifecycle.js";
import { LifecycleSweep } from "./lifecycle-sweep.js";
import { PlatformPushes } from "./platform-pushes.js";
import { accountsPolicy } from "./policy.js";
import { AccountRepository } from "./repository.js";
import { accountRoutes } from "./routes.js";
import { AccountSecrets, secretRoutes } from "./secrets.js";
import { AccountService } from "./service.js";
import { AccountSettings } from "./settings.js";
import { AccountTokenSource } from "./token-accounts.js";
import { isVerified } from "./views.js";
import { PLATFORM_REPLAY_WINDOW_SECONDS, wechatRoutes } from "./wechat-routes.js";

export { ApiCallRetention, CALL_PURGE_EVERY_MS, CALL_PURGE_SLICE } from "./call-log-retention.js";
export { AccountCallbackCredentials, type PushCredentials } from "./callback-accounts.js";
export { callLogConfig, lifecycleConfig } from "./config.js";
export { type Lifecycle, type LifecycleState, lifecycleOf, lifecyclePolicy } from "./lifecycle.js";
export { LifecycleSweep, type SweepReport } from "./lifecycle-sweep.js";
export { accountsMigrations } from "./migrations/index.js";
export { beijingMonth, beijingMonthBounds } from "./month.js";
export { type AccountAbility, accountAbilities, accountsPolicy } from "./policy.js";
export { AccountRepository } from "./repository.js";
export { AccountService, AUTHORIZED_PATH } from "./service.js";
export { AccountSettings, type MinimumPermissionSets } from "./settings.js";

/** What other modules use to call WeChat for one connected account. */
export interface AccountClients {
  /** A client that adds the account's token (refreshing it once and retrying once when WeChat rejects it). */
  clientFor(appId: string): Promise<WeChatClient>;
  /** The account's token source, shared by every caller in this process. */
  tokenProviderFor(appId: string): Promise<TokenProvider>;
}

/** Which accounts exist, without their rows. */
export interface AccountDirectory {
  exists(appId: string): Promise<boolean>;
  /** Every connected account's appid, in appid order (the authorization review). */
  appIds(): Promise<string[]>;
  /** What an account is and may do (campaign pre-flight checks), or undefined when unknown. */
  facts(appId: string): Promise<AccountFacts | undefined>;
}

/** An account's type, verification, permission sets and OpenID mapping, as other modules read them. */
export interface AccountFacts {
  kind: "subscription" | "service" | "miniprogram";
  /** How wxgate reaches it: a direct or external connection reports no permission sets. */
  connection: "component" | "direct" | "external";
  verified: boolean;
  /** Granted permission set ids (component accounts). */
  permissionSets: number[];
  enabled: boolean;
  /** The customer's property holding the OpenID in uploaded lists, or null. */
  openIdMapping: string | null;
}

declare module "../platform/services.js" {
  interface ModuleServices {
    /** Per-account WeChat clients. */
    accountClients: AccountClients;
    /** Push credentials by appid, for the callback gateway. */
    callbackAccounts: AccountCallbackCredentials;
    /** Which accounts are connected, for modules that keep something per account (the team's members). */
    accountDirectory: AccountDirectory;
  }
}

declare module "../platform/bus.js" {
  interface BusTopics {
    /**
     * An account's row changed (enabled, authorization, receipt config) or went away: caches of
     * account state elsewhere forget it.
     */
    "accounts.changed": { payload: string; result: undefined };
    /**
     * An account was connected directly or to a token server, by this user (null for an API key
     * without a user, or the CLI): the team module makes them its super admin.
     */
    "accounts.connected": { payload: { appId: string; userId: string | null }; result: undefined };
    /**
     * An account is being deleted: each module deletes its own rows of the account, and may
     * answer how many it deleted per table.
     */
    "accounts.purge": { payload: string; result: Record<string, number> | undefined };
  }
}

/** The accounts module with its services, for tests and for modules that need them directly. */
export interface Accounts {
  module: DomainModule;
  service: AccountService;
  tokens: TokenService;
  callbackAccounts: AccountCallbackCredentials;
  /** The authorization lifecycle sweep (its timer runs while the server is up). */
  lifecycle: LifecycleSweep;
  /** The background token refresher (its timer runs while the server is up). */
  refresher: TokenRefresher;
  /** The call log's retention purge (a module worker). */
  callLogRetention: ApiCallRetention;
}

/**
 * Builds the accounts module (授权管理): uses `tokens` (and hands it the accounts), owns the
 * WeChat call log, provides `accountClients` and `callbackAccounts`.
 */
export function createAccounts(ctx: ModuleContext): Accounts {
  const tokens = ctx.use("tokens");
  const refresher = ctx.use("tokenRefresher");
  const repository = new AccountRepository(ctx.db, ctx.secrets, (appId) =>
    ctx.bus.emit("accounts.changed", appId),
  );
  tokens.serveAccounts(new AccountTokenSource(repository, ctx.clock));
  ctx.wechat.useCallLog(new ApiCallLog(ctx.db, ctx.clock, ctx.logger.child({ component: "wechat" })));
  const settings = new AccountSettings(ctx.db, ctx.clock);
  const logger = ctx.logger.child({ module: "accounts" });
  const policy = lifecyclePolicy(ctx.config.lifecycle);
  const service = new AccountService({
    repository,
    settings,
    tokens,
    wechat: ctx.wechat,
    bus: ctx.bus,
    clock: ctx.clock,
    lock: ctx.lock,
    logger,
    policy,
    authorizationRequestsPerMonth: ctx.config.lifecycle.authorizationRequestsPerMonth,
  });
  const lifecycle = new LifecycleSweep({ repository, clock: ctx.clock, policy, logger });
  const wechatPlugin = wechatRoutes({
    service,
    wechat: ctx.wechat,
    clock: ctx.clock,
    pushes: new PlatformPushes(ctx.db, 2 * PLATFORM_REPLAY_WINDOW_SECONDS * 1000),
  });
  const callbackAccounts = new AccountCallbackCredentials(repository, ctx.wechat);
  ctx.provide("accountClients", {
    clientFor: (appId) => tokens.clientFor(appId),
    tokenProviderFor: (appId) => tokens.tokenProviderFor(appId),
  });
  ctx.provide("callbackAccounts", callbackAccounts);
  ctx.provide("accountDirectory", {
    exists: async (appId) => (await repository.find(appId)) !== undefined,
    appIds: async () => (await repository.list()).map((row) => row.appid).sort(),
    facts: async (appId) => {
      const row = await repository.find(appId);
      if (!row) return undefined;
      return {
        kind: row.kind,
        connection: row.connection,
        verified: isVerified(row),
        permissionSets: JSON.parse(row.func_info) as number[],
        enabled: row.enabled === 1,
        openIdMapping: row.openid_mapping,
      };
    },
  });
  const secrets = new AccountSecrets({ repository, ledger: ctx.use("users"), logger });
  const callLogRetention = new ApiCallRetention({
    db: ctx.db,
    clock: ctx.clock,
    logger,
    retentionDays: ctx.config.callLog.retentionDays,
  });
  return {
    module: {
      name: "accounts",
      policies: [accountsPolicy],
      routes: [...accountRoutes(service, settings, lifecycle), ...secretRoutes(secrets)],
      plugin: async (app) => {
        // The sweep runs while the server does: from ready until close.
        app.addHook("onReady", async () =>
          lifecycle.start(ctx.config.lifecycle.authorizationSweepMinutes * 60_000),
        );
        app.addHook("onClose", async () => lifecycle.stop());
        await wechatPlugin(app);
      },
      workers: [callLogRetention],
    },
    service,
    tokens,
    callbackAccounts,
    lifecycle,
    refresher,
    callLogRetention,
  };
}

/** The module factory for the registry (after `tokensModule`). */
export const accountsModule: ModuleFactory = (ctx) => createAccounts(ctx).module;
