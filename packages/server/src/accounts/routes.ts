import { permissionSetName } from "@wxgate/wechat";
import { z } from "zod";
import { defineRoute, type Route } from "../http/route.js";
import type { LifecycleSweep } from "./lifecycle-sweep.js";
import type { AccountService } from "./service.js";
import type { AccountSettings } from "./settings.js";
import { accountWithAbilitiesView, apiCallView, authorizationNoticeView, quotaResetView } from "./views.js";

const appIdSchema = z
  .string()
  .regex(/^wx[0-9a-zA-Z]{16}$/, "must look like wx followed by 16 letters or digits");
const params = z.object({ appid: appIdSchema });
const kindSchema = z.enum(["subscription", "service", "miniprogram"]);
const permissionIds = z.array(z.number().int().min(1).max(1000)).max(100);
const headerSchema = z
  .string()
  .max(4096)
  .regex(/^[A-Za-z0-9-]+:[^\r\n]*$/, "must be one header line, `Name: value`");
const tokenUrlSchema = z.string().url().max(2048);

const authorizationLink = z.object({
  id: z.string(),
  pcUrl: z.string().describe("The PC authorization page (componentloginpage)."),
  mobileUrl: z.string().describe("The mobile authorization page, to open in WeChat."),
  qrCode: z.string().describe("A PNG data URL of the mobile page, for the administrator to scan."),
  expiresAt: z.number().int(),
});

const minimumSets = z.object({ official: permissionIds, miniprogram: permissionIds });
const minimumSetsView = z.object({
  official: z.array(z.object({ id: z.number().int(), name: z.string() })),
  miniprogram: z.array(z.object({ id: z.number().int(), name: z.string() })),
});
const namedSets = (value: { official: number[]; miniprogram: number[] }) => ({
  official: value.official.map((id) => ({ id, name: permissionSetName(id) ?? `#${id}` })),
  miniprogram: value.miniprogram.map((id) => ({ id, name: permissionSetName(id) ?? `#${id}` })),
});

const noticePage = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.string().max(64).optional().describe("`nextBefore` of the previous page."),
});
const noticeList = z.object({ items: z.array(authorizationNoticeView), nextBefore: z.string().nullable() });

