import { utf8ByteLength } from "@wxgate/wechat";
import type { FastifyInstance } from "fastify";
import type { EmulatorContext } from "../http/context.js";
import { tokenRoutes } from "../http/token-routes.js";
import { WxFault } from "../http/wx-error.js";
import type { Tag, TagBook } from "../world/types.js";
import { accountOf, batchOf, bodyOf, followerOf, integerOf, recordAt } from "./input.js";
import { pageOf } from "./users.js";

/** WeChat's tag limits. The name limit is 30 UTF-8 bytes, as error 45158 describes it (the field doc says 30 characters). */
export const tagLimits = {
  /** Tags an account may create (WeChat's own 0, 1, 2 not counted). */
  perAccount: 100,
  nameBytes: 30,
  /** OpenIDs per batchtagging / batchuntagging call. */
  openIdsPerCall: 50,
  tagsPerUser: 20,
  /** A tag with more followers than this cannot be deleted (45057). */
  deletableFollowers: 100_000,
  /** Ids below this are WeChat's own (黑名单, 屏蔽组, 星标组). */
  firstUserId: 100,
} as const;

function checkName(book: TagBook, raw: unknown, except?: number): string {
  if (typeof raw !== "string" || raw.trim() === "") throw new WxFault(45157);
  if (utf8ByteLength(raw) > tagLimits.nameBytes) throw new WxFault(45158);
  for (const tag of Object.values(book.items)) {
    if (tag.name === raw && tag.id !== except) throw new WxFault(45157);
  }
  return raw;
}

/** A tag the account created (not one of WeChat's own), or the fault for it: 45058 system, 45159 unknown. */
function ownTag(book: TagBook, raw: unknown): Tag {
  const id = integerOf(raw);
  const tag = id === undefined ? undefined : book.items[String(id)];
  if (!tag) throw new WxFault(45159);
  if (tag.id < tagLimits.firstUserId) throw new WxFault(45058);
  return tag;
}

/** tags/create, get, update, delete, members/batchtagging, batchuntagging, user/tag/get, getidlist. */
export function registerTags(app: FastifyInstance, ctx: EmulatorContext): void {
  const route = tokenRoutes(app, ctx);
  const { world } = ctx;
  const followersTagged = (appId: string, tagId: number): string[] =>
    Object.values(world.followersOf(appId))
      .filter((f) => f.subscribed && f.tagIds.includes(tagId))
      .map((f) => f.openId);

  route.post("/cgi-bin/tags/create", (call) => {
    const appId = accountOf(call).appId;
    const book = world.tagsOf(appId);
    const name = checkName(book, recordAt(bodyOf(call), "tag")?.name);
    const own = Object.values(book.items).filter((t) => t.id >= tagLimits.firstUserId).length;
    if (own >= tagLimits.perAccount) throw new WxFault(45056);
    const tag: Tag = { id: book.nextId++, name };
    book.items[String(tag.id)] = tag;
    return { tag: { id: tag.id, name: tag.name } };
  });

  route.get("/cgi-bin/tags/get", (call) => {
    const appId = accountOf(call).appId;
    const counts = new Map<number, number>();
    for (const f of Object.values(world.followersOf(appId))) {
      if (!f.subscribed) continue;
      for (const id of f.tagIds) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const tags = Object.values(world.tagsOf(appId).items).map((t) => ({
      id: t.id,
      name: t.name,
      count: counts.get(t.id) ?? 0,
    }));
    return { tags };
  });

  route.post("/cgi-bin/tags/update", (call) => {
    const book = world.tagsOf(accountOf(call).appId);
    const input = recordAt(bodyOf(call), "tag") ?? {};
    const tag = ownTag(book, input.id);
    tag.name = checkName(book, input.name, tag.id);
    return { errcode: 0, errmsg: "ok" };
  });

  route.post("/cgi-bin/tags/delete", (call) => {
    const appId = accountOf(call).appId;
    const book = world.tagsOf(appId);
    const tag = ownTag(book, recordAt(bodyOf(call), "tag")?.id);
    if (followersTagged(appId, tag.id).length > tagLimits.deletableFollowers) {
      throw new WxFault(45057, {}, "can't delete the tag that has too much fans");
    }
    delete book.items[String(tag.id)];
    for (const f of Object.values(world.followersOf(appId))) {
      if (f.tagIds.includes(tag.id)) f.tagIds = f.tagIds.filter((id) => id !== tag.id);
    }
    return { errcode: 0, errmsg: "ok" };
  });

  for (const [path, tagging] of [
    ["/cgi-bin/tags/members/batchtagging", true],
    ["/cgi-bin/tags/members/batchuntagging", false],
  ] as const) {
    route.post(path, (call) => {
      const appId = accountOf(call).appId;
      const body = bodyOf(call);
      const list = batchOf(body.openid_list, tagLimits.openIdsPerCall);
      const tag = ownTag(world.tagsOf(appId), body.tagid);
      const followers = list.map((openId) => followerOf(world, appId, openId));
      if (tagging) {
        // All or nothing: WeChat refuses the batch when one user would pass 20 tags.
        for (const f of followers) {
          if (!f.tagIds.includes(tag.id) && f.tagIds.length >= tagLimits.tagsPerUser)
            throw new WxFault(45059);
        }
        for (const f of followers) if (!f.tagIds.includes(tag.id)) f.tagIds.push(tag.id);
      } else {
        for (const f of followers) f.tagIds = f.tagIds.filter((id) => id !== tag.id);
      }
      return { errcode: 0, errmsg: "ok" };
    });
  }

  route.post("/cgi-bin/user/tag/get", (call) => {
    const appId = accountOf(call).appId;
    const body = bodyOf(call);
    const id = integerOf(body.tagid);
    if (id === undefined || !world.tagsOf(appId).items[String(id)]) throw new WxFault(45159);
    const next = typeof body.next_openid === "string" ? body.next_openid : undefined;
    return pageOf(followersTagged(appId, id), next);
  });

  route.post("/cgi-bin/tags/getidlist", (call) => {
    const follower = followerOf(world, accountOf(call).appId, bodyOf(call).openid);
    return { tagid_list: [...follower.tagIds] };
  });
}
