import { ControllableClock } from "../clock.js";
import type { EmulatorCore } from "../core.js";
import { ControlError } from "../http/control-route.js";
import type { FaultSpec } from "../http/faults.js";
import { faultProblem } from "../http/faults.js";
import {
  createAccount,
  createFollower,
  createPlatform,
  createTag,
  type NewAccount,
  type NewFollower,
  type NewPlatform,
} from "../world/factory.js";
import {
  parseSnapshotDocument,
  type SnapshotDocument,
  snapshotDocument,
  writeSnapshotFile,
} from "../world/snapshot.js";
import type {
  Account,
  Fault,
  Follower,
  Platform,
  RequestLogEntry,
  RidRecord,
  Tag,
  TokenRecord,
} from "../world/types.js";
import type { WorldSummary } from "../world/world.js";

/**
 * Control namespaces added by modules. A module declares its own by augmentation and adds it
 * at registration with `ctx.extendControl("follower", {...})`:
 *
 * ```ts
 * declare module "../control/control.js" {
 *   interface EmulatorControlExtensions { follower: FollowerControl }
 * }
 * ```
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by module augmentation
export interface EmulatorControlExtensions {}

export interface RequestLogFilter {
  appid?: string;
  path?: string;
  errcode?: number;
  /** Only entries at or after this emulated time. */
  since?: number;
  /** The latest N matching entries (default all). */
  limit?: number;
}

export interface InvalidateTokenOptions {
  /** Which token: `basic` (/cgi-bin/token, default), `stable`, or `authorizer` (via `componentAppId`). */
  kind?: "basic" | "stable" | "authorizer";
  componentAppId?: string;
  /** Keep the old token valid 5 more minutes, as a normal refresh by another system would (default false: dead now). */
  overlap?: boolean;
}

/** A follower as {@link CoreControl.followers} lists it. */
export type FollowerSummary = Pick<
  Follower,
  "openId" | "nickname" | "subscribed" | "subscribeTime" | "tagIds" | "remark"
>;

/** The emulator's own operations (tests, the sandbox UI, the CLI). */
export class CoreControl {
  constructor(private readonly core: EmulatorCore) {}

  /** Adds a third-party platform. */
  createPlatform(input: NewPlatform = {}): Platform {
    return createPlatform(this.core.world, this.core.ids, this.core.clock.now(), input);
  }

  /** Adds an official account or mini program. */
  createAccount(input: NewAccount = {}): Account {
    return createAccount(this.core.world, this.core.ids, this.core.clock.now(), input);
  }

  /** Adds followers: `count` generated ones, or one per input. */
  createFollowers(appId: string, spec: number | NewFollower[]): Follower[] {
    const inputs = typeof spec === "number" ? Array.from({ length: spec }, () => ({})) : spec;
    const { world, ids, clock } = this.core;
    return inputs.map((input) => createFollower(world, ids, clock.now(), appId, input));
  }

  /**
   * An account's followers, most recently subscribed first: those matching `subscribed` and
   * whose nickname or OpenID contains `search` (any case), at most `limit` (50 by default) of
   * `total` matching. Without their inboxes (`/follower/inbox` reads one).
   */
  followers(
    appId: string,
    filter: { subscribed?: boolean; search?: string; limit?: number } = {},
  ): { followers: FollowerSummary[]; total: number } {
    const search = filter.search?.trim().toLowerCase() ?? "";
    const matching = Object.values(this.core.world.followersOf(appId)).filter(
      (f) =>
        (filter.subscribed === undefined || f.subscribed === filter.subscribed) &&
        (search === "" ||
          f.nickname.toLowerCase().includes(search) ||
          f.openId.toLowerCase().includes(search)),
    );
    matching.sort((a, b) => b.subscribeTime - a.subscribeTime || (a.openId < b.openId ? -1 : 1));
    return {
      total: matching.length,
      followers: matching.slice(0, filter.limit ?? 50).map((f) => ({
        openId: f.openId,
        nickname: f.nickname,
        subscribed: f.subscribed,
        subscribeTime: f.subscribeTime,
        tagIds: [...f.tagIds],
        remark: f.remark,
      })),
    };
  }

  /** Adds tags by name. */
  createTags(appId: string, names: string[]): Tag[] {
    return names.map((name) => createTag(this.core.world, appId, name));
  }

  summary(): WorldSummary & { now: number; seed: string; scheduledTasks: number } {
    return {
      ...this.core.world.summary(),
      now: this.core.clock.now(),
      seed: this.core.ids.seed,
      scheduledTasks: this.core.scheduler.size,
    };
  }

  /** Emulated now (epoch ms). */
  now(): number {
    return this.core.clock.now();
  }

  /** Moves time forward and waits until every task that fell due (ticket pushes…) has run. */
  async advanceClock(ms: number): Promise<number> {
    const clock = controllableClock(this.core);
    clock.advance(ms);
    await this.core.scheduler.flush();
    return clock.now();
  }

  /** Sets the emulated time (forward only) and runs what fell due. */
  async setClock(ms: number): Promise<number> {
    const clock = controllableClock(this.core);
    if (ms < clock.now()) throw new RangeError("the emulated clock never goes back");
    clock.set(ms);
    await this.core.scheduler.flush();
    return clock.now();
  }

