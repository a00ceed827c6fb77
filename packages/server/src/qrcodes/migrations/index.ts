import type { PortableMigration } from "../../platform/store/migrations/portable.js";
import { qrcodes } from "./0020_qrcodes.js";

/** The qrcodes module's migrations, in name order (the registry merges every module's). */
export const qrcodesMigrations: readonly PortableMigration[] = [qrcodes];
