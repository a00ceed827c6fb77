import {
  createOfficialAccountApi,
  type FollowerInfo,
  type OfficialAccountApi,
  sendingLimits,
  WeChatApiError,
} from "@wxgate/wechat";
import type { AccountClients } from "../accounts/index.js";
import { newId } from "../platform/ids.js";
import type { Logger } from "../platform/logger.js";
import { type Clock, defineJob, type Job, type ModuleJob, type Queue } from "../platform/ports.js";
import type { SyncedFollower } from "./repository.js";
import type { FollowerSyncRepository } from "./sync-repository.js";
import type { FollowerSyncsTable } from "./tables.js";
import type { FollowerTagsRepository } from "./tag-repository.js";

declare module "../platform/ports.js" {
  interface JobPayloads {
    /** One user/get page of an account's follower sync: the run and the page it expects to be next. */
    "followers.sync-page": { appId: string; runId: string; page: number };
  }
}

/** batchget calls in flight for one page: enough to hide WeChat's latency, few enough to be polite. */
const BATCHGET_CONCURRENCY = 6;

/** A sync's progress as the API shows it. */
export interface SyncProgress {
  state: "idle" | "running" | "done" | "failed";
  runId: string | null;
  done: number;
  total: number;
  pages: number;
  startedAt: number | null;
  updatedAt: number | null;
  finishedAt: number | null;
  /** Followers a second since the run started (null before anything was written). */
  rate: number | null;
  /** Seconds left at that rate (null while unknown). */
  etaSeconds: number | null;
  lastError: string | null;
}

function progressOf(row: FollowerSyncsTable | undefined, now: number): SyncProgress {
  if (!row) {
    return {
      state: "idle",
      runId: null,
      done: 0,
      total: 0,
      pages: 0,
      startedAt: null,
      updatedAt: null,
      finishedAt: null,
      rate: null,
      etaSeconds: null,
      lastError: null,
    };
  }
  const end = row.finished_at ?? (row.state === "running" ? now : row.updated_at);
  const seconds = (end - row.started_at) / 1000;
  const rate = row.done > 0 && seconds > 0 ? row.done / seconds : null;
  const left = Math.max(0, row.total - row.done);
  return {
    state: row.state as SyncProgress["state"],
    runId: row.run_id,
    done: row.done,
    total: row.total,
    pages: row.pages,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
    rate: rate === null ? null : Math.round(rate),
    etaSeconds: row.state !== "running" ? 0 : rate === null ? null : Math.ceil(left / rate),
    lastError: row.last_error,
  };
}

/** WeChat's profile as a synced row. */
function syncedOf(info: FollowerInfo): SyncedFollower {
  const extra = info as FollowerInfo & { sex?: number; city?: string; province?: string; country?: string };
  const qrScene =
    info.qr_scene_str !== undefined && info.qr_scene_str !== ""
      ? info.qr_scene_str
      : info.qr_scene !== undefined && info.qr_scene !== 0
        ? String(info.qr_scene)
        : null;
  return {
    openid: info.openid,
    unionid: info.unionid ?? null,
    remark: info.remark ?? "",
    sex: extra.sex ?? 0,
    city: extra.city || null,
    province: extra.province || null,
    country: extra.country || null,
    language: info.language ?? null,
    subscribed: info.subscribe === 1,
    subscribeTime: info.subscribe_time !== undefined ? info.subscribe_time * 1000 : null,
    subscribeScene: info.subscribe_scene ?? null,
    qrScene,
    tagIds: info.tagid_list ?? [],
  };
}

/**
 * The follower sync: a run streams user/get pages (10,000 OpenIDs) and batchgets them 100 at a
 * time, one job per page. Each batchget answer is written as it arrives (upserts, so writing a
 * page again changes nothing) and the run's cursor moves past the page after its last batch, so
 * memory holds a few answers of 100 and the page's OpenIDs whatever the account's size, and a
 * restarted server continues from the last page it finished. The job only wakes the work: the
 * run's row says which page is next.
 */
export class FollowerSync {
  constructor(
    private readonly deps: {
      runs: FollowerSyncRepository;
      tags: FollowerTagsRepository;
      clients: AccountClients;
      queue: Queue;
      clock: Clock;
      logger: Logger;
    },
  ) {}

  async progress(appId: string): Promise<SyncProgress> {
    return progressOf(await this.deps.runs.sync(appId), this.deps.clock.now());
  }

