import { BackgroundJob } from "../platform/background-job.js";
import { errors } from "../platform/errors.js";
import { newId } from "../platform/ids.js";
import type { Logger } from "../platform/logger.js";
import { type Actor, reachedAppIds, requireReach } from "../platform/policy.js";
import type { Clock } from "../platform/ports.js";
import type { LifecyclePolicy } from "./lifecycle.js";
import type { AccountRepository } from "./repository.js";
import type { AuthorizationNoticeKind } from "./tables.js";
import { toAuthorizationNoticeView } from "./views.js";

/** Notices one sweep recorded. */
export interface SweepReport {
  expiring: number;
  lapsed: number;
}

/**
 * Records, once per account and authorization period, the reminder that an authorization ends
 * within 30 days (`authorization_expiring`) and the record that it ended (`authorization_lapsed`).
 * Refusals never wait for it (they are computed from the clock on each use); the notices are
 * what operators and other systems read. Running it twice, or in two processes at once, records
 * each notice once: the table's unique index decides.
 */
export class LifecycleSweep extends BackgroundJob<SweepReport> {
  constructor(
    private readonly deps: {
      repository: AccountRepository;
      clock: Clock;
      policy: LifecyclePolicy;
      logger: Logger;
    },
  ) {
    super("the authorization lifecycle sweep", deps.logger);
  }

  protected work(): Promise<SweepReport> {
    return this.#sweep();
  }

  async #sweep(): Promise<SweepReport> {
    const { repository, clock, policy, logger } = this.deps;
    const now = clock.now();
    const report: SweepReport = { expiring: 0, lapsed: 0 };
    for (const row of await repository.listAuthorizationsEndingBefore(now + policy.reminderMs)) {
      const expiresAt = row.authorization_expires_at;
      if (expiresAt === null || row.authorized_at === null) continue;
      // A reminder that would come after the end is no reminder: only the lapse is recorded then.
      const kind: AuthorizationNoticeKind =
        now >= expiresAt ? "authorization_lapsed" : "authorization_expiring";
      const recorded = await repository.recordNotice({
        id: newId(now),
        appid: row.appid,
        kind,
        period_started_at: row.authorized_at,
        expires_at: expiresAt,
        recorded_at: now,
      });
      if (!recorded) continue;
      if (kind === "authorization_lapsed") {
        report.lapsed++;
        logger.warn(
          { appId: row.appid, expiresAt },
          "authorization lapsed: no tokens until the account is authorized again",
        );
      } else {
        report.expiring++;
        logger.warn({ appId: row.appid, expiresAt }, "authorization ends within 30 days: authorize it again");
      }
    }
    return report;
  }

  /**
   * Notices, newest first, of the accounts in the actor's reach; of one account when `appId`
   * is given.
   */
  async notices(
    actor: Pick<Actor, "reach">,
    filter: { appId?: string | undefined; before?: string | undefined; limit: number },
  ) {
    if (filter.appId !== undefined) {
      requireReach(actor, "accounts.read", filter.appId);
      if (!(await this.deps.repository.find(filter.appId))) throw errors.notFound(`account ${filter.appId}`);
    }
    const rows = await this.deps.repository.listNotices({ ...filter, appIds: reachedAppIds(actor) });
    return {
      items: rows.map(toAuthorizationNoticeView),
      nextBefore: rows.length === filter.limit ? (rows.at(-1)?.id ?? null) : null,
    };
  }
}
