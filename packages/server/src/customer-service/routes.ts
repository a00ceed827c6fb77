import { z } from "zod";
import { defineRoute, type Route } from "../http/route.js";
import { receiveUpload } from "../http/upload.js";
import type { KfRouter } from "./ports.js";
import { AVATAR_MAX_BYTES, type CustomerServiceService } from "./service.js";

const appid = z.object({ appid: z.string().min(1).max(64) });
const oneAccount = appid.extend({ account: z.string().min(1).max(64) });

const accountView = z.object({
  account: z.string().describe("`prefix@公众号微信号`."),
  nickname: z.string(),
  id: z.string(),
  avatarUrl: z.string(),
  boundWeChat: z.string().nullable().describe("The WeChat id bound to it, when one is."),
});

const rule = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("keyword"),
    value: z.string().max(30),
    match: z.enum(["exact", "contains"]).default("exact"),
    kfAccount: z.string().min(1).max(64),
  }),
  z.object({ kind: z.literal("menu_key"), value: z.string().max(128), kfAccount: z.string().min(1).max(64) }),
  z.object({ kind: z.literal("tag"), tagId: z.number().int().min(0), kfAccount: z.string().min(1).max(64) }),
]);

const ACCOUNT_REFUSALS =
  "Checked before WeChat is called (`details.reason`): `kf_account_invalid` (prefix 1–10 letters, digits or _; suffix ≤ 30), `nickname_invalid` (1–16 characters), `kf_account_limit` (100), 409 `kf_account_exists`.";

/** The customer-service module's routes: accounts at WeChat, routing rules. */
export function customerServiceRoutes(service: CustomerServiceService, router: KfRouter): Route[] {
  return [
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/kf-accounts",
      action: "kf.read",
      account: (p) => p.appid,
      tags: ["customer-service"],
      summary: "The account's customer-service accounts (getkflist)",
      params: appid,
      response: z.object({ items: z.array(accountView) }),
      handler: async ({ params }) => ({ items: await service.accounts(params.appid) }),
    }),
    defineRoute({
      method: "POST",
      url: "/accounts/:appid/kf-accounts",
      action: "kf.accounts.manage",
      account: (p) => p.appid,
      tags: ["customer-service"],
      summary: "Add a customer-service account",
      description: ACCOUNT_REFUSALS,
      params: appid,
      body: z.object({ account: z.string().max(64), nickname: z.string().max(64) }),
      response: accountView,
      status: 201,
      handler: ({ params, body }) => service.add(params.appid, body),
    }),
    defineRoute({
      method: "PATCH",
      url: "/accounts/:appid/kf-accounts/:account",
      action: "kf.accounts.manage",
      account: (p) => p.appid,
      tags: ["customer-service"],
      summary: "Rename a customer-service account",
      params: oneAccount,
      body: z.object({ nickname: z.string().max(64) }),
      async handler({ params, body }) {
        await service.rename(params.appid, params.account, body.nickname);
        return undefined;
      },
    }),
    defineRoute({
      method: "POST",
      url: "/accounts/:appid/kf-accounts/:account/avatar",
      action: "kf.accounts.manage",
      account: (p) => p.appid,
      tags: ["customer-service"],
      summary: "Set a customer-service account's avatar (uploadheadimg)",
      description: `Send a jpg as multipart/form-data under \`media\`. Checked before WeChat is called with WeChat's thumbnail rule (\`details.reason\`, with \`details.errcode\`): \`media_missing\`, \`file_type\` (not a jpg, by extension or content), 413 \`file_too_large\` (over ${AVATAR_MAX_BYTES} bytes, \`details.limit\`). Answers the account with its new \`avatarUrl\`.`,
      params: oneAccount,
      upload: z.object({ media: z.string().describe("The jpg file (binary).") }),
      response: accountView,
      async handler({ params, request }) {
        const file = await receiveUpload(request, AVATAR_MAX_BYTES);
        return service.uploadAvatar(params.appid, params.account, file);
      },
    }),
    defineRoute({
      method: "DELETE",
      url: "/accounts/:appid/kf-accounts/:account",
      action: "kf.accounts.manage",
      account: (p) => p.appid,
      tags: ["customer-service"],
      summary: "Delete a customer-service account, and the routing rules naming it",
      params: oneAccount,
      response: z.object({ rulesRemoved: z.number().int() }),
      handler: ({ params }) => service.remove(params.appid, params.account),
    }),
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/kf-routing",
      action: "kf.read",
      account: (p) => p.appid,
      tags: ["customer-service"],
      summary: "The routing rules, in the order they are tried",
      params: appid,
      response: z.object({ rules: z.array(rule) }),
      handler: async ({ params }) => ({ rules: await service.rules(params.appid) }),
    }),
    defineRoute({
      method: "PUT",
      url: "/accounts/:appid/kf-routing",
      action: "kf.routing.manage",
      account: (p) => p.appid,
      tags: ["customer-service"],
      summary: "Replace the routing rules",
      description:
        "The first rule that matches picks the account a `transfer_customer_service` reply names: a keyword in the user's message (exact or contained, case-insensitive), a menu click's key, or a tag of the follower. Refusals: `rule_invalid`, `rules_limit` (100), `kf_account_unknown`.",
      params: appid,
      body: z.object({ rules: z.array(rule).max(1000) }),
      response: z.object({ rules: z.array(rule) }),
      handler: async ({ params, body }) => ({ rules: await service.setRules(params.appid, body.rules) }),
    }),
    defineRoute({
      method: "POST",
      url: "/accounts/:appid/kf-routing/preview",
      action: "kf.read",
      account: (p) => p.appid,
      tags: ["customer-service"],
      summary: "Which account the rules pick for a message or a click",
      params: appid,
      body: z.object({
        openid: z.string().min(1).max(64),
        keyword: z.string().max(2048).optional(),
        menuKey: z.string().max(128).optional(),
      }),
      response: z.object({ kfAccount: z.string().nullable() }),
      handler: async ({ params, body }) => ({
        kfAccount:
          (await router({
            appid: params.appid,
            openid: body.openid,
            ...(body.keyword === undefined ? {} : { keyword: body.keyword }),
            ...(body.menuKey === undefined ? {} : { menuKey: body.menuKey }),
          })) ?? null,
      }),
    }),
  ];
}
