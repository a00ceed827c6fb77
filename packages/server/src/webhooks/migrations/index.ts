import type { PortableMigration } from "../../platform/store/migrations/portable.js";
import { callbacks } from "./0004_callbacks.js";
import { deliveryQueue } from "./0009_delivery_queue.js";
import { accountColumn } from "./0011_account_column.js";
import { notices } from "./0015_risk.js";

/** The webhooks module's migrations, in name order (the registry merges every module's). */
export const webhooksMigrations: readonly PortableMigration[] = [
  callbacks,
  deliveryQueue,
  accountColumn,
  notices,
];
