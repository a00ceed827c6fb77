import type { PortableMigration } from "../../platform/store/migrations/portable.js";
import { team } from "./0013_team.js";

/** The team module's migrations, in name order (the registry merges every module's). */
export const teamMigrations: readonly PortableMigration[] = [team];
