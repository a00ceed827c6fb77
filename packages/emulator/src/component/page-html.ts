import { permissionSets } from "@wxgate/wechat";
import type { Account, Platform } from "../world/types.js";
import { type AuthType, familyOf } from "./authorize.js";

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

const STYLE = `
body{font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f2f2f2;margin:0;color:#222}
main{max-width:640px;margin:24px auto;background:#fff;border-radius:6px;padding:24px}
h1{font-size:20px;margin:0 0 8px}p.note{color:#888;font-size:13px}
fieldset{border:1px solid #e5e5e5;border-radius:4px;margin:16px 0;padding:12px}
legend{font-weight:600;padding:0 6px}
label{display:block;padding:4px 0}
button{background:#07c160;color:#fff;border:0;border-radius:4px;padding:10px 28px;font-size:16px}
.error{color:#fa5151}.code{font-family:monospace;color:#888}
`;

function page(title: string, body: string, mobile: boolean): string {
  const viewport = mobile ? '<meta name="viewport" content="width=device-width,initial-scale=1">' : "";
  return (
    `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">${viewport}` +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`
  );
}

const KIND_LABEL: Record<Account["kind"], string> = {
  subscription: "订阅号",
  service: "服务号",
  miniprogram: "小程序",
};

/** What the confirmation form carries back besides the administrator's choices. */
export interface AuthPageParams {
  componentAppId: string;
  preAuthCode: string;
  redirectUri: string;
  authType: AuthType;
  bizAppId?: string | undefined;
}

function hidden(name: string, value: string): string {
  return `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
}

function scopeFieldset(family: "official" | "miniprogram", legend: string): string {
  const boxes = permissionSets
    .filter((set) => set.appliesTo === family)
    .map(
      (set) =>
        `<label><input type="checkbox" name="func_scope" value="${set.id}" checked> ${escapeHtml(set.name)}` +
        ` <span class="code">(${set.id})</span></label>`,
    )
    .join("");
  return `<fieldset><legend>${legend}</legend>${boxes}</fieldset>`;
}

/**
 * The authorization page: pick one account, tick permission sets (all ticked by default),
 * confirm. A plain form (POST to `action`), so it can be driven without a browser.
 */
export function authorizationPage(
  platform: Platform,
  accounts: Account[],
  params: AuthPageParams,
  action: string,
  mobile: boolean,
): string {
  const radios = accounts
    .map(
      (account, i) =>
        `<label><input type="radio" name="authorizer_appid" value="${escapeHtml(account.appId)}"${i === 0 ? " checked" : ""}>` +
        ` ${escapeHtml(account.nickname)} · ${KIND_LABEL[account.kind]} <span class="code">${escapeHtml(account.appId)}</span></label>`,
    )
    .join("");
  const families = new Set(accounts.map(familyOf));
  const scopes =
    (families.has("official") ? scopeFieldset("official", "公众号授权权限集") : "") +
    (families.has("miniprogram") ? scopeFieldset("miniprogram", "小程序授权权限集") : "");
  const body =
    `<h1>授权给「${escapeHtml(platform.name)}」</h1>` +
    `<p class="note">请选择要授权的帐号，并勾选授权给该第三方平台的权限集。只有适用于所选帐号的权限集会生效。</p>` +
    `<form method="post" action="${escapeHtml(action)}">` +
    hidden("component_appid", params.componentAppId) +
    hidden("pre_auth_code", params.preAuthCode) +
    hidden("redirect_uri", params.redirectUri) +
    hidden("auth_type", String(params.authType)) +
    (params.bizAppId ? hidden("biz_appid", params.bizAppId) : "") +
    `<fieldset><legend>选择帐号</legend>${radios}</fieldset>${scopes}` +
    `<button type="submit">授权</button></form>`;
  return page("授权 - 微信公众平台", body, mobile);
}

/** The error page WeChat shows for a broken authorization link. */
export function errorPage(
  message: string,
  error: { errcode: number; errmsg: string } | undefined,
  mobile: boolean,
): string {
  const detail = error
    ? `<p class="code" id="errcode" data-errcode="${error.errcode}">errcode: ${error.errcode}, errmsg: ${escapeHtml(error.errmsg)}</p>`
    : "";
  return page("授权失败 - 微信公众平台", `<h1 class="error">${escapeHtml(message)}</h1>${detail}`, mobile);
}
