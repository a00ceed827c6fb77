import type { PortableMigration } from "../../platform/store/migrations/portable.js";
import { foundation } from "./0001_foundation.js";
import { team } from "./0013_team.js";
import { loginProtection } from "./0014_login_protection.js";
import { secondFactor } from "./0016_second_factor.js";

/** The auth module's migrations, in name order (the registry merges every module's). */
export const authMigrations: readonly PortableMigration[] = [foundation, team, loginProtection, secondFactor];
