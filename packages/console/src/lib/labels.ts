import type { Account } from "../api/accounts.js";
import type { Translate } from "../i18n/index.js";

/** An enum value's label, or the value itself when the dictionary (or the screen's section) has none. */
export function enumLabel(t: Translate, prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  return t.has(key) ? t(key) : value;
}

export type AccountState = "enabled" | "disabled" | "unauthorized";

export function accountState(account: Account): AccountState {
  if (account.authorizationState === "unauthorized") return "unauthorized";
  return account.enabled ? "enabled" : "disabled";
}

/** The failing enable checks, each named. */
export function failedChecks(t: Translate, account: Account): string[] {
  const failed: string[] = [];
  if (!account.enableChecks.verified) failed.push(t("fields.account.check.verified"));
  if (!account.enableChecks.permissionSets)
    failed.push(
      t("fields.account.check.permissionSets", {
        sets: account.permissionSets.missing.map((s) => s.name).join("、") || t("common.none"),
      }),
    );
  if (!account.enableChecks.openIdMapping) failed.push(t("fields.account.check.openIdMapping"));
  return failed;
}
