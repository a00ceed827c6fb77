import type { Ability, Account } from "../api/accounts.js";
import { isMessageKey, type Translate } from "../i18n/index.js";
import { failedChecks } from "./labels.js";
import { formatTime } from "./time.js";

export type { Ability } from "../api/accounts.js";

/**
 * Why the server says an action is not allowed, in words. The rules themselves are the
 * server's (an account's `abilities`, an administrator's): the console never re-derives them,
 * it translates the reason code — the same word as the refusal's `details.reason` — and, for
 * an account, adds the facts its view carries (until when the cooling-off lasts, which enable
 * checks fail).
 */
export function reasonText(t: Translate, reason: string | undefined, account?: Account): string {
  switch (reason) {
    case undefined:
      return "";
    case "cooling_off":
      if (account) return t("rules.coolingOff", { time: formatTime(account.lifecycle.coolingOffUntil) });
      break;
    case "enable_checks_failed":
      if (account) return t("rules.enableChecks", { checks: failedChecks(t, account).join("；") });
      break;
  }
  const key = `errors.reason.${reason}`;
  return isMessageKey(key) ? t(key) : t("errors.code.forbidden");
}

/** An ability with its reason in words, for a {@link GuardedButton}. */
export interface Explained {
  allowed: boolean;
  reason: string;
}

/** The account's abilities with their reasons in words. */
export function accountAbilities(
  t: Translate,
  account: Account,
): Record<keyof Account["abilities"], Explained> {
  return Object.fromEntries(
    Object.entries(account.abilities).map(([name, ability]: [string, Ability]) => [
      name,
      { allowed: ability.allowed, reason: ability.allowed ? "" : reasonText(t, ability.reason, account) },
    ]),
  ) as Record<keyof Account["abilities"], Explained>;
}
