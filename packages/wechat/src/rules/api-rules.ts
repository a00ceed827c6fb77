import { accountStatus } from "./account.js";
import { wechatErrcode } from "./errors.js";
import type { AccountKind } from "./permissions.js";

/**
 * What verification an API needs:
 * - `none`: every account;
 * - `verified`: a verified account (combine with `accountKinds` for "verified service");
 * - `verified-or-service`: every service account, subscription accounts only when verified
 *   (custom menus).
 */
export type ApiVerification = "none" | "verified" | "verified-or-service";

/** Who calls an API: an account (own or authorizer token) or the third-party platform itself. */
export type ApiCaller = "account" | "component";

/** The access rule of one WeChat API path. */
export interface ApiRule {
  /** Path under https://api.weixin.qq.com, without query. */
  path: string;
  method: "GET" | "POST";
  caller: ApiCaller;
  /** Any one of these suffices; empty means no permission set is needed. */
  permissionSets: readonly number[];
  /** Account kinds for which the API exists. */
  accountKinds: readonly AccountKind[];
  verification: ApiVerification;
  /** Set when the sources disagree or do not confirm the rule; the reason is in the table. */
  uncertain?: boolean;
}

const official: readonly AccountKind[] = ["subscription", "service"];
const serviceOnly: readonly AccountKind[] = ["service"];
const miniprogramOnly: readonly AccountKind[] = ["miniprogram"];
const everyKind: readonly AccountKind[] = ["subscription", "service", "miniprogram"];

type RuleRest = Omit<ApiRule, "path" | "method">;

/** The rule of an API that accounts call with their own or an authorizer token. */
const accountRule = (
  permissionSets: readonly number[],
  accountKinds: readonly AccountKind[],
  verification: ApiVerification,
): RuleRest => ({ caller: "account", permissionSets, accountKinds, verification });

const menu = accountRule([15], official, "verified-or-service");
const userManagement = accountRule([2], official, "verified");
const massSend = accountRule([7], official, "verified");
const template = accountRule([7], serviceOnly, "verified");
const material = accountRule([11], official, "verified");
const open = accountRule([], everyKind, "none");
const component: RuleRest = {
  caller: "component",
  permissionSets: [],
  accountKinds: everyKind,
  verification: "none",
};

const get = (path: string, rest: RuleRest): ApiRule => ({ path, method: "GET", ...rest });
const post = (path: string, rest: RuleRest): ApiRule => ({ path, method: "POST", ...rest });

/**
 * Which account may call which API, shared by the emulator (which enforces it) and the
 * server (which shows it). Permission sets follow WeChat's rule of thumb (menu 15, QR 3,
 * users and tags 2, custom messages 1, template and mass 7, materials 11); verification
 * follows WeChat's account-type table. The table itself is a copy of WeChat's rules and
 * may lag them; entries WeChat does not state plainly carry `uncertain: true`.
 */
