import type { PortableMigration } from "../../platform/store/migrations/portable.js";
import { foundation } from "./0001_foundation.js";
import { accounts } from "./0002_accounts.js";
import { lifecycle } from "./0005_lifecycle.js";
import { platformPushes } from "./0006_platform_pushes.js";
import { apiCallPages } from "./0010_api_call_pages.js";

/** The accounts module's migrations, in name order (the registry merges every module's). */
export const accountsMigrations: readonly PortableMigration[] = [
  foundation,
  accounts,
  lifecycle,
  platformPushes,
  apiCallPages,
];
