import { Tag, Tooltip } from "antd";
import type { Account } from "../../../api/accounts.js";
import { useI18n } from "../../../i18n/index.js";
import { accountState, enumLabel } from "../../../lib/labels.js";
import { formatDate, formatTime } from "../../../lib/time.js";

// Tag tones of our own (styles.css): antd's preset colours fall under 4.5:1 contrast.
const stateColor = { enabled: "wx-tag-green", disabled: "wx-tag-grey", unauthorized: "wx-tag-red" } as const;
const lifecycleColor = {
  active: "wx-tag-green",
  expiring: "wx-tag-orange",
  lapsed: "wx-tag-red",
  cooling_off: "wx-tag-purple",
  unauthorized: "wx-tag-grey",
} as const;

export function StateTag({ account }: { account: Account }) {
  const { t } = useI18n();
  const state = accountState(account);
  return <Tag className={stateColor[state]}>{enumLabel(t, "fields.account.state", state)}</Tag>;
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
        <Tag className={lifecycleColor[state]}>{enumLabel(t, "fields.account.lifecycle", state)}</Tag>
        <span style={{ fontSize: 12 }}>
          {at === null ? t("fields.account.lifecycle.noExpiry") : formatDate(at)}
        </span>
      </span>
    </Tooltip>
  );
}
