import { errors, PlatformError } from "../platform/errors.js";
import { coolingOffEnd } from "./lifecycle.js";
import { deleteRefusal, rowFactsAt } from "./policy.js";
import type { AccountDeps, AccountReader } from "./reading.js";

/** Rows deleted per table when an account was deleted. */
export type PurgeReport = Record<string, number>;

/** Deleting an account (删除) and, through the bus, every module's rows of it. */
export class AccountDeletion {
  constructor(
    private readonly deps: AccountDeps,
    private readonly reader: AccountReader,
  ) {}

  /**
   * 删除: only once WeChat no longer authorizes the platform (or for direct and external
   * connections), after the operator typed the account's name. Every row of the account goes,
   * in every module (through the purge hooks).
   */
  async delete(appId: string, confirm: string): Promise<PurgeReport> {
    const row = await this.reader.require(appId);
    const refused = deleteRefusal(rowFactsAt(row, this.deps.clock.now(), this.deps.policy));
    if (refused === "still_authorized") {
      throw errors.conflict(
        `${appId} still authorizes the platform; withdraw the authorization on WeChat's side first`,
        { reason: "still_authorized" },
      );
    }
    const until = coolingOffEnd(row, this.deps.policy);
    if (refused === "cooling_off" && until !== undefined) {
      // Its own code, as the README promises: a client tells a frozen account from other conflicts.
      throw new PlatformError(
        "cooling_off",
        `${appId} withdrew its authorization ${new Date(row.unauthorized_at ?? 0).toISOString()}; it stays frozen in its cooling-off until ${new Date(until).toISOString()}`,
        { reason: "cooling_off", until },
      );
    }
    if (confirm !== row.nickname) {
      throw errors.validation("the confirmation does not match the account's name", {
        reason: "confirmation_mismatch",
      });
    }
    const { wechat, bus, repository, tokens } = this.deps;
    return this.deps.lock.runExclusive(`account:${appId}`, async () => {
      tokens.forget(appId);
      await wechat.flushCallLog();
      // The account's own rows first: from then on the gateway refuses pushes for it, so the
      // other modules' purge (events, deliveries) is not raced by a late push.
      const report = await repository.purge(appId);
      for (const answer of await bus.request("accounts.purge", appId)) Object.assign(report, answer ?? {});
      report.tokens = await tokens.dropTokens(appId);
      this.deps.logger.info({ appId, report }, "account deleted");
      return report;
    });
  }
}
