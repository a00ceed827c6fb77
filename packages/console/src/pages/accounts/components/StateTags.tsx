import { Tag, Tooltip } from "antd";
import type { Account } from "../../../api/accounts.js";
import { useI18n } from "../../../i18n/index.js";
import { accountState, enumLabel } from "../../../lib/labels.js";
import { formatDate, formatTime } from "../../../lib/time.js";

const stateColor = { enabled: "success", disabled: "default", unauthorized: "error" } as const;
const lifecycleColor = {
  active: "green",
  expiring: "orange",
  lapsed: "red",
  cooling_off: "purple",
  unauthorized: "default",
} as const;

export function StateTag({ account }: { account: Account }) {
  const { t } = useI18n();
  const state = accountState(account);
  return <Tag color={stateColor[state]}>{enumLabel(t, "fields.account.state", state)}</Tag>;
}

/** The validity badge: the lifecycle state and its date (the full time in the tooltip). */
export function ValidityBadge({ account }: { account: Account }) {
  const { t } = useI18n();
  const { state, expiresAt, coolingOffUntil } = account.lifecycle;
  const at = state === "cooling_off" ? coolingOffUntil : expiresAt;
  const detail =
    state === "cooling_off"
      ? t("fields.account.lifecycle.coolingOffUntil", { time: formatTime(coolingOffUntil) })
      : expiresAt === null
        ? t("fields.account.lifecycle.noExpiry")
        : t("fields.account.lifecycle.until", { time: formatTime(expiresAt) });
  return (
    <Tooltip title={detail}>
      <span style={{ whiteSpace: "nowrap" }} data-testid="validity">
        <Tag color={lifecycleColor[state]}>{enumLabel(t, "fields.account.lifecycle", state)}</Tag>
        <span style={{ fontSize: 12 }}>
          {at === null ? t("fields.account.lifecycle.noExpiry") : formatDate(at)}
        </span>
      </span>
    </Tooltip>
  );
}
