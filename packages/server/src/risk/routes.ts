import { z } from "zod";
import type { AccountDirectory } from "../accounts/index.js";
import { defineRoute, type Route } from "../http/route.js";
import { errors } from "../platform/errors.js";
import { type Actor, permissionSwitches, permits } from "../platform/policy.js";
import type { AuthorizationReview } from "./review.js";
import type { RiskSettings } from "./settings.js";

const params = z.object({
  appid: z.string().regex(/^wx[0-9a-zA-Z]{16}$/, "must look like wx followed by 16 letters or digits"),
});
const settingsView = z.object({
  appid: z.string(),
  protection: z.boolean().describe("Risk operations on the account need a fresh confirmation."),
  alerts: z
    .boolean()
    .describe(
      "Each risk operation notifies the account's administrators and the webhooks listing `risk_operation`.",
    ),
  updatedAt: z.number().int().nullable(),
  updatedBy: z.string().nullable().describe("The id of the user who last changed them."),
  abilities: z
    .object({
      manage: z.object({ allowed: z.boolean(), reason: z.string().optional() }),
      reveal: z.object({ allowed: z.boolean(), reason: z.string().optional() }),
    })
    .describe("Whether the caller may change the switches and view the account's secrets."),
});

/** What the caller may do here, as the policy decides (the console shows it, never re-derives it). */
function abilitiesOf(actor: Actor, appId: string) {
  const ability = (action: "risk.settings.manage" | "accounts.secrets.reveal") =>
    permits(actor, action, appId) ? { allowed: true } : { allowed: false, reason: "not_permitted" };
  return { manage: ability("risk.settings.manage"), reveal: ability("accounts.secrets.reveal") };
}
const reviewRow = z.object({
  appid: z.string(),
  userId: z.string(),
  username: z.string(),
  displayName: z.string().nullable(),
  kind: z.enum(["super_admin", "long_term", "short_term"]),
  state: z.enum(["invited", "active", "expired"]),
  switches: z.array(z.enum(permissionSwitches)),
  departments: z.array(z.string()),
  expiresAt: z.number().int().nullable(),
  lastActiveAt: z.number().int().nullable(),
  totp: z.boolean(),
  flags: z
    .array(z.enum(["idle", "expiring", "no_totp"]))
    .describe(
      "`idle`: no activity for WXGATE_REVIEW_IDLE_DAYS (90); `expiring`: a short-term operator's access ends within WXGATE_REVIEW_EXPIRING_DAYS (7); `no_totp`: a super admin without a second factor.",
    ),
});

/** `/api/v1/accounts/:appid/risk-settings` and `/api/v1/review…`. */
export function riskRoutes(
  settings: RiskSettings,
  review: AuthorizationReview,
  accounts: AccountDirectory,
): Route[] {
  const existing = async (appId: string) => {
    if (!(await accounts.exists(appId))) throw errors.notFound("the account");
  };
  return [
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/risk-settings",
      action: "risk.settings.read",
      account: (p) => p.appid,
      summary: "An account's risk-operation protection and alerts",
      params,
      response: settingsView,
      handler: async ({ actor, params: p }) => {
        await existing(p.appid);
        return { ...(await settings.get(p.appid)), abilities: abilitiesOf(actor, p.appid) };
      },
    }),
    defineRoute({
      method: "PUT",
      url: "/accounts/:appid/risk-settings",
      action: "risk.settings.manage",
      account: (p) => p.appid,
      summary: "Switch an account's risk-operation protection and alerts",
      description:
        "For the account's super admin or an administrator. A risk operation itself: while the protection is on, it needs a fresh confirmation (403 `confirmation_required`) — so turning it off does. With the protection off, risk operations on the account are taken without one (a secret's view still uses one up).",
      params,
      body: z
        .object({ protection: z.boolean().optional(), alerts: z.boolean().optional() })
        .refine((b) => b.protection !== undefined || b.alerts !== undefined, "name a switch"),
      response: settingsView,
      handler: async ({ actor, params: p, body }) => {
        await existing(p.appid);
        return { ...(await settings.set(actor, p.appid, body)), abilities: abilitiesOf(actor, p.appid) };
      },
    }),
    defineRoute({
      method: "GET",
      url: "/review",
      action: "risk.review.read",
      summary: "The authorization review (授权台账): every member of every account in reach",
      description:
        "Each account's super admin and operators with their kind, state, switches, the account's departments, when their access ends, when they were last active and whether they have a second factor, with `flags` for what wants a look.",
      response: z.object({ items: z.array(reviewRow), generatedAt: z.number().int() }),
      handler: async ({ actor }) => ({ items: await review.rows(actor), generatedAt: Date.now() }),
    }),
    defineRoute({
      method: "GET",
      url: "/review/export",
      action: "risk.review.read",
      summary: "Export the authorization review as CSV",
      description: "The review's rows as `text/csv` (UTF-8 with a byte-order mark).",
      async handler({ actor, reply }) {
        const stamp = new Date().toISOString().slice(0, 10);
        reply
          .header("content-type", "text/csv; charset=utf-8")
          .header("content-disposition", `attachment; filename="wxgate-review-${stamp}.csv"`);
        return reply.send(await review.csv(actor));
      },
    }),
  ];
}
