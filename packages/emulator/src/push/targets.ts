import type { Account, Platform } from "../world/types.js";
import type { World } from "../world/world.js";
import type { PushTarget } from "./types.js";

/**
 * The permission set that routes an account's messages to a platform: 消息管理 (1) for
 * official accounts. For mini programs WeChat routes by 客服管理 (19) or 开发与数据分析 (18);
 * which one decides is not documented, so either does here.
 */
const MESSAGE_SETS: Record<Account["kind"], readonly number[]> = {
  subscription: [1],
  service: [1],
  miniprogram: [18, 19],
};

/** The platform that receives an account's messages, when one holds the right permission set. */
export function messagePlatformOf(world: World, account: Account): Platform | undefined {
  const sets = MESSAGE_SETS[account.kind];
  return world
    .platformsAuthorizing(account.appId)
    .filter((platform) => platform.messageUrl)
    .find((platform) => platform.authorizations[account.appId]?.funcScopes.some((id) => sets.includes(id)));
}

/**
 * Where WeChat pushes an account's messages and events: the platform's message URL (with
 * `$APPID$` replaced, always encrypted with the platform's token and key) when a platform
 * manages its messages, else the account's own 服务器配置.
 */
export function accountTarget(world: World, appId: string): PushTarget | undefined {
  const account = world.account(appId);
  if (!account) return undefined;
  const platform = messagePlatformOf(world, account);
  if (platform?.messageUrl) {
    return {
      url: platform.messageUrl.replaceAll("$APPID$", account.appId),
      token: platform.token,
      encodingAESKey: platform.encodingAESKey,
      mode: "safe",
      cipherAppId: platform.componentAppId,
      label: account.appId,
      componentAppId: platform.componentAppId,
    };
  }
  const server = account.server;
  if (!server?.url) return undefined;
  return {
    url: server.url,
    token: server.token,
    encodingAESKey: server.encodingAESKey,
    mode: server.mode,
    cipherAppId: account.appId,
    label: account.appId,
  };
}

/** A platform's authorization-event URL (tickets and authorization events), always encrypted. */
export function platformTarget(platform: Platform, label: string): PushTarget | undefined {
  if (!platform.authEventUrl) return undefined;
  return {
    url: platform.authEventUrl,
    token: platform.token,
    encodingAESKey: platform.encodingAESKey,
    mode: "safe",
    cipherAppId: platform.componentAppId,
    label,
    componentAppId: platform.componentAppId,
  };
}
