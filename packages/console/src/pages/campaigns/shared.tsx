import { Tag } from "antd";
import type { CampaignStatus, Progress } from "../../api/campaigns.js";
import { ApiError } from "../../api/client.js";
import { detailVars, errorMessage } from "../../api/errors.js";
import { type CampaignsKey, type CampaignsTranslate, campaignText } from "../../i18n/campaigns.js";

/** A refusal in the campaigns' words when it is one of their codes, else the console's. */
export function campaignError(t: CampaignsTranslate, error: unknown): string {
  if (error instanceof ApiError) {
    const vars = detailVars(error.details);
    // The state named in words, not as the API's value.
    if (typeof vars.status === "string" && t.has(`camp.status.${vars.status}`))
      vars.status = t(`camp.status.${vars.status}` as CampaignsKey);
    // A refused list or audience says why in its own words (`details.reason`).
    const why =
      error.code === "list_invalid"
        ? campaignText(t, "campr.listError.", error.reason, vars)
        : error.code === "audience_invalid"
          ? campaignText(t, "campr.audienceError.", error.reason, vars)
          : undefined;
    if (why) return why;
    const own = campaignText(t, "campr.error.", error.code, vars);
    if (own) return own;
  }
  return errorMessage(t, error);
}

// Tag tones of the console's own (styles.css): antd's preset colours fall under 4.5:1 contrast.
const STATUS_TONES: Record<CampaignStatus, string> = {
  draft: "wx-tag-grey",
  awaiting_approval: "wx-tag-orange",
  scheduled: "wx-tag-purple",
  sending: "wx-tag-blue",
  paused: "wx-tag-orange",
  completed: "wx-tag-green",
  cancelled: "wx-tag-grey",
};

export function StatusTag({ t, status }: { t: CampaignsTranslate; status: CampaignStatus }) {
  return <Tag className={STATUS_TONES[status]}>{t(`camp.status.${status}`)}</Tag>;
}

/** Share of the recipients done with (sent, failed or skipped), 0–100. */
export function percentDone(progress: Progress): number {
  if (progress.total === 0) return 0;
  const { sent, failed, skipped } = progress.byStatus;
  return Math.floor(((sent + failed + skipped) / progress.total) * 100);
}

/** A duration in words: `42 秒`, `3 分 5 秒`, `2 小时 10 分`. */
export function durationText(t: CampaignsTranslate, seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return t("camp.seconds", { s });
  if (s < 3600) return t("camp.minutes", { m: Math.floor(s / 60), s: s % 60 });
  return t("camp.hours", { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
}

/** An API time (ISO text) as the console's time stamps take it (ms), null kept. */
export function msOf(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}
