import type { PortableMigration } from "../../platform/store/migrations/portable.js";
import { audit } from "./0012_audit.js";
import { auditRisk } from "./0015_risk.js";

/** The audit module's migrations, in name order (the registry merges every module's). */
export const auditMigrations: readonly PortableMigration[] = [audit, auditRisk];