export const apiRules: readonly ApiRule[] = [
  // Credentials: called with appid + secret, not with a token.
  get("/cgi-bin/token", open),
  // Third-party platforms cannot call stable_token; nothing here can check that (no token).
  post("/cgi-bin/stable_token", open),

  // Custom menus: verified subscription accounts and all service accounts.
  post("/cgi-bin/menu/create", menu),
  get("/cgi-bin/menu/get", menu),
  get("/cgi-bin/menu/delete", menu),
  post("/cgi-bin/menu/addconditional", menu),
  post("/cgi-bin/menu/delconditional", menu),
  post("/cgi-bin/menu/trymatch", menu),
  // Reads the menu whether set by API or in the console; open to every official account
  // in WeChat's docs (uncertain), still under the menu permission set.
  get("/cgi-bin/get_current_selfmenu_info", { ...menu, verification: "none", uncertain: true }),

  // Parametric QR codes: verified service accounts, permission set 账号服务 (3).
  post("/cgi-bin/qrcode/create", accountRule([3], serviceOnly, "verified")),

  // Followers and tags: user management (2), verified accounts.
  get("/cgi-bin/user/get", userManagement),
  get("/cgi-bin/user/info", userManagement),
  post("/cgi-bin/user/info/batchget", userManagement),
  post("/cgi-bin/user/info/updateremark", userManagement),
  post("/cgi-bin/tags/create", userManagement),
  get("/cgi-bin/tags/get", userManagement),
  post("/cgi-bin/tags/update", userManagement),
  post("/cgi-bin/tags/delete", userManagement),
  post("/cgi-bin/tags/getidlist", userManagement),
  post("/cgi-bin/tags/members/batchtagging", userManagement),
  post("/cgi-bin/tags/members/batchuntagging", userManagement),
  post("/cgi-bin/user/tag/get", userManagement),

  // Customer-service messages: 消息管理 (1), verified accounts.
  post("/cgi-bin/message/custom/send", accountRule([1], official, "verified")),

  // Template messages: 群发与通知 (7), verified service accounts.
  post("/cgi-bin/message/template/send", template),
  get("/cgi-bin/template/get_all_private_template", template),
  post("/cgi-bin/template/api_add_template", template),
  post("/cgi-bin/template/del_private_template", template),
  get("/cgi-bin/template/get_industry", template),
  post("/cgi-bin/template/api_set_industry", template),

  // Mass send: 群发与通知 (7), verified accounts; sending to an OpenID list is for service accounts.
  post("/cgi-bin/message/mass/sendall", massSend),
  post("/cgi-bin/message/mass/send", { ...massSend, accountKinds: serviceOnly }),
  post("/cgi-bin/message/mass/preview", massSend),
  post("/cgi-bin/message/mass/get", massSend),
  post("/cgi-bin/message/mass/delete", massSend),

  // Mini program subscription messages. The permission set is not confirmed: the 17/19
  // family is assumed (any one suffices); the server makes it configurable.
  post("/cgi-bin/message/subscribe/send", {
    ...accountRule([17, 19], miniprogramOnly, "none"),
    uncertain: true,
  }),
  get("/wxaapi/newtmpl/gettemplate", {
    ...accountRule([17, 19], miniprogramOnly, "none"),
    uncertain: true,
  }),

  // Permanent materials: 素材管理 (11), verified accounts.
  post("/cgi-bin/material/add_material", material),
  post("/cgi-bin/material/add_news", material),
  post("/cgi-bin/material/get_material", material),
  post("/cgi-bin/material/del_material", material),
  post("/cgi-bin/material/batchget_material", material),
  get("/cgi-bin/material/get_materialcount", material),
  // Temporary media are needed for passive replies, which unverified accounts may send;
  // whether WeChat asks for verification here is not confirmed.
  post("/cgi-bin/media/upload", { ...material, verification: "none", uncertain: true }),
  get("/cgi-bin/media/get", { ...material, verification: "none", uncertain: true }),

  // Customer-service accounts: 微信多客服 (6) or 消息管理 (1), verified accounts (uncertain:
  // WeChat's pages name no permission set for the new kfaccount APIs).
  post("/customservice/kfaccount/add", { ...accountRule([6, 1], official, "verified"), uncertain: true }),
  post("/customservice/kfaccount/update", { ...accountRule([6, 1], official, "verified"), uncertain: true }),
  post("/customservice/kfaccount/del", { ...accountRule([6, 1], official, "verified"), uncertain: true }),
  post("/customservice/kfaccount/uploadheadimg", {
    ...accountRule([6, 1], official, "verified"),
    uncertain: true,
  }),
  get("/cgi-bin/customservice/getkflist", { ...accountRule([6, 1], official, "verified"), uncertain: true }),
  // JS-SDK ticket: 网页服务 (4), every official account.
  get("/cgi-bin/ticket/getticket", accountRule([4], official, "none")),

  // Quota and diagnostics: every account.
  post("/cgi-bin/clear_quota", open),
  post("/cgi-bin/openapi/quota/get", open),
  post("/cgi-bin/openapi/rid/get", open),

  // The platform's own APIs, called with component_access_token.
  post("/cgi-bin/component/api_start_push_ticket", component),
  post("/cgi-bin/component/api_component_token", component),
  post("/cgi-bin/component/api_create_preauthcode", component),
  post("/cgi-bin/component/api_query_auth", component),
  post("/cgi-bin/component/api_authorizer_token", component),
  post("/cgi-bin/component/api_get_authorizer_info", component),
  post("/cgi-bin/component/api_get_authorizer_list", component),
];

