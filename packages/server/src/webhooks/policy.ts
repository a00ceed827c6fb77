import { type Actor, definePolicy, reaches } from "../platform/policy.js";

/** Webhook subscriptions and their delivery log. */
export const webhooksPolicy = definePolicy("webhooks", {
  "webhooks.read": {
    summary: "See webhooks and their deliveries",
    scopes: ["webhooks:write"],
    switch: "account.view",
  },
  "webhooks.manage": {
    summary: "Create, change and delete webhooks; deliver again",
    scopes: ["webhooks:write"],
    switch: "account.settings",
    // Where an account's pushes are sent: its receiving configuration (seed 002).
    risk: true,
  },
});

/** This module's actions, by name. */
export type WebhookAction = keyof typeof webhooksPolicy.actions;

declare module "../platform/policy.js" {
  interface Actions extends Record<WebhookAction, true> {}
}

/**
 * A webhook is within an actor's reach when every account it names is: a webhook for every
 * account (`*`) only for an actor that reaches every account. An actor sees and manages only
 * the webhooks in its reach, and gives a webhook only accounts in its reach.
 */
export function webhookInReach(actor: Pick<Actor, "reach">, accounts: readonly string[]): boolean {
  return actor.reach.all || accounts.every((appId) => appId !== "*" && reaches(actor, appId));
}
