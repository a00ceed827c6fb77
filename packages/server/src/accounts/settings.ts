import { defaultMinimumPermissionSets } from "@wxgate/wechat";
import type { Kysely } from "kysely";
import type { Clock } from "../platform/ports.js";
import type { Database } from "../platform/store/schema.js";

/** The permission sets an account must grant before it can be enabled, by account family. */
export interface MinimumPermissionSets {
  official: number[];
  miniprogram: number[];
}

const KEY = "accounts.minimum_permission_sets";

/** The accounts module's settings, kept in the `settings` table (defaults from the SDK's rules). */
export class AccountSettings {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async minimumPermissionSets(): Promise<MinimumPermissionSets> {
    const row = await this.db
      .selectFrom("settings")
      .select("value")
      .where("key", "=", KEY)
      .executeTakeFirst();
    const fallback = {
      official: [...defaultMinimumPermissionSets.official],
      miniprogram: [...defaultMinimumPermissionSets.miniprogram],
    };
    if (!row) return fallback;
    try {
      const value = JSON.parse(row.value) as Partial<MinimumPermissionSets>;
      return {
        official: Array.isArray(value.official) ? value.official : fallback.official,
        miniprogram: Array.isArray(value.miniprogram) ? value.miniprogram : fallback.miniprogram,
      };
    } catch {
      return fallback;
    }
  }

  async setMinimumPermissionSets(value: MinimumPermissionSets): Promise<MinimumPermissionSets> {
    const normalized = {
      official: [...new Set(value.official)].sort((a, b) => a - b),
      miniprogram: [...new Set(value.miniprogram)].sort((a, b) => a - b),
    };
    const text = JSON.stringify(normalized);
    const now = this.clock.now();
    await this.db
      .insertInto("settings")
      .values({ key: KEY, value: text, updated_at: now })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value: text, updated_at: now }))
      .execute();
    return normalized;
  }
}
