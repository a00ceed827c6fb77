import { startPushTicket } from "@wxgate/wechat";
import type { ModuleContext, ModuleFactory } from "../module.js";
import { tokensPolicy } from "./policy.js";
import { TokenRefresher } from "./refresher.js";
import { tokenRoutes } from "./routes.js";
import { TokenService } from "./service.js";

export { tokensConfig } from "./config.js";
export { GuardedExternalTokenCredential } from "./credentials.js";
export { checkTokenUrl, guardedFetch } from "./external-url.js";
export { tokensMigrations } from "./migrations/index.js";
export { tokensPolicy } from "./policy.js";
export type { TokenAccount, TokenAccounts, TokenSource } from "./ports.js";
export { TokenRefresher } from "./refresher.js";
export { type IssuedToken, parseHeader, REFRESH_AHEAD_MS, TokenService, tokenRefusals } from "./service.js";

declare module "../platform/services.js" {
  interface ModuleServices {
    /** The central token server (中控); the accounts module hands it its accounts. */
    tokens: TokenService;
    /** The background refresher, for tests that drive it. */
    tokenRefresher: TokenRefresher;
  }
}

/**
 * The central token control (中控): one credential per account, refreshed under the lock, the
 * token endpoint, the background refresher, and the platform's component_verify_ticket.
 * Provides `tokens`; serves the accounts the accounts module hands it.
 */
export const tokensModule: ModuleFactory = (ctx) => {
  const logger = ctx.logger.child({ module: "tokens" });
  const tokens = new TokenService({
    db: ctx.db,
    secrets: ctx.secrets,
    clock: ctx.clock,
    lock: ctx.lock,
    wechat: ctx.wechat,
    logger,
  });
  const refresher = new TokenRefresher({ tokens, clock: ctx.clock, logger });
  ctx.provide("tokens", tokens);
  ctx.provide("tokenRefresher", refresher);
  // A platform without a ticket cannot get its token: ask WeChat to push one now.
  ctx.wechat.onChange(() => {
    void requestTicket(ctx, tokens, logger);
  });
  return {
    name: "tokens",
    policies: [tokensPolicy],
    routes: tokenRoutes(tokens),
    plugin: async (app) => {
      // The refresher runs while the server does: from ready until close.
      app.addHook("onReady", async () => refresher.start(ctx.config.tokens.refreshSeconds * 1000));
      app.addHook("onClose", async () => refresher.stop());
    },
  };
};

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
