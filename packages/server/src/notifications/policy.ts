import { definePolicy } from "../platform/policy.js";

/** A console user's own notifications: theirs only, in the console only. */
export const notificationsPolicy = definePolicy("notifications", {
  "notifications.read": {
    summary: "See one's own notifications and how many are unread",
    scopes: [],
    sessionOnly: true,
  },
  "notifications.mark": {
    summary: "Mark one's own notifications read",
    scopes: [],
    sessionOnly: true,
  },
});

/** This module's actions, by name. */
export type NotificationsAction = keyof typeof notificationsPolicy.actions;

declare module "../platform/policy.js" {
  interface Actions extends Record<NotificationsAction, true> {}
}
