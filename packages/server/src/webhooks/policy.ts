import { definePolicy } from "../platform/policy.js";

/** Webhook subscriptions and their delivery log. */
export const webhooksPolicy = definePolicy("webhooks", {
  "webhooks.read": { summary: "See webhooks and their deliveries", scopes: ["webhooks:write"] },
  "webhooks.manage": {
    summary: "Create, change and delete webhooks; deliver again",
    scopes: ["webhooks:write"],
  },
});

/** This module's actions, by name. */
export type WebhookAction = keyof typeof webhooksPolicy.actions;

declare module "../platform/policy.js" {
  interface Actions extends Record<WebhookAction, true> {}
}
