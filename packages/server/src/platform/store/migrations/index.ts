import { foundation } from "./0001_foundation.js";
import { accounts } from "./0002_accounts.js";
import { callbacks } from "./0004_callbacks.js";
import { lifecycle } from "./0005_lifecycle.js";
import { platformPushes } from "./0006_platform_pushes.js";
import { eventPages } from "./0007_event_pages.js";
import { jobClaims } from "./0008_job_claims.js";
import { deliveryQueue } from "./0009_delivery_queue.js";
import { apiCallPages } from "./0010_api_call_pages.js";
import { accountColumn } from "./0011_account_column.js";
import { audit } from "./0012_audit.js";
import type { PortableMigration } from "./portable.js";

export type { PortableMigration } from "./portable.js";

/**
 * Every migration, in order. A domain module appends its own file here
 * (`0002_accounts.ts`, …); released migrations are never edited.
 */
export const migrations: readonly PortableMigration[] = [
  foundation,
  accounts,
  callbacks,
  lifecycle,
  platformPushes,
  eventPages,
  jobClaims,
  deliveryQueue,
  apiCallPages,
  accountColumn,
  audit,
];
