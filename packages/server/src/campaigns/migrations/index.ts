import type { PortableMigration } from "../../platform/store/migrations/portable.js";
import { campaigns } from "./0023_campaigns.js";

/** The campaigns module's migrations, in name order (the registry merges every module's). */
export const campaignsMigrations: readonly PortableMigration[] = [campaigns];
