import type { PortableMigration } from "../../platform/store/migrations/portable.js";
import { callbacks } from "./0004_callbacks.js";
import { eventPages } from "./0007_event_pages.js";
import { accountColumn } from "./0011_account_column.js";

/** The callbacks module's migrations, in name order (the registry merges every module's). */
export const callbacksMigrations: readonly PortableMigration[] = [callbacks, eventPages, accountColumn];