const rulesByPath = new Map(apiRules.map((rule) => [rule.path, rule]));

/**
 * The path of a request target: accepts a bare path, a path with a query, or a full URL,
 * and drops a trailing slash.
 */
export function apiPathOf(target: string): string {
  let path = target;
  const scheme = path.indexOf("://");
  if (scheme >= 0) {
    const slash = path.indexOf("/", scheme + 3);
    path = slash >= 0 ? path.slice(slash) : "/";
  }
  const cut = path.search(/[?#]/);
  if (cut >= 0) path = path.slice(0, cut);
  if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  return path;
}

/** The rule for an API path (query and host are ignored), from `rules` (default: {@link apiRules}). */
export function apiRuleFor(path: string, rules: readonly ApiRule[] = apiRules): ApiRule | undefined {
  const key = apiPathOf(path);
  if (rules === apiRules) return rulesByPath.get(key);
  return rules.find((rule) => rule.path === key);
}

/** The outcome of {@link decideApiAccess}: allowed, or WeChat's errcode and the reason. */
export type AccessDecision =
  | { allowed: true }
  | {
      allowed: false;
      errcode: number;
      reason: "permission_set_not_granted" | "account_kind" | "not_verified" | "account_suspended";
    };

/** The facts about the calling account that {@link decideApiAccess} needs. */
export interface ApiCallerAccount {
  kind: AccountKind;
  verified: boolean;
  /** `account_status`; absent means normal. */
  status?: number;
  /** Granted `funcscope_category` ids, or `"all"` for an account calling with its own token. */
  grantedPermissionSets: readonly number[] | "all";
  /** True when the call uses an authorizer_access_token obtained through a platform. */
  viaComponent: boolean;
}

/**
 * Whether `account` may call `path`, and if not, the errcode WeChat answers. Checks run in
 * WeChat's order as far as it shows: account status, then the platform's permission set,
 * then account kind, then verification.
 *
 * - Cancelled (14) or frozen (19) → 50002 "user limited" (WeChat's code for a restricted
 *   account); banned (16) → 48004 "api forbidden for irregularities". Both choices are
 *   uncertain: WeChat does not document which code a suspended account gets. A warned (18)
 *   account still works.
 * - Missing permission set → 61007 through a platform, 48001 for a direct call.
 * - Wrong account kind or missing verification → 48001.
 *
 * A path without a rule, and the platform's own APIs, are allowed: nothing is known to forbid them.
 */
export function decideApiAccess(
  path: string,
  account: ApiCallerAccount,
  rules: readonly ApiRule[] = apiRules,
): AccessDecision {
  const rule = apiRuleFor(path, rules);
  if (!rule || rule.caller === "component") return { allowed: true };

  if (account.status === accountStatus.banned) {
    return { allowed: false, errcode: wechatErrcode.apiForbidden, reason: "account_suspended" };
  }
  if (account.status === accountStatus.cancelled || account.status === accountStatus.frozen) {
    return { allowed: false, errcode: wechatErrcode.userLimited, reason: "account_suspended" };
  }

  if (!holdsAnyPermissionSet(account.grantedPermissionSets, rule.permissionSets)) {
    return {
      allowed: false,
      errcode: account.viaComponent
        ? wechatErrcode.apiUnauthorizedToComponent
        : wechatErrcode.apiUnauthorized,
      reason: "permission_set_not_granted",
    };
  }

  if (!rule.accountKinds.includes(account.kind)) {
    return { allowed: false, errcode: wechatErrcode.apiUnauthorized, reason: "account_kind" };
  }

  if (!meetsVerification(rule.verification, account)) {
    return { allowed: false, errcode: wechatErrcode.apiUnauthorized, reason: "not_verified" };
  }

  return { allowed: true };
}

function holdsAnyPermissionSet(granted: readonly number[] | "all", required: readonly number[]): boolean {
  if (required.length === 0 || granted === "all") return true;
  return required.some((id) => granted.includes(id));
}

function meetsVerification(verification: ApiVerification, account: ApiCallerAccount): boolean {
  switch (verification) {
    case "none":
      return true;
    case "verified":
      return account.verified;
    case "verified-or-service":
      return account.verified || account.kind === "service";
  }
}
