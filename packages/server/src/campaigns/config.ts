import { defineSection, type SectionValue, wholeNumber } from "../platform/config-kit.js";

/** The campaigns' delivery settings: `config.campaigns`. */
export const campaignsConfig = defineSection("campaigns", {
  batch: {
    key: "campaignBatch",
    env: "CAMPAIGN_BATCH",
    schema: wholeNumber(1, 2000, 200),
    help: "recipient rows a send job claims at once",
  },
  inFlight: {
    key: "campaignInFlight",
    env: "CAMPAIGN_IN_FLIGHT",
    schema: wholeNumber(1, 256, 16),
    help: "campaign sends in flight at once per job",
  },
  claimSeconds: {
    key: "campaignClaimSeconds",
    env: "CAMPAIGN_CLAIM_SECONDS",
    schema: wholeNumber(1, 3600, 60),
    help: "how long a claimed recipient row stays reserved beyond its batch's expected time",
  },
  massBatch: {
    key: "campaignMassBatch",
    env: "CAMPAIGN_MASS_BATCH",
    // Three at least: batches of two could not carry an odd audience without a call to one.
    schema: wholeNumber(3, 10_000, 10_000),
    help: "OpenIDs per message/mass/send call of a mass campaign to a list or the 48-hour audience",
  },
  receiptWaitSeconds: {
    key: "campaignReceiptWaitSeconds",
    env: "CAMPAIGN_RECEIPT_WAIT_SECONDS",
    schema: wholeNumber(1, 86_400, 600),
    help: "how long a template row whose answer was lost waits for its receipt before it is sent again",
  },
});

declare module "../platform/config.js" {
  interface ConfigSections {
    campaigns: SectionValue<typeof campaignsConfig.settings>;
  }
}
