import { definePolicy } from "../platform/policy.js";

/** The recorded WeChat pushes (events) the gateway keeps. */
export const eventsPolicy = definePolicy("events", {
  "events.read": { summary: "Read recorded events", scopes: ["events:read"] },
});
