import type { PortableMigration } from "../../platform/store/migrations/portable.js";
import { campaigns } from "./0023_campaigns.js";
import { campaignMassBatches } from "./0024_campaign_mass_batches.js";
import { campaignCounts } from "./0025_campaign_counts.js";
import { campaignConsents } from "./0026_campaign_consents.js";

/** The campaigns module's migrations, in name order (the registry merges every module's). */
export const campaignsMigrations: readonly PortableMigration[] = [
  campaigns,
  campaignMassBatches,
  campaignCounts,
  campaignConsents,
];
