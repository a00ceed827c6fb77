import type { PortableMigration } from "../../platform/store/migrations/portable.js";
import { materials } from "./0021_materials.js";

/** The materials module's migrations, in name order (the registry merges every module's). */
export const materialsMigrations: readonly PortableMigration[] = [materials];
