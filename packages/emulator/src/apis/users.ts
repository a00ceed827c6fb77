import { sendingLimits } from "@wxgate/wechat";
import type { FastifyInstance } from "fastify";
import type { EmulatorContext } from "../http/context.js";
import { tokenRoutes } from "../http/token-routes.js";
import { WxFault } from "../http/wx-error.js";
import type { Follower } from "../world/types.js";
import { accountOf, batchOf, bodyOf, followerOf, isRecord, seconds } from "./input.js";

/**
 * One page of OpenIDs after `next` (exclusive), in the account's stable order. WeChat's
 * paging: `next_openid` is the last OpenID of the page; the call after the last page
 * answers count 0 and an empty next_openid. An OpenID that is not in the list → 40003.
 */
export function pageOf(
  openIds: readonly string[],
  next: string | undefined,
): { count: number; data?: { openid: string[] }; next_openid: string } {
  let start = 0;
  if (next) {
    const index = openIds.indexOf(next);
    if (index < 0) throw new WxFault(40003);
    start = index + 1;
  }
  const page = openIds.slice(start, start + sendingLimits.usersPerPage);
  if (page.length === 0) return { count: 0, next_openid: "" };
  return { count: page.length, data: { openid: page }, next_openid: page[page.length - 1]! };
}

/**
 * user/info's answer. Since WeChat stopped returning nickname, avatar, sex and region (2021),
 * neither does the emulator. An unsubscribed user shows only subscribe 0, openid and unionid.
 */
export function userInfo(follower: Follower): Record<string, unknown> {
  if (!follower.subscribed) {
    return {
      subscribe: 0,
      openid: follower.openId,
      ...(follower.unionId !== undefined ? { unionid: follower.unionId } : {}),
    };
  }
  return {
    subscribe: 1,
    openid: follower.openId,
    language: follower.language,
    subscribe_time: seconds(follower.subscribeTime),
    ...(follower.unionId !== undefined ? { unionid: follower.unionId } : {}),
    remark: follower.remark,
    groupid: 0,
    tagid_list: [...follower.tagIds],
    subscribe_scene: follower.subscribeScene,
    qr_scene: follower.qrScene ?? 0,
    qr_scene_str: follower.qrSceneStr ?? "",
  };
}

/** user/get, user/info, user/info/batchget. */
export function registerUsers(app: FastifyInstance, ctx: EmulatorContext): void {
  const route = tokenRoutes(app, ctx);
  const { world } = ctx;

  route.get("/cgi-bin/user/get", (call) => {
    const followers = Object.values(world.followersOf(accountOf(call).appId));
    const subscribed = followers.filter((f) => f.subscribed).map((f) => f.openId);
    return { total: subscribed.length, ...pageOf(subscribed, call.query.next_openid) };
  });

  route.get("/cgi-bin/user/info", (call) =>
    userInfo(followerOf(world, accountOf(call).appId, call.query.openid)),
  );

  route.post("/cgi-bin/user/info/batchget", (call) => {
    const appId = accountOf(call).appId;
    const list = batchOf(bodyOf(call).user_list, sendingLimits.batchGetMax);
    const infos = list.map((entry) => followerOf(world, appId, isRecord(entry) ? entry.openid : undefined));
    return { user_info_list: infos.map(userInfo) };
  });
}
