import { createOfficialAccountApi, type FollowerInfo, sendingLimits, WeChatApiError } from "@wxgate/wechat";
import type { AccountClients } from "../accounts/index.js";
import { newId } from "../platform/ids.js";
import type { Logger } from "../platform/logger.js";
import { type Clock, defineJob, type Job, type ModuleJob, type Queue } from "../platform/ports.js";
import type { FollowersRepository, SyncedFollower } from "./repository.js";
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

/** Runs `work` over `items` with at most `limit` running at once, results in input order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/**
 * The follower sync: a run streams user/get pages (10,000 OpenIDs) and batchgets them 100 at a
 * time, one job per page. Each page's followers and the run's cursor are committed together,
 * so memory holds one page at most and a restarted server continues from the last committed
 * page. The job only wakes the work: the run's row says which page is next.
 */
export class FollowerSync {
  constructor(
    private readonly deps: {
      repository: FollowersRepository;
      tags: FollowerTagsRepository;
      clients: AccountClients;
      queue: Queue;
      clock: Clock;
      logger: Logger;
    },
  ) {}

  async progress(appId: string): Promise<SyncProgress> {
    return progressOf(await this.deps.repository.sync(appId), this.deps.clock.now());
  }

  /** Starts a run, or shows the one already running (a second start does not restart it). */
  async start(appId: string, startedBy: string | null): Promise<SyncProgress> {
    const { repository, queue, clock } = this.deps;
    const current = await repository.sync(appId);
    if (current?.state === "running") return progressOf(current, clock.now());
    // A disabled or unknown account is refused now, not by a job that would fail later.
    await this.deps.clients.clientFor(appId);
    const now = clock.now();
    const runId = newId(now);
    await repository.startSync({
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
    return progressOf(await repository.sync(appId), clock.now());
  }

  /** The job handler: one page of one run. */
  async runPage(job: Job<{ appId: string; runId: string; page: number }>): Promise<void> {
    const { appId, runId, page } = job.payload;
    const { repository, clients, queue, clock, logger } = this.deps;
    const run = await repository.sync(appId);
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
        await repository.finishSync(appId, runId, clock.now());
        logger.info({ appId, runId, done: run.done }, "follower sync finished");
        return;
      }
      const batches: string[][] = [];
      for (let i = 0; i < openIds.length; i += sendingLimits.batchGetMax) {
        batches.push(openIds.slice(i, i + sendingLimits.batchGetMax));
      }
      const infos = await mapLimited(batches, BATCHGET_CONCURRENCY, async (batch) => {
        const answer = await api.user.batchGet(batch.map((openid) => ({ openid, lang: "zh_CN" })));
        return answer.user_info_list.map(syncedOf);
      });
      const fetched = performance.now();
      const moved = await repository.commitPage({
        appid: appId,
        runId,
        page,
        nextOpenId: list.next_openid,
        total: list.total,
        followers: infos.flat(),
        now: clock.now(),
      });
      if (moved) await queue.enqueue("followers.sync-page", { appId, runId, page: page + 1 });
      logger.debug(
        {
          appId,
          page,
          followers: openIds.length,
          listMs: Math.round(listed - began),
          batchgetMs: Math.round(fetched - listed),
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
      if (job.attempt >= job.maxAttempts) await repository.failSync(appId, runId, reason, clock.now());
      throw error;
    }
  }

  jobs(): ModuleJob[] {
    return [defineJob("followers.sync-page", (job) => this.runPage(job))];
  }
}
