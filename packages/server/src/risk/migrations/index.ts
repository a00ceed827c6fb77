import type { PortableMigration } from "../../platform/store/migrations/portable.js";
import { risk } from "./0015_risk.js";

/** The risk module's migrations, in name order (the registry merges every module's). */
export const riskMigrations: readonly PortableMigration[] = [risk];
