import type { PortableMigration } from "../../platform/store/migrations/portable.js";
import { customerService } from "./0022_customer_service.js";

/** The customer-service module's migrations, in name order (the registry merges every module's). */
export const customerServiceMigrations: readonly PortableMigration[] = [customerService];
