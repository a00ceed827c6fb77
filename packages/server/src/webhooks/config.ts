import { defineSection, type SectionValue, wholeNumber } from "../platform/config-kit.js";

/**
 * Deliveries in flight at once, overall and per webhook: WXGATE_WEBHOOK_CONCURRENCY's defaults.
 * A turn writes the outcomes that came back and claims as many new rows as slots are free, in
 * one transaction, refilling a webhook once half its slots are free: more slots, fewer and
 * larger transactions. At 16 per webhook a busy gateway spent four times as many commits on its
 * deliveries as at 64 (under the soak, 66 % of the no-webhook push rate instead of 68 %).
 */
export const DEFAULT_CONCURRENCY = 128;
export const DEFAULT_CONCURRENCY_PER_WEBHOOK = 64;

/** The webhook deliveries' settings: `config.webhooks`. */
export const webhooksConfig = defineSection(
  "webhooks",
  {
    // Requests out at once, each holding a connection and its delivery in memory: the backlog
    // waits in the store, never in memory. A webhook's deliveries per second are about its
    // share divided by its response time (the event loop's turn included, under load): see
    // DEFAULT_CONCURRENCY for why 64 to one webhook.
    concurrency: {
      key: "webhookConcurrency",
      env: "WEBHOOK_CONCURRENCY",
      schema: wholeNumber(1, 256, DEFAULT_CONCURRENCY),
      help: "webhook deliveries in flight at once, over all webhooks",
    },
    perWebhook: {
      key: "webhookConcurrencyPerWebhook",
      env: "WEBHOOK_CONCURRENCY_PER_WEBHOOK",
      schema: wholeNumber(1, 256, DEFAULT_CONCURRENCY_PER_WEBHOOK),
      help: "webhook deliveries in flight at once to one webhook (at most WXGATE_WEBHOOK_CONCURRENCY)",
    },
  },
  (value, envName) =>
    value.perWebhook > value.concurrency
      ? [
          `${envName("webhookConcurrencyPerWebhook")}: must not exceed ${envName("webhookConcurrency")} (${value.concurrency})`,
        ]
      : [],
);

declare module "../platform/config.js" {
  interface ConfigSections {
    webhooks: SectionValue<typeof webhooksConfig.settings>;
  }
}
