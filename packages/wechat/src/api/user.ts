import type { WeChatClient } from "../client/index.js";
import type { WeChatLang, WeChatResult } from "./common.js";

/** One page of followers (up to 10,000 OpenIDs). */
export interface FollowerPage extends WeChatResult {
  total: number;
  count: number;
  /** Absent when the page is empty. */
  data?: { openid: string[] };
  /** Pass it to the next call; empty after the last page. */
  next_openid: string;
}

/** A follower's profile (`subscribe: 0` means not following; the rest is then absent). */
export interface FollowerInfo extends WeChatResult {
  subscribe: 0 | 1;
  openid: string;
  language?: string;
  /** Epoch seconds of the latest follow. */
  subscribe_time?: number;
  unionid?: string;
  remark?: string;
  groupid?: number;
  tagid_list?: number[];
  /** ADD_SCENE_QR_CODE, ADD_SCENE_SEARCH, … */
  subscribe_scene?: string;
  qr_scene?: number;
  qr_scene_str?: string;
}

/** Follower APIs (permission set 2). */
export interface UserApi {
  /** `GET /cgi-bin/user/get`: followers after `nextOpenId` (from the start when omitted). */
  list(nextOpenId?: string): Promise<FollowerPage>;
  /** `GET /cgi-bin/user/info`. */
  info(openId: string, lang?: WeChatLang): Promise<FollowerInfo>;
  /** `POST /cgi-bin/user/info/batchget`: up to 100 users a call. */
  batchGet(users: { openid: string; lang?: WeChatLang }[]): Promise<{ user_info_list: FollowerInfo[] }>;
  /** `POST /cgi-bin/user/info/updateremark`: at most 30 characters; "" clears it. */
  updateRemark(openId: string, remark: string): Promise<WeChatResult>;
}

/** {@link UserApi} over a client. */
export function createUserApi(client: WeChatClient): UserApi {
  return {
    list: (nextOpenId) =>
      client.call("/cgi-bin/user/get", { method: "GET", query: { next_openid: nextOpenId || undefined } }),
    info: (openId, lang) =>
      client.call("/cgi-bin/user/info", { method: "GET", query: { openid: openId, lang } }),
    batchGet: (users) =>
      client.call("/cgi-bin/user/info/batchget", { method: "POST", body: { user_list: users } }),
    updateRemark: (openId, remark) =>
      client.call("/cgi-bin/user/info/updateremark", { method: "POST", body: { openid: openId, remark } }),
  };
}
