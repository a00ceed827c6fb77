import type { PortableMigration } from "../../platform/store/migrations/portable.js";
import { accounts } from "./0002_accounts.js";

/** The tokens module's migrations, in name order (the registry merges every module's). */
export const tokensMigrations: readonly PortableMigration[] = [accounts];
