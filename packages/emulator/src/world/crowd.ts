import type { Follower } from "./types.js";

/**
 * A crowd: many followers of one account described by a count instead of one object each, so
 * the emulator can hold a million followers for a sync benchmark in a few bytes. Member `i`
 * has the OpenID `prefix + base36(i)` (padded) and a profile computed from `i`. A member
 * becomes an ordinary {@link Follower} the first time anything looks it up by OpenID
 * ({@link World.follower}), so remarks, tags, unfollows and pushes work as for anyone else.
 *
 * What walks every follower of an account (tag counts, mass send to all) sees only the
 * members that were looked up; `user/get` pages through all of them.
 */
export interface Crowd {
  prefix: string;
  count: number;
  /** Member 0 followed at this time; each next member one second earlier. */
  firstSubscribeTime: number;
}

export const CROWD_EXTENSION = "crowds";
/** Digits of the base-36 index: 36^6 ≈ 2.2 billion members. */
const INDEX_DIGITS = 6;
const SCENES = [
  "ADD_SCENE_SEARCH",
  "ADD_SCENE_QR_CODE",
  "ADD_SCENE_PROFILE_CARD",
  "ADD_SCENE_ACCOUNT_MIGRATION",
];

/** OpenIDs are 28 characters like WeChat's: a 22-character prefix and the index. */
export function crowdPrefix(appId: string): string {
  const tail = appId
    .replace(/[^A-Za-z0-9]/g, "")
    .slice(-12)
    .padStart(12, "0");
  return `oCRWD${tail}_____`.slice(0, 22);
}

export function crowdOpenId(crowd: Crowd, index: number): string {
  return crowd.prefix + index.toString(36).padStart(INDEX_DIGITS, "0");
}

/** The member index of `openId`, or undefined when it is not one of the crowd's. */
export function crowdIndex(crowd: Crowd, openId: string): number | undefined {
  if (!openId.startsWith(crowd.prefix) || openId.length !== crowd.prefix.length + INDEX_DIGITS)
    return undefined;
  const digits = openId.slice(crowd.prefix.length);
  if (!/^[0-9a-z]+$/.test(digits)) return undefined;
  const index = Number.parseInt(digits, 36);
  return index < crowd.count ? index : undefined;
}

/** Member `index` as a follower (not yet stored). */
export function crowdMember(crowd: Crowd, appId: string, index: number): Follower {
  const openId = crowdOpenId(crowd, index);
  return {
    openId,
    appId,
    personId: `p_${openId}`,
    nickname: `粉丝${index}`,
    subscribed: true,
    subscribeTime: crowd.firstSubscribeTime - index * 1000,
    subscribeScene: SCENES[index % SCENES.length] ?? "ADD_SCENE_SEARCH",
    tagIds: [],
    remark: "",
    language: "zh_CN",
    lastInteraction: {},
    consents: {},
    inbox: [],
  };
}