  /** Starts a run, or shows the one already running (a second start does not restart it). */
  async start(appId: string, startedBy: string | null): Promise<SyncProgress> {
    const { runs, queue, clock } = this.deps;
    const current = await runs.sync(appId);
    if (current?.state === "running") return progressOf(current, clock.now());
    // A disabled or unknown account is refused now, not by a job that would fail later.
    await this.deps.clients.clientFor(appId);
    const now = clock.now();
    const runId = newId(now);
    await runs.startSync({
      appid: appId,
      run_id: runId,
      state: "running",
      next_openid: "",
      pages: 0,
      done: 0,
      total: 0,
      started_at: now,
      updated_at: now,
      finished_at: null,
      last_error: null,
      started_by: startedBy,
    });
    await queue.enqueue("followers.sync-page", { appId, runId, page: 0 });
    this.deps.logger.info({ appId, runId }, "follower sync started");
    return progressOf(await runs.sync(appId), clock.now());
  }

  /** The job handler: one page of one run. */
  async runPage(job: Job<{ appId: string; runId: string; page: number }>): Promise<void> {
    const { appId, runId, page } = job.payload;
    const { runs, clients, queue, clock, logger } = this.deps;
    const run = await runs.sync(appId);
    // A finished or replaced run, or a page another worker already committed: nothing to do.
    if (!run || run.run_id !== runId || run.state !== "running" || run.pages !== page) return;
    try {
      const api = createOfficialAccountApi(await clients.clientFor(appId));
      if (page === 0) {
        const { tags } = await api.tags.list();
        await this.deps.tags.replaceTags(
          appId,
          tags.map((t) => ({ id: t.id, name: t.name, count: t.count ?? 0 })),
          clock.now(),
        );
      }
      const began = performance.now();
      const list = await api.user.list(run.next_openid || undefined);
      const listed = performance.now();
      const openIds = list.data?.openid ?? [];
      if (openIds.length === 0) {
        await runs.finishSync(appId, runId, clock.now());
        logger.info({ appId, runId, done: run.done }, "follower sync finished");
        return;
      }
      const written = await this.writeBatches(api, job.payload, openIds);
      const fetched = performance.now();
      // The run moved on while this page was read (a second worker finished it): stop here.
      if (written === undefined) return;
      const moved = await runs.commitPage({
        appid: appId,
        runId,
        page,
        nextOpenId: list.next_openid,
        total: list.total,
        written,
        now: clock.now(),
      });
      if (moved) await queue.enqueue("followers.sync-page", { appId, runId, page: page + 1 });
      logger.debug(
        {
          appId,
          page,
          followers: openIds.length,
          listMs: Math.round(listed - began),
          batchgetAndWriteMs: Math.round(fetched - listed),
          commitMs: Math.round(performance.now() - fetched),
        },
        "follower sync page",
      );
    } catch (error) {
      const reason =
        error instanceof WeChatApiError
          ? `${error.errcode} ${error.errmsg}`
          : error instanceof Error
            ? error.message
            : "failed";
      logger.warn({ appId, runId, page, attempt: job.attempt, reason }, "follower sync page failed");
      if (job.attempt >= job.maxAttempts) await runs.failSync(appId, runId, reason, clock.now());
      throw error;
    }
  }

  /**
   * Batchgets a page's OpenIDs 100 at a time, {@link BATCHGET_CONCURRENCY} calls in flight, and
   * writes each answer as it arrives: an answer lives for one call and one write, not for the
   * page, so it dies young instead of piling up in V8's old space. Returns the followers
   * written, or undefined when the run no longer expects this page.
   */
  private async writeBatches(
    api: OfficialAccountApi,
    at: { appId: string; runId: string; page: number },
    openIds: readonly string[],
  ): Promise<number | undefined> {
    const { runs, clock } = this.deps;
    const size = sendingLimits.batchGetMax;
    let next = 0;
    let written = 0;
    let current = true;
    const lane = async () => {
      while (current && next < openIds.length) {
        const from = next;
        next = Math.min(from + size, openIds.length);
        const users: { openid: string; lang: "zh_CN" }[] = new Array(next - from);
        for (let i = from; i < next; i++) users[i - from] = { openid: openIds[i]!, lang: "zh_CN" };
        try {
          const { user_info_list } = await api.user.batchGet(users);
          const followers = user_info_list.map(syncedOf);
          const wrote = await runs.writeFollowers({
            appid: at.appId,
            runId: at.runId,
            page: at.page,
            followers,
            now: clock.now(),
          });
          if (!wrote) current = false;
          else written += followers.length;
        } catch (error) {
          // The page fails as a whole (and is retried from its start): the other lanes stop too.
          current = false;
          throw error;
        }
      }
    };
    const lanes = Math.min(BATCHGET_CONCURRENCY, Math.ceil(openIds.length / size));
    await Promise.all(Array.from({ length: lanes }, lane));
    return current ? written : undefined;
  }

  jobs(): ModuleJob[] {
    return [defineJob("followers.sync-page", (job) => this.runPage(job))];
  }
}
