import type { ConfirmationPolicy } from "../http/observer.js";
import type { Actor } from "../platform/policy.js";
import type { Clock } from "../platform/ports.js";
import type { RiskRepository } from "./repository.js";

/** An account's risk switches as the API shows them. */
export interface RiskSettingsView {
  appid: string;
  /** Risk operations on the account need a fresh confirmation. */
  protection: boolean;
  /** Each risk operation notifies the account's administrators and webhooks (`risk_operation`). */
  alerts: boolean;
  updatedAt: number | null;
  updatedBy: string | null;
}

/**
 * Each account's risk switches, set by its super admin (or an administrator): both on unless
 * turned off. Changing them is itself a risk operation (`risk.settings.manage`): turning the
 * protection off needs the confirmation it then stops asking for. The HTTP edge asks
 * {@link requiredOn} before refusing a risk operation without a fresh confirmation.
 */
export class RiskSettings implements ConfirmationPolicy {
  constructor(private readonly options: { repository: RiskRepository; clock: Clock }) {}

  async get(appId: string): Promise<RiskSettingsView> {
    const row = await this.options.repository.findSettings(appId);
    return {
      appid: appId,
      protection: row ? row.protection === 1 : true,
      alerts: row ? row.alerts === 1 : true,
      updatedAt: row ? Number(row.updated_at) : null,
      updatedBy: row?.updated_by ?? null,
    };
  }

  async set(
    actor: Actor,
    appId: string,
    change: { protection?: boolean | undefined; alerts?: boolean | undefined },
  ): Promise<RiskSettingsView> {
    const current = await this.get(appId);
    await this.options.repository.saveSettings({
      appid: appId,
      protection: (change.protection ?? current.protection) ? 1 : 0,
      alerts: (change.alerts ?? current.alerts) ? 1 : 0,
      updated_at: this.options.clock.now(),
      updated_by: actor.userId,
    });
    return this.get(appId);
  }

  /** ConfirmationPolicy: read afresh each time, so every process sees a change at once. */
  async requiredOn(appid: string): Promise<boolean> {
    return (await this.get(appid)).protection;
  }

  async alertsOn(appid: string): Promise<boolean> {
    return (await this.get(appid)).alerts;
  }
}
