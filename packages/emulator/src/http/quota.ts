import { tokenLimits } from "@wxgate/wechat";
import type { Clock } from "../clock.js";
import type { Account } from "../world/types.js";

const DAY_MS = 86_400_000;
/** WeChat's days and months turn at midnight Beijing time (UTC+8). */
const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** The emulated day number (Beijing time) of an epoch millisecond. */
export function beijingDay(now: number): number {
  return Math.floor((now + BEIJING_OFFSET_MS) / DAY_MS);
}

/** `YYYY-MM` in Beijing time. */
export function beijingMonth(now: number): string {
  return new Date(now + BEIJING_OFFSET_MS).toISOString().slice(0, 7);
}

/** Daily call limits WeChat documents (API path → calls a day per account). */
export const defaultDailyLimits: Record<string, number> = {
  "/cgi-bin/token": tokenLimits.dailyCalls,
  "/cgi-bin/stable_token": tokenLimits.stableCallsPerDay,
  "/cgi-bin/qrcode/create": 100_000,
  "/cgi-bin/message/template/send": 100_000,
  // WeChat's table of interface frequencies (接口频率限制说明) for the follower APIs.
  "/cgi-bin/user/get": 500,
  "/cgi-bin/user/info": 5_000_000,
  "/cgi-bin/user/info/batchget": 5_000_000,
  "/cgi-bin/user/info/updateremark": 10_000,
  "/cgi-bin/menu/create": 1_000,
  "/cgi-bin/menu/get": 10_000,
  "/cgi-bin/menu/delete": 1_000,
  "/cgi-bin/message/custom/send": 500_000,
  "/cgi-bin/message/mass/sendall": 100,
};

/**
 * What quota/get answers for an API the emulator serves that the table above leaves out: WeChat
 * gives every API a daily limit, so none of the served ones answers 76021 (uncertain value).
 */
export const SERVED_API_DAILY_LIMIT = 100_000;

/** Limits that differ for 测试号. */
const testAccountLimits: Record<string, number> = { "/cgi-bin/token": tokenLimits.testAccountDailyCalls };

export interface QuotaView {
  daily_limit: number;
  used: number;
  remain: number;
}

/**
 * Daily quotas per account and API, counted per emulated day. Limits resolve in this order:
 * the account's own `limits`, the emulator option `limits`, the test-account table, the
 * defaults (plus what modules {@link define}).
 */
export class QuotaBook {
  private readonly defaults: Record<string, number>;

  constructor(
    private readonly clock: Clock,
    overrides: Record<string, number> = {},
  ) {
    this.defaults = { ...defaultDailyLimits };
    this.overrides = { ...overrides };
  }

  private readonly overrides: Record<string, number>;

  readonly #served = new Set<string>();

  /** Notes an access_token API the emulator serves: it gets a daily limit even when not listed. */
  serve(path: string): void {
    this.#served.add(path);
  }

  /** Declares the default daily limit of an API (modules call this from `register`). */
  define(path: string, dailyLimit: number): void {
    this.defaults[path] = dailyLimit;
  }

  /** The daily limit of `path` for `account`, or undefined when the API has none. */
  limitOf(account: Account, path: string): number | undefined {
    return (
      account.limits?.[path] ??
      this.overrides[path] ??
      (account.testAccount ? testAccountLimits[path] : undefined) ??
      this.defaults[path] ??
      (this.#served.has(path) ? SERVED_API_DAILY_LIMIT : undefined)
    );
  }

  /** Today's use of `path` (0 when the counter belongs to an earlier day). */
  used(account: Account, path: string): number {
    const counter = account.quota[path];
    return counter && counter.day === beijingDay(this.clock.now()) ? counter.used : 0;
  }

  /**
   * Counts one call. Returns false (and counts nothing) when today's limit is reached:
   * the caller answers 45009. An account with its limits lifted is counted and never refused.
   */
  consume(account: Account, path: string): boolean {
    const limit = account.limitsLifted === true ? undefined : this.limitOf(account, path);
    const day = beijingDay(this.clock.now());
    const counter = account.quota[path];
    const used = counter && counter.day === day ? counter.used : 0;
    if (limit !== undefined && used >= limit) return false;
    account.quota[path] = { day, used: used + 1 };
    return true;
  }

  /** quota/get's view, or undefined for an API without a daily limit. */
  view(account: Account, path: string): QuotaView | undefined {
    const limit = this.limitOf(account, path);
    if (limit === undefined) return undefined;
    const used = this.used(account, path);
    return { daily_limit: limit, used, remain: Math.max(0, limit - used) };
  }

  /** Resets every counter of the account (clear_quota, console reset). */
  clear(account: Account): void {
    account.quota = {};
  }
}
