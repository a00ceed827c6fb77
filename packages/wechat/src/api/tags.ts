import type { WeChatClient } from "../client/index.js";
import type { WeChatResult } from "./common.js";

/** A follower tag. */
export interface FollowerTag {
  id: number;
  name: string;
  /** Followers carrying it (in `tags/get`). */
  count?: number;
}

/** One page of a tag's followers. */
export interface TagFollowerPage extends WeChatResult {
  count: number;
  data?: { openid: string[] };
  next_openid: string;
}

/** Tag APIs (permission set 2). */
export interface TagsApi {
  /** `POST /cgi-bin/tags/create`. */
  create(name: string): Promise<{ tag: FollowerTag }>;
  /** `GET /cgi-bin/tags/get`. */
  list(): Promise<{ tags: FollowerTag[] }>;
  /** `POST /cgi-bin/tags/update`. */
  update(id: number, name: string): Promise<WeChatResult>;
  /** `POST /cgi-bin/tags/delete`. */
  delete(id: number): Promise<WeChatResult>;
  /** `POST /cgi-bin/tags/members/batchtagging`: up to 50 OpenIDs. */
  tagUsers(tagId: number, openIds: string[]): Promise<WeChatResult>;
  /** `POST /cgi-bin/tags/members/batchuntagging`. */
  untagUsers(tagId: number, openIds: string[]): Promise<WeChatResult>;
  /** `POST /cgi-bin/tags/getidlist`: the tags of one follower. */
  tagsOfUser(openId: string): Promise<{ tagid_list: number[] }>;
  /** `POST /cgi-bin/user/tag/get`: followers with a tag, after `nextOpenId`. */
  usersOfTag(tagId: number, nextOpenId?: string): Promise<TagFollowerPage>;
}

/** {@link TagsApi} over a client. */
export function createTagsApi(client: WeChatClient): TagsApi {
  const post = <T>(api: string, body: unknown) => client.call<T>(api, { method: "POST", body });
  return {
    create: (name) => post("/cgi-bin/tags/create", { tag: { name } }),
    list: () => client.call("/cgi-bin/tags/get", { method: "GET" }),
    update: (id, name) => post("/cgi-bin/tags/update", { tag: { id, name } }),
    delete: (id) => post("/cgi-bin/tags/delete", { tag: { id } }),
    tagUsers: (tagId, openIds) =>
      post("/cgi-bin/tags/members/batchtagging", { openid_list: openIds, tagid: tagId }),
    untagUsers: (tagId, openIds) =>
      post("/cgi-bin/tags/members/batchuntagging", { openid_list: openIds, tagid: tagId }),
    tagsOfUser: (openId) => post("/cgi-bin/tags/getidlist", { openid: openId }),
    usersOfTag: (tagId, nextOpenId) =>
      post("/cgi-bin/user/tag/get", { tagid: tagId, next_openid: nextOpenId ?? "" }),
  };
}
