import type { PortableMigration } from "../../platform/store/migrations/portable.js";
import { followers } from "./0017_followers.js";

/** The followers module's migrations, in name order (the registry merges every module's). */
export const followersMigrations: readonly PortableMigration[] = [followers];
