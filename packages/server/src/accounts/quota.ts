import { type ApiQuotaResult, createQuotaApi, sendingLimits, WeChatApiError } from "@wxgate/wechat";
import { PlatformError } from "../platform/errors.js";
import { type Actor, actorLabel } from "../platform/policy.js";
import { beijingMonth } from "./month.js";
import { quotaResetRefusal } from "./policy.js";
import type { AccountDeps, AccountReader } from "./reading.js";
import type { ApiCallFilter } from "./repository.js";

/** An account's API quotas: resets (清零) within WeChat's monthly limit, their history, a quota, the call log. */
export class AccountQuota {
  constructor(
    private readonly deps: AccountDeps,
    private readonly reader: AccountReader,
  ) {}

  /**
   * 重置限额 (clear_quota). WeChat allows 10 a month; the 11th is refused here, before WeChat
   * is asked, so the count is never wasted on a call that must fail.
   */
  async resetQuota(actor: Actor, appId: string) {
    const row = await this.reader.require(appId);
    const { repository, clock, tokens } = this.deps;
    return this.deps.lock.runExclusive(`quota-reset:${appId}`, async () => {
      const now = clock.now();
      const month = beijingMonth(now);
      const limit = sendingLimits.clearQuotaPerMonth;
      const used = await repository.countQuotaResets(appId, month);
      const by = actorLabel(actor);
      if (quotaResetRefusal({ quotaResetsUsed: used, quotaResetsLimit: limit })) {
        await repository.recordQuotaReset({
          appid: appId,
          month,
          at: now,
          by,
          result: "refused",
          errcode: null,
          rid: null,
        });
        throw new PlatformError(
          "too_many_requests",
          `${row.nickname} has used its ${limit} quota resets of ${month}; the next one is possible next month`,
          { reason: "quota_reset_limit", used, limit, month },
        );
      }
      try {
        const client = await tokens.clientFor(appId, { allowDisabled: true });
        await createQuotaApi(client).clear(appId);
      } catch (error) {
        if (error instanceof WeChatApiError) {
          await repository.recordQuotaReset({
            appid: appId,
            month,
            at: now,
            by,
            result: "failed",
            errcode: error.errcode,
            rid: error.rid ?? null,
          });
        }
        throw error;
      }
      await repository.recordQuotaReset({
        appid: appId,
        month,
        at: now,
        by,
        result: "ok",
        errcode: null,
        rid: null,
      });
      return { month, used: used + 1, limit, remaining: limit - used - 1 };
    });
  }

  async quotaResets(appId: string) {
    await this.reader.require(appId);
    const now = this.deps.clock.now();
    const month = beijingMonth(now);
    const [history, used] = await Promise.all([
      this.deps.repository.listQuotaResets(appId),
      this.deps.repository.countQuotaResets(appId, month),
    ]);
    const limit = sendingLimits.clearQuotaPerMonth;
    return { month, used, limit, remaining: Math.max(0, limit - used), history };
  }

  /** openapi/quota/get for one API path. */
  async quota(appId: string, cgiPath: string): Promise<ApiQuotaResult["quota"]> {
    await this.reader.require(appId);
    const client = await this.deps.tokens.clientFor(appId, { allowDisabled: true });
    return (await createQuotaApi(client).get(cgiPath)).quota;
  }

  async apiCalls(appId: string, filter: ApiCallFilter) {
    await this.reader.require(appId);
    await this.deps.wechat.flushCallLog();
    const rows = await this.deps.repository.listApiCalls(appId, filter);
    return {
      items: rows.map((r) => ({
        id: r.id,
        api: r.api,
        method: r.method,
        errcode: r.errcode,
        ok: r.ok === 1,
        error: r.error,
        rid: r.rid,
        attempt: r.attempt,
        latencyMs: r.latency_ms,
        at: r.at,
      })),
      nextBefore: rows.length === filter.limit ? (rows.at(-1)?.id ?? null) : null,
    };
  }
}
