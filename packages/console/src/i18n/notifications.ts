import type { SectionDictionary, SectionTranslate } from "./index.js";

/**
 * The texts of the notifications screen: loaded with that screen only, not in the first load.
 * zh-CN is the reference; the English half is typed against it.
 */
const zhCN = {
  "pages.notifications.unreadOnly": "只看未读",
  "pages.notifications.unread": "{count} 条未读",
  "pages.notifications.markAll": "全部标为已读",
  "pages.notifications.markRead": "标为已读",
  "pages.notifications.new": "未读",
  "pages.notifications.empty": "没有通知。",
  "pages.notifications.more": "更早的通知",
};

type NotificationsKey = keyof typeof zhCN;

const enUS: Record<NotificationsKey, string> = {
  "pages.notifications.unreadOnly": "Unread only",
  "pages.notifications.unread": "{count} unread",
  "pages.notifications.markAll": "Mark all read",
  "pages.notifications.markRead": "Mark read",
  "pages.notifications.new": "New",
  "pages.notifications.empty": "No notifications.",
  "pages.notifications.more": "Older notifications",
};

export const notificationsDictionary: SectionDictionary<NotificationsKey> = { "zh-CN": zhCN, "en-US": enUS };

/** A translator of the notifications screen's texts (and the console's). */
export type NotificationsTranslate = SectionTranslate<NotificationsKey>;
