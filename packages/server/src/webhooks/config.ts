import { defineSection, type SectionValue, wholeNumber } from "../platform/config-kit.js";

/** The webhook deliveries' settings: `config.webhooks`. */
export const webhooksConfig = defineSection(
  "webhooks",
  {
    // Requests out at once, each holding a connection and its delivery in memory: the backlog
    // waits in the store, never in memory. A webhook's deliveries per second are about its
    // share divided by its response time (the event loop's turn included, under load): 16 keep
    // up with a busy gateway on one core.
    concurrency: {
      key: "webhookConcurrency",
      env: "WEBHOOK_CONCURRENCY",
      schema: wholeNumber(1, 256, 64),
      help: "webhook deliveries in flight at once, over all webhooks",
    },
    perWebhook: {
      key: "webhookConcurrencyPerWebhook",
      env: "WEBHOOK_CONCURRENCY_PER_WEBHOOK",
      schema: wholeNumber(1, 256, 16),
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
