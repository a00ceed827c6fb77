import type { SectionDictionary, SectionTranslate } from "./index.js";

/**
 * The texts of the validity screen: loaded with that screen only, not in the first load.
 * zh-CN is the reference; the English half is typed against it.
 */
const zhCN = {
  "pages.validity.setExpiry": "调整到期时间",
  "pages.validity.expirySaved": "到期时间已设为 {time}。",
  "pages.validity.expiryHint":
    "本期授权开始于 {start}，最长 {days} 天，最晚 {latest} 到期；到期时间须晚于现在。",
  "pages.validity.by": "设置方式",
  "pages.validity.byDays": "有效天数（从本期开始算）",
  "pages.validity.byDate": "到期时间",
  "pages.validity.days": "有效天数",
  "pages.validity.endsAt": "将于 {time} 到期",
  "pages.validity.tooLong": "授权有效期最长 {days} 天（从本期开始算）。",
  "pages.validity.periodStart": "本期开始",
  "pages.validity.remindFrom": "到期提醒自",
  "pages.validity.renewHint":
    "授权有效期最长 {days} 天。续期即重新授权（管理员扫码确认），将开始新的有效期；也可以在本期内调整到期时间。",
  "pages.validity.renew": "续期（重新授权）",
};

type ValidityKey = keyof typeof zhCN;

const enUS: Record<ValidityKey, string> = {
  "pages.validity.setExpiry": "Change the end",
  "pages.validity.expirySaved": "The authorization now ends {time}.",
  "pages.validity.expiryHint":
    "This authorization period began {start}. It lasts at most {days} days, so it ends {latest} at the latest; the end must be in the future.",
  "pages.validity.by": "Set by",
  "pages.validity.byDays": "Days from the period's start",
  "pages.validity.byDate": "Date and time",
  "pages.validity.days": "Days valid",
  "pages.validity.endsAt": "Ends {time}",
  "pages.validity.tooLong": "An authorization lasts at most {days} days from its period's start.",
  "pages.validity.periodStart": "Period began",
  "pages.validity.remindFrom": "Reminders from",
  "pages.validity.renewHint":
    "An authorization lasts at most {days} days. Renewing means authorizing again (the administrator scans and confirms), which starts a new period; within this period its end can be changed.",
  "pages.validity.renew": "Renew (authorize again)",
};

export const validityDictionary: SectionDictionary<ValidityKey> = { "zh-CN": zhCN, "en-US": enUS };

/** A translator of the validity screen's texts (and the console's). */
export type ValidityTranslate = SectionTranslate<ValidityKey>;
