import { followerLimits, sendingLimits } from "@wxgate/wechat";
import type { FastifyInstance } from "fastify";
import type { EmulatorContext } from "../http/context.js";
import { tokenRoutes } from "../http/token-routes.js";
import { WxFault } from "../http/wx-error.js";
import { crowdIndex, crowdOpenId } from "../world/crowd.js";
import type { Follower } from "../world/types.js";
import type { World } from "../world/world.js";
import { accountOf, batchOf, bodyOf, followerOf, isRecord, peekFollowerOf, seconds } from "./input.js";

type Page = { count: number; data?: { openid: string[] }; next_openid: string };

/**
 * One page of OpenIDs after `next` (exclusive), in the account's stable order. WeChat's
 * paging: `next_openid` is the last OpenID of the page; the call after the last page
 * answers count 0 and an empty next_openid. An OpenID that is not in the list → 40003.
 */
export function pageOf(openIds: readonly string[], next: string | undefined): Page {
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
 * user/get over stored followers first, then the account's crowd by member index — so a page
 * of a million-member crowd costs one page of work, not a walk of the whole list.
 */
export function followerPage(
  world: World,
  appId: string,
  next: string | undefined,
): Page & { total: number } {
  const crowd = world.crowdOf(appId);
  const stored = Object.values(world.followersOf(appId));
  const isMember = (f: Follower) => crowd !== undefined && crowdIndex(crowd, f.openId) !== undefined;
  const own = stored.filter((f) => f.subscribed && !isMember(f)).map((f) => f.openId);
  const leftMembers = new Set(stored.filter((f) => !f.subscribed && isMember(f)).map((f) => f.openId));
  const total = own.length + (crowd ? crowd.count - leftMembers.size : 0);
  // Where the page starts: in the stored list, or (past its end) at a crowd member.
  let ownStart = 0;
  let crowdStart = 0;
  if (next) {
    const memberIndex = crowd === undefined ? undefined : crowdIndex(crowd, next);
    if (memberIndex !== undefined && !leftMembers.has(next)) {
      ownStart = own.length;
      crowdStart = memberIndex + 1;
    } else {
      const at = own.indexOf(next);
      if (at < 0) throw new WxFault(40003);
      ownStart = at + 1;
    }
  }
  const openIds = own.slice(ownStart, ownStart + sendingLimits.usersPerPage);
  for (let i = crowdStart; crowd !== undefined && i < crowd.count; i++) {
    if (openIds.length >= sendingLimits.usersPerPage) break;
    const openId = crowdOpenId(crowd, i);
    if (!leftMembers.has(openId)) openIds.push(openId);
  }
  if (openIds.length === 0) return { total, count: 0, next_openid: "" };
  return {
    total,
    count: openIds.length,
    data: { openid: openIds },
    next_openid: openIds[openIds.length - 1]!,
  };
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

/** user/get, user/info, user/info/batchget, user/info/updateremark. */
export function registerUsers(app: FastifyInstance, ctx: EmulatorContext): void {
  const route = tokenRoutes(app, ctx);
  const { world } = ctx;

  route.get("/cgi-bin/user/get", (call) =>
    followerPage(world, accountOf(call).appId, call.query.next_openid),
  );

  route.get("/cgi-bin/user/info", (call) =>
    userInfo(peekFollowerOf(world, accountOf(call).appId, call.query.openid)),
  );

  route.post("/cgi-bin/user/info/batchget", (call) => {
    const appId = accountOf(call).appId;
    const list = batchOf(bodyOf(call).user_list, sendingLimits.batchGetMax);
    const infos = list.map((entry) =>
      peekFollowerOf(world, appId, isRecord(entry) ? entry.openid : undefined),
    );
    return { user_info_list: infos.map(userInfo) };
  });

  // Remarks: at most 30 characters (45003 beyond); an unknown OpenID → 40003.
  route.post("/cgi-bin/user/info/updateremark", (call) => {
    const body = bodyOf(call);
    const remark = body.remark;
    if (typeof remark !== "string") throw new WxFault(47001);
    if ([...remark].length > followerLimits.remarkMaxChars)
      throw new WxFault(45003, {}, "remark size out of limit");
    const follower = followerOf(world, accountOf(call).appId, body.openid);
    if (!follower.subscribed) throw new WxFault(43004);
    follower.remark = remark;
    return { errcode: 0, errmsg: "ok" };
  });
}
