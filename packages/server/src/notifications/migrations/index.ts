import type { PortableMigration } from "../../platform/store/migrations/portable.js";
import { notifications } from "./0015_risk.js";

/** The notifications module's migrations, in name order (the registry merges every module's). */
export const notificationsMigrations: readonly PortableMigration[] = [notifications];
