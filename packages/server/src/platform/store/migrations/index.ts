import type { Kysely } from "kysely";
import { foundation } from "./0001_foundation.js";
import { accounts } from "./0002_accounts.js";
import { callbacks } from "./0004_callbacks.js";
import { lifecycle } from "./0005_lifecycle.js";
import { platformPushes } from "./0006_platform_pushes.js";
import { eventPages } from "./0007_event_pages.js";
import { jobClaims } from "./0008_job_claims.js";
import { deliveryQueue } from "./0009_delivery_queue.js";
import { apiCallPages } from "./0010_api_call_pages.js";

/**
 * A migration written once for both engines: only the portable types (text, integer,
 * bigint), no engine-specific SQL. Names sort in the order they must run.
 */
export interface PortableMigration {
  /** `NNNN_what`, e.g. `0002_accounts`. Never renamed once released. */
  name: string;
  up(db: Kysely<unknown>): Promise<void>;
  down?(db: Kysely<unknown>): Promise<void>;
}

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
];
