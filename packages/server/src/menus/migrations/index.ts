import type { PortableMigration } from "../../platform/store/migrations/portable.js";
import { menus } from "./0019_menus.js";

/** The menus module's migrations, in name order (the registry merges every module's). */
export const menusMigrations: readonly PortableMigration[] = [menus];