/** The accounts module's API (授权管理). */
export function accountRoutes(
  service: AccountService,
  settings: AccountSettings,
  lifecycle: LifecycleSweep,
): Route[] {
  return [
    defineRoute({
      method: "POST",
      url: "/authorizations",
      action: "accounts.authorize",
      summary: "Create a platform authorization link (QR code and mobile link)",
      description:
        "Asks WeChat for a pre-auth code. The administrator scans `qrCode` (or opens `mobileUrl` in WeChat, or `pcUrl` on a computer), chooses the account and permission sets; WeChat then sends the browser to wxgate, which stores the account. The platform may start a limited number of authorization requests a month, Beijing time (`WXGATE_AUTHORIZATION_REQUESTS_PER_MONTH`, 50 by default; authorization updates count too): beyond it, 429 with `details.reason = authorization_request_limit`, before WeChat is asked.",
      body: z
        .object({
          authType: z
            .union([z.literal(1), z.literal(2), z.literal(3)])
            .optional()
            .describe("1 official accounts, 2 mini programs, 3 both (default)."),
          bizAppId: appIdSchema
            .optional()
            .describe("Offer only this account (one in the caller's reach: otherwise 403 `out_of_reach`)."),
        })
        .default({}),
      response: authorizationLink,
      status: 201,
      handler: ({ body, actor }) => service.createAuthorization(actor, body),
    }),
    defineRoute({
      method: "GET",
      url: "/authorizations/usage",
      action: "accounts.read",
      summary: "This month's authorization requests (Beijing time): used and allowed",
      response: z.object({
        month: z.string().describe("`YYYY-MM`, Beijing time."),
        used: z.number().int(),
        limit: z.number().int(),
        remaining: z.number().int(),
      }),
      handler: () => service.authorizationRequestUsage(),
    }),
    defineRoute({
      method: "GET",
      url: "/authorization-notices",
      action: "accounts.read",
      summary: "Authorization lifecycle notices of every account in reach, newest first",
      description:
        "Recorded once per account and authorization period by the lifecycle sweep: `authorization_expiring` (the authorization ends within 30 days) and `authorization_lapsed` (it ended: no tokens until the account is authorized again).",
      query: noticePage,
      response: noticeList,
      handler: ({ query, actor }) => lifecycle.notices(actor, query),
    }),
    defineRoute({
      method: "GET",
      url: "/accounts",
      action: "accounts.read",
      summary: "List connected accounts (those in the caller's reach)",
      response: z.object({ items: z.array(accountWithAbilitiesView) }),
      handler: async ({ actor }) => ({
        items: await service.withAbilities(actor, await service.list(actor)),
      }),
    }),
    defineRoute({
      method: "POST",
      url: "/accounts",
      action: "accounts.connect",
      summary: "Connect an account directly (AppSecret) or through the customer's token server",
      description:
        "With `appSecret`, wxgate fetches a token at once and refuses the secret with WeChat's errcode when WeChat does (40125). Other systems that refresh this account's token will conflict with wxgate: prefer the platform authorization or `tokenUrl`. With `tokenUrl`, wxgate reads tokens from that URL (`{access_token, expires_in}`) and never refreshes them itself; in production the URL must resolve to public addresses only. An `appId` out of the caller's reach: 403 `forbidden`, `details.reason = out_of_reach`.",
      body: z.union([
        z
          .object({
            appId: appIdSchema,
            appSecret: z.string().min(16).max(64),
            kind: kindSchema.default("service"),
            nickname: z.string().min(1).max(64).optional(),
            verified: z.boolean().optional().describe("Whether the account passed WeChat verification."),
          })
          .strict(),
        z
          .object({
            appId: appIdSchema,
            tokenUrl: tokenUrlSchema,
            header: headerSchema
              .optional()
              .describe("One header sent to the token server, e.g. `Authorization: Bearer …`."),
            kind: kindSchema.default("service"),
            nickname: z.string().min(1).max(64).optional(),
            verified: z.boolean().optional(),
          })
          .strict(),
      ]),
      response: accountWithAbilitiesView,
      status: 201,
      handler: async ({ body, actor }) =>
        service.withAbilitiesOne(
          actor,
          "appSecret" in body
            ? await service.connectDirect(actor, body)
            : await service.connectExternal(actor, body),
        ),
    }),
    defineRoute({
      method: "GET",
      url: "/accounts/:appid",
      action: "accounts.read",
      account: (params) => params.appid,
      summary: "One account: permission sets granted, required and missing; enable checks",
      params,
      response: accountWithAbilitiesView,
      handler: async ({ params, actor }) => service.withAbilitiesOne(actor, await service.get(params.appid)),
    }),
    defineRoute({
      method: "DELETE",
      url: "/accounts/:appid",
      action: "accounts.delete",
      account: (params) => params.appid,
      summary: "Delete an account and everything kept for it",
      description:
        "Allowed once the account withdrew its authorization on WeChat's side and its cooling-off is over (`WXGATE_DEAUTHORIZATION_COOLING_OFF_HOURS`, 48 by default: until then 409 `cooling_off` (`error.code`, and `details.reason`) with `details.until`), or for direct and external connections. `confirm` must be the account's name. Irreversible.",
      params,
      body: z.object({ confirm: z.string().min(1).max(128) }),
      response: z.object({ deleted: z.record(z.string(), z.number().int()) }),
      handler: async ({ params, body }) => ({ deleted: await service.delete(params.appid, body.confirm) }),
    }),
    defineRoute({
      method: "PUT",
      url: "/accounts/:appid/openid-mapping",
      action: "accounts.update",
      account: (params) => params.appid,
      summary: "Set which customer property holds this account's OpenID",
      params,
      body: z.object({ property: z.string().trim().min(1).max(128) }),
      response: accountWithAbilitiesView,
      handler: async ({ params, body, actor }) =>
        service.withAbilitiesOne(actor, await service.setOpenIdMapping(params.appid, body.property)),
    }),
    defineRoute({
      method: "PUT",
      url: "/accounts/:appid/required-permission-sets",
      action: "accounts.update",
      account: (params) => params.appid,
      summary: "Override the minimum permission sets for this account (null: use the setting)",
      params,
      body: z.object({ ids: permissionIds.nullable() }),
      response: accountWithAbilitiesView,
      handler: async ({ params, body, actor }) =>
        service.withAbilitiesOne(actor, await service.setRequiredPermissionSets(params.appid, body.ids)),
    }),
    defineRoute({
      method: "PUT",
      url: "/accounts/:appid/authorization-expiry",
      action: "accounts.update",
      account: (params) => params.appid,
      summary: "Set when the account's platform authorization ends (shorten it)",
      description:
        "`expiresAt` (epoch ms) or `validityDays` counted from the start of the current authorization period (`authorizedAt`). At most 365 days after that start (400 `validation_failed`, `details.reason = validity_too_long`) and in the future (400 `validation_failed`, `details.reason = expiry_in_past`); direct and external connections have no authorization to end (409 `conflict`, `details.reason = not_component`), nor has an account that withdrew its authorization (409 `conflict`, `details.reason = account_unauthorized`). Authorizing the account again starts a new period with the configured validity.",
      params,
      body: z.union([
        z.object({ expiresAt: z.number().int().min(0) }).strict(),
        z.object({ validityDays: z.number().int().min(1).max(100_000) }).strict(),
      ]),
      response: accountWithAbilitiesView,
      handler: async ({ params, body, actor }) =>
        service.withAbilitiesOne(actor, await service.setAuthorizationExpiry(params.appid, body)),
    }),
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/authorization-notices",
      action: "accounts.read",
      account: (params) => params.appid,
      summary: "This account's authorization lifecycle notices, newest first",
      params,
      query: noticePage,
      response: noticeList,
      handler: ({ params, query, actor }) => lifecycle.notices(actor, { ...query, appId: params.appid }),
    }),
    defineRoute({
      method: "POST",
      url: "/accounts/:appid/enable",
      action: "accounts.enable",
      account: (params) => params.appid,
      summary: "Enable an account (verified, minimum permission sets, OpenID mapping)",
      description:
        "409 `conflict` with `details.reason = enable_checks_failed` and `details.failed` naming each failed check (`verified`, `permission_sets` with the `missing` sets, `openid_mapping`); `account_unauthorized` (with `coolingOffUntil` during the cooling-off) for a de-authorized account; `authorization_lapsed` once its authorization ended.",
      params,
      response: accountWithAbilitiesView,
      handler: async ({ params, actor }) =>
        service.withAbilitiesOne(actor, await service.enable(params.appid)),
    }),
    defineRoute({
      method: "POST",
      url: "/accounts/:appid/disable",
      action: "accounts.disable",
      account: (params) => params.appid,
      summary: "Disable an account: no tokens, no sending",
      params,
      response: accountWithAbilitiesView,
      handler: async ({ params, actor }) =>
        service.withAbilitiesOne(actor, await service.disable(params.appid)),
    }),
    defineRoute({
      method: "POST",
      url: "/accounts/:appid/authorization-update",
      action: "accounts.authorize",
      account: (params) => params.appid,
      summary: "Create a link to update this account's authorization (change permission sets)",
      params,
      response: authorizationLink,
      status: 201,
      handler: ({ params, actor }) => service.requestAuthorizationUpdate(actor, params.appid),
    }),
    defineRoute({
      method: "POST",
      url: "/accounts/:appid/refresh-info",
      action: "accounts.update",
      account: (params) => params.appid,
      summary: "Read the account's type, verification, status and permission sets from WeChat again",
      params,
      response: accountWithAbilitiesView,
      handler: async ({ params, actor }) =>
        service.withAbilitiesOne(actor, await service.refreshInfo(params.appid)),
    }),
    defineRoute({
      method: "POST",
      url: "/accounts/:appid/quota/reset",
      action: "accounts.quota.reset",
      account: (params) => params.appid,
      summary: "Reset the account's API quotas (clear_quota), at most 10 a month",
      description:
        "The 11th reset of a month (Beijing time) is refused here: 429 with `details.reason = quota_reset_limit`.",
      params,
      response: z.object({
        month: z.string(),
        used: z.number().int(),
        limit: z.number().int(),
        remaining: z.number().int(),
      }),
      handler: ({ params, actor }) => service.resetQuota(actor, params.appid),
    }),
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/quota/resets",
      action: "accounts.read",
      account: (params) => params.appid,
      summary: "Quota resets: this month's count and the history",
      params,
      response: z.object({
        month: z.string(),
        used: z.number().int(),
        limit: z.number().int(),
        remaining: z.number().int(),
        history: z.array(quotaResetView),
      }),
      handler: ({ params }) => service.quotaResets(params.appid),
    }),
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/quota",
      action: "accounts.read",
      account: (params) => params.appid,
      summary: "One API's daily quota (openapi/quota/get)",
      params,
      query: z.object({ cgiPath: z.string().regex(/^\/[A-Za-z0-9_/.-]{1,200}$/, "must be an API path") }),
      response: z.object({ daily_limit: z.number(), used: z.number(), remain: z.number() }),
      handler: ({ params, query }) => service.quota(params.appid, query.cgiPath),
    }),
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/api-calls",
      action: "accounts.read",
      account: (params) => params.appid,
      summary: "The outbound WeChat API call log of this account, newest first",
      description:
        "One record per attempt: the API, the errcode, the attempt's number and latency. Records are kept `WXGATE_API_CALL_RETENTION_DAYS` (30) days.",
      params,
      query: z.object({
        errcode: z.coerce.number().int().optional(),
        api: z.string().max(200).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(50),
        before: z.string().max(64).optional().describe("`nextBefore` of the previous page."),
      }),
      response: z.object({ items: z.array(apiCallView), nextBefore: z.string().nullable() }),
      handler: ({ params, query }) => service.apiCalls(params.appid, query),
    }),
    defineRoute({
      method: "PUT",
      url: "/accounts/:appid/miniprogram/send-config",
      action: "accounts.update",
      account: (params) => params.appid,
      summary: "Mini program send config: its AppSecret or its token URL",
      params,
      body: z.discriminatedUnion("mode", [
        z.object({ mode: z.literal("app_secret"), appSecret: z.string().min(16).max(64) }).strict(),
        z
          .object({ mode: z.literal("token_url"), tokenUrl: tokenUrlSchema, header: headerSchema.optional() })
          .strict(),
      ]),
      response: accountWithAbilitiesView,
      handler: async ({ params, body, actor }) =>
        service.withAbilitiesOne(actor, await service.setSendConfig(params.appid, body)),
    }),
    defineRoute({
      method: "PUT",
      url: "/accounts/:appid/miniprogram/receipt-config",
      action: "accounts.update",
      account: (params) => params.appid,
      summary: "Receipt (push) config: Token, EncodingAESKey and encryption mode",
      params,
      body: z
        .object({
          token: z.string().regex(/^[A-Za-z0-9]{3,32}$/, "must be 3 to 32 letters or digits"),
          encodingAESKey: z
            .string()
            .regex(/^[A-Za-z0-9]{43}$/, "must be exactly 43 letters or digits")
            .optional(),
          mode: z.enum(["plaintext", "compatible", "safe"]),
        })
        .strict(),
      response: accountWithAbilitiesView,
      handler: async ({ params, body, actor }) =>
        service.withAbilitiesOne(actor, await service.setReceiptConfig(params.appid, body)),
    }),
    defineRoute({
      method: "GET",
      url: "/settings/minimum-permission-sets",
      action: "accounts.read",
      summary: "The permission sets an account must grant before it can be enabled",
      response: minimumSetsView,
      handler: async () => namedSets(await settings.minimumPermissionSets()),
    }),
    defineRoute({
      method: "PUT",
      url: "/settings/minimum-permission-sets",
      action: "accounts.settings.manage",
      summary: "Change the minimum permission sets",
      body: minimumSets,
      response: minimumSetsView,
      handler: async ({ body }) => namedSets(await settings.setMinimumPermissionSets(body)),
    }),
  ];
}
