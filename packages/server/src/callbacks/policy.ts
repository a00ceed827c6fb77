import { definePolicy } from "../platform/policy.js";

/** The recorded WeChat pushes (events) the gateway keeps. */
export const eventsPolicy = definePolicy("events", {
  "events.read": { summary: "Read recorded events", scopes: ["events:read"], switch: "account.view" },
});

/** This module's actions, by name. */
export type EventAction = keyof typeof eventsPolicy.actions;

declare module "../platform/policy.js" {
  interface Actions extends Record<EventAction, true> {}
}
