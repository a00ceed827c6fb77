import type { Account } from "../api/accounts.js";
import type { MessageKey } from "../i18n/index.js";
import { formatTime } from "./time.js";

/**
 * What the console may offer on an account, and why not. Computed here, in one place, from the
 * fields the API returns today (lifecycle, cooling-off, connection, quota); when account
 * responses carry `abilities` ({ allowed, reason } per action) this module reads those instead.
 */
export type AccountAction = "enable" | "disable" | "openId" | "update" | "quota" | "delete";

export interface Ability {
  allowed: boolean;
  /** Why not, as a message key and its values. */
  reason?: { key: MessageKey; vars?: Record<string, string | number> };
}

const yes: Ability = { allowed: true };
const no = (key: MessageKey, vars?: Record<string, string | number>): Ability => ({
  allowed: false,
  reason: vars ? { key, vars } : { key },
});

/** Extra state some rules need (the month's quota resets, the month's authorization requests). */
export interface AbilityContext {
  quotaResets?: { used: number; limit: number } | undefined;
  usage?: { remaining: number } | undefined;
}

export function accountAbilities(
  account: Account,
  context: AbilityContext = {},
): Record<AccountAction, Ability> {
  const { state, coolingOffUntil } = account.lifecycle;
  const coolingOff =
    state === "cooling_off" ? no("rules.coolingOff", { time: formatTime(coolingOffUntil) }) : undefined;
  const withdrawn = state === "unauthorized" ? no("rules.unauthorized") : undefined;
  const lapsed = state === "lapsed" ? no("rules.lapsed") : undefined;
  const platform = account.connection === "component";

  const enable = coolingOff ?? withdrawn ?? lapsed ?? (account.enabled ? no("rules.alreadyEnabled") : yes);
  const disable = account.enabled ? yes : no("rules.notEnabled");
  const openId = coolingOff ?? withdrawn ?? yes;
  const update = !platform
    ? no("rules.notComponent")
    : context.usage && context.usage.remaining <= 0
      ? no("rules.usageExhausted")
      : yes;
  const quota =
    account.kind === "miniprogram"
      ? no("rules.notService")
      : (coolingOff ??
        withdrawn ??
        (context.quotaResets && context.quotaResets.used >= context.quotaResets.limit
          ? no("rules.quotaUsed", { limit: context.quotaResets.limit })
          : yes));
  const remove =
    coolingOff ??
    (platform && account.authorizationState === "authorized" ? no("rules.stillAuthorized") : yes);
  return { enable, disable, openId, update, quota, delete: remove };
}
