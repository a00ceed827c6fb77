import { z } from "zod";
import { defineRoute, type Route } from "../http/route.js";
import type { FollowersService } from "./service.js";
import type { FollowerSync } from "./sync.js";
import { followerView, syncView, tagView, toFollowerView, toSyncView, toTagView } from "./views.js";

const appid = z.object({ appid: z.string().min(1).max(64) });
const follower = appid.extend({ openid: z.string().min(1).max(64) });
const tag = appid.extend({ tagId: z.coerce.number().int().min(0).max(2_147_483_647) });
const tagName = z.object({
  name: z.string().max(200).describe("At most 30 bytes of UTF-8, unique in the account."),
});
const openIds = z.object({
  openIds: z
    .array(z.string().min(1).max(64))
    .min(1)
    .max(10_000)
    .describe("Sent to WeChat 50 at a time (its limit per call)."),
});
const taggingResult = z.object({
  followers: z.number().int(),
  calls: z.number().int().describe("WeChat calls made (50 OpenIDs each)."),
});

const REFUSALS =
  "Refusals carry `details.reason`: `remark_too_long`, `tag_name_invalid`, `tag_name_too_long`, `tag_limit`, `system_tag`, `follower_tag_limit`, `not_following` (400/409), `tag_not_found`, `follower_not_found` (404). WeChat's own refusals come back as 502 with `details.errcode`.";

/** The followers module's routes. */
export function followersRoutes(service: FollowersService, sync: FollowerSync): Route[] {
  const tags = ["followers"];
  return [
    defineRoute({
      method: "POST",
      url: "/accounts/:appid/followers/sync",
      action: "followers.sync",
      account: (p) => p.appid,
      tags,
      summary: "Start syncing the account's followers from WeChat",
      description:
        "A durable job: user/get pages of 10,000, batchget 100 at a time, each page committed with the cursor, so a restart resumes from the last page. A sync already running is returned as it is.",
      params: appid,
      response: syncView,
      status: 202,
      handler: async ({ params, actor }) => toSyncView(await sync.start(params.appid, actor.userId)),
    }),
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/followers/sync",
      action: "followers.read",
      account: (p) => p.appid,
      tags,
      summary: "The follower sync's progress (done / total, rate, ETA)",
      params: appid,
      response: syncView,
      handler: async ({ params }) => toSyncView(await sync.progress(params.appid)),
    }),
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/followers",
      action: "followers.read",
      account: (p) => p.appid,
      tags,
      summary: "The account's followers, filtered, a page at a time",
      description:
        "Ordered by OpenID, or by the last interaction (latest first) with `activeSince`. Pass `next` back as `cursor` for the next page.",
      params: appid,
      query: z.object({
        tag: z.coerce.number().int().min(0).optional().describe("Only followers carrying this tag."),
        scene: z.string().max(64).optional().describe("Only followers from this source (subscribe_scene)."),
        activeSince: z.coerce
          .number()
          .int()
          .min(0)
          .optional()
          .describe("Last interaction at or after (epoch ms)."),
        q: z
          .string()
          .max(64)
          .optional()
          .describe("Part of the remark or nickname, or the start of the OpenID."),
        subscribed: z.enum(["true", "false", "all"]).default("true"),
        cursor: z.string().max(512).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
      response: z.object({ items: z.array(followerView), next: z.string().nullable() }),
      handler: async ({ params, query }) => {
        const page = await service.list(
          params.appid,
          {
            ...(query.tag !== undefined ? { tagId: query.tag } : {}),
            ...(query.scene ? { scene: query.scene } : {}),
            ...(query.activeSince !== undefined ? { activeSince: query.activeSince } : {}),
            ...(query.q ? { search: query.q } : {}),
            ...(query.subscribed === "all" ? {} : { subscribed: query.subscribed === "true" }),
          },
          query.cursor,
          query.limit,
        );
        return { items: page.items.map(toFollowerView), next: page.next };
      },
    }),
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/followers/:openid",
      action: "followers.read",
      account: (p) => p.appid,
      tags,
      summary: "One follower: profile, tags, source, last interactions",
      params: follower,
      response: followerView,
      handler: async ({ params }) => toFollowerView(await service.follower(params.appid, params.openid)),
    }),
    defineRoute({
      method: "PUT",
      url: "/accounts/:appid/followers/:openid/remark",
      action: "followers.update",
      account: (p) => p.appid,
      tags,
      summary: "Set a follower's remark (at most 30 characters; empty clears it)",
      description: REFUSALS,
      params: follower,
      body: z.object({ remark: z.string().max(200) }),
      response: followerView,
      handler: async ({ params, body }) =>
        toFollowerView(await service.setRemark(params.appid, params.openid, body.remark)),
    }),
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/follower-tags",
      action: "followers.read",
      account: (p) => p.appid,
      tags,
      summary: "The account's tags, WeChat's own included",
      params: appid,
      response: z.object({ items: z.array(tagView) }),
      handler: async ({ params }) => ({ items: (await service.tags(params.appid)).map(toTagView) }),
    }),
    defineRoute({
      method: "POST",
      url: "/accounts/:appid/follower-tags",
      action: "followers.tags.manage",
      account: (p) => p.appid,
      tags,
      summary: "Create a tag",
      description: REFUSALS,
      params: appid,
      body: tagName,
      response: tagView,
      status: 201,
      handler: async ({ params, body }) => toTagView(await service.createTag(params.appid, body.name)),
    }),
    defineRoute({
      method: "PATCH",
      url: "/accounts/:appid/follower-tags/:tagId",
      action: "followers.tags.manage",
      account: (p) => p.appid,
      tags,
      summary: "Rename a tag",
      description: REFUSALS,
      params: tag,
      body: tagName,
      response: tagView,
      handler: async ({ params, body }) =>
        toTagView(await service.renameTag(params.appid, params.tagId, body.name)),
    }),
    defineRoute({
      method: "DELETE",
      url: "/accounts/:appid/follower-tags/:tagId",
      action: "followers.tags.manage",
      account: (p) => p.appid,
      tags,
      summary: "Delete a tag (its followers lose it)",
      description: REFUSALS,
      params: tag,
      handler: async ({ params }) => {
        await service.deleteTag(params.appid, params.tagId);
        return undefined;
      },
    }),
    defineRoute({
      method: "POST",
      url: "/accounts/:appid/follower-tags/:tagId/tagging",
      action: "followers.tags.manage",
      account: (p) => p.appid,
      tags,
      summary: "Give the tag to followers",
      description: REFUSALS,
      params: tag,
      body: openIds,
      response: taggingResult,
      handler: async ({ params, body }) =>
        service.tagFollowers(params.appid, params.tagId, body.openIds, true),
    }),
    defineRoute({
      method: "POST",
      url: "/accounts/:appid/follower-tags/:tagId/untagging",
      action: "followers.tags.manage",
      account: (p) => p.appid,
      tags,
      summary: "Take the tag from followers",
      description: REFUSALS,
      params: tag,
      body: openIds,
      response: taggingResult,
      handler: async ({ params, body }) =>
        service.tagFollowers(params.appid, params.tagId, body.openIds, false),
    }),
  ];
}
