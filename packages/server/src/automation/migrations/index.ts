import type { PortableMigration } from "../../platform/store/migrations/portable.js";
import { automation } from "./0018_automation.js";

/** The automation module's migrations, in name order (the registry merges every module's). */
export const automationMigrations: readonly PortableMigration[] = [automation];