  addFault(spec: FaultSpec): Fault {
    const problem = faultProblem(spec);
    if (problem) throw new ControlError(400, problem);
    return this.core.faults.add(spec);
  }

  faults(): Fault[] {
    return this.core.faults.list().map((f) => ({ ...f }));
  }

  clearFaults(): void {
    this.core.faults.clear();
  }

  /**
   * Replaces an account's token as if another system had fetched a new one: the old token
   * dies now (or after 5 minutes with `overlap`). Returns the new token's record.
   */
  invalidateToken(appId: string, options: InvalidateTokenOptions = {}): TokenRecord {
    const { world, tokens } = this.core;
    const account = world.account(appId);
    if (!account) throw new ControlError(404, `no account ${appId}`);
    const supersede = options.overlap ? "overlap" : "immediate";
    const kind = options.kind ?? "basic";
    if (kind === "authorizer") {
      const platform = options.componentAppId ? world.platform(options.componentAppId) : undefined;
      const auth = platform?.authorizations[appId];
      if (!platform || !auth || auth.revokedAt !== undefined) {
        throw new ControlError(404, `${appId} has no active authorization of that platform`);
      }
      const record = tokens.issue({
        kind,
        appId,
        componentAppId: platform.componentAppId,
        previous: auth.latestToken,
        supersede,
      });
      auth.latestToken = record.value;
      return record;
    }
    const record = tokens.issue({ kind, appId, previous: account.latestToken[kind], supersede });
    account.latestToken[kind] = record.value;
    return record;
  }

  /** WeChat-path calls, oldest first. */
  requestLog(filter: RequestLogFilter = {}): RequestLogEntry[] {
    const entries = this.core.world.state.requestLog.filter(
      (e) =>
        (filter.appid === undefined || e.appid === filter.appid) &&
        (filter.path === undefined || e.path === filter.path) &&
        (filter.errcode === undefined || e.errcode === filter.errcode) &&
        (filter.since === undefined || e.time >= filter.since),
    );
    return filter.limit === undefined ? entries : entries.slice(-filter.limit);
  }

  /** The details recorded with a rid (what openapi/rid/get shows). */
  rid(rid: string): RidRecord | undefined {
    return this.core.world.state.rids[rid];
  }

  /** The whole state as a snapshot document. */
  snapshot(): SnapshotDocument {
    return snapshotDocument(this.core.world, this.core.ids, this.core.clock.now());
  }

  /** Replaces the state with a snapshot document (from {@link snapshot} or a file). */
  restore(document: unknown): void {
    let doc: SnapshotDocument;
    try {
      doc = parseSnapshotDocument(document);
    } catch (error) {
      throw new ControlError(400, error instanceof Error ? error.message : "invalid snapshot");
    }
    this.core.world.state = doc.world;
    this.core.ids.prng.state = doc.prngState;
    const clock = this.core.clock;
    if (clock instanceof ControllableClock && clock.now() < doc.clockNow) clock.set(doc.clockNow);
  }

  /** Writes the snapshot to `file` (default: the snapshotFile option). Returns the path written. */
  async saveSnapshot(file?: string): Promise<string> {
    const target = file ?? this.core.options.snapshotFile;
    if (!target) throw new ControlError(400, "no snapshot file: pass one or start with snapshotFile");
    await writeSnapshotFile(target, this.snapshot());
    return target;
  }
}

/** A function, not a method: methods are wrapped by {@link announceCalls}, helpers need not be. */
function controllableClock(core: EmulatorCore): ControllableClock {
  const clock = core.clock;
  if (!(clock instanceof ControllableClock))
    throw new ControlError(409, "the emulator runs on a fixed clock");
  return clock;
}

/** The control surface: core operations plus the namespaces modules added. */
export type EmulatorControl = CoreControl & EmulatorControlExtensions;

export function createControl(core: EmulatorCore): EmulatorControl {
  return announceCalls(new CoreControl(core), () => core.world.markChanged()) as EmulatorControl;
}

type Method = (...args: unknown[]) => unknown;

/**
 * Makes each method of `target` call `changed` once its synchronous part has run, and again
 * when the promise it returns settles. The control API is how tests and embedders change the
 * world in-process, so every call counts as a possible change (a read costs at most one
 * needless snapshot write; a forgotten write would cost a lost change).
 */
export function announceCalls<T extends object>(target: T, changed: () => void): T {
  const seen = new Set<string>();
  for (
    let layer: object | null = target;
    layer !== null && layer !== Object.prototype;
    layer = Object.getPrototypeOf(layer) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(layer)) {
      if (name === "constructor" || seen.has(name)) continue;
      seen.add(name);
      const descriptor = Object.getOwnPropertyDescriptor(layer, name);
      if (typeof descriptor?.value !== "function") continue;
      const method = descriptor.value as Method;
      Object.defineProperty(target, name, {
        configurable: true,
        writable: true,
        enumerable: layer === target && descriptor.enumerable === true,
        value: (...args: unknown[]): unknown => {
          let result: unknown;
          try {
            result = Reflect.apply(method, target, args);
          } finally {
            changed();
          }
          return result instanceof Promise ? result.finally(changed) : result;
        },
      });
    }
  }
  return target;
}
