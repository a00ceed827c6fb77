import { CROWD_EXTENSION, type Crowd, crowdIndex, crowdMember } from "./crowd.js";
import type {
  Account,
  Follower,
  MenuState,
  Platform,
  RequestLogEntry,
  RidRecord,
  TagBook,
  TokenRecord,
  WorldState,
} from "./types.js";

/** Request log and rid records are capped so a long-running sandbox keeps a bounded memory. */
export const LOG_CAPACITY = 10_000;
/** How far the logs may run over capacity before one trim brings them back. */
const LOG_TRIM_SLACK = 1_000;

/** An empty world. */
export function emptyState(): WorldState {
  return {
    version: 1,
    platforms: {},
    accounts: {},
    followers: {},
    unionIds: {},
    tokens: {},
    tags: {},
    templates: {},
    menus: {},
    qrcodes: {},
    massJobs: {},
    faults: [],
    nextFaultId: 1,
    requestLog: [],
    rids: {},
    extensions: {},
  };
}

/** Told the world's new revision after something may have changed it. */
export type WorldChangeListener = (revision: number) => void;

/**
 * The in-memory world: {@link WorldState} plus the lookups every module needs. Modules read
 * and write `world.state` directly; the helpers exist so the common paths are spelled once.
 *
 * Because writes are plain assignments, the world cannot see them itself: the places where
 * changes enter (every WeChat-path request, control calls and non-GET control requests,
 * scheduled tasks, push attempts) call {@link markChanged}, which bumps {@link revision} and
 * tells the listeners — how a snapshot file is kept current without polling the state.
 */
export class World {
  state: WorldState;
  #ridsSinceTrim = 0;
  #revision = 0;
  readonly #listeners = new Set<WorldChangeListener>();

  constructor(state: WorldState = emptyState()) {
    this.state = state;
  }

  /** Counts the changes announced so far; equal revisions mean an unchanged world. */
  get revision(): number {
    return this.#revision;
  }

  /** Announces that the state may have changed. Cheap: listeners only take note. */
  markChanged(): void {
    this.#revision++;
    for (const listener of this.#listeners) listener(this.#revision);
  }

  /** Calls `listener` after every {@link markChanged}; returns the unsubscribe function. */
  onChange(listener: WorldChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  account(appId: string): Account | undefined {
    return this.state.accounts[appId];
  }

  platform(componentAppId: string): Platform | undefined {
    return this.state.platforms[componentAppId];
  }

  /** The followers of an account (created empty on first use). */
  followersOf(appId: string): Record<string, Follower> {
    let followers = this.state.followers[appId];
    if (!followers) {
      followers = {};
      this.state.followers[appId] = followers;
    }
    return followers;
  }

  /** A follower by OpenID; a crowd member becomes a stored follower on its first look-up. */
  follower(appId: string, openId: string): Follower | undefined {
    const found = this.state.followers[appId]?.[openId];
    if (found) return found;
    const crowd = this.crowdOf(appId);
    const index = crowd === undefined ? undefined : crowdIndex(crowd, openId);
    if (crowd === undefined || index === undefined) return undefined;
    const member = crowdMember(crowd, appId, index);
    this.followersOf(appId)[openId] = member;
    return member;
  }

  /**
   * A follower to read only: a crowd member not yet stored is computed and left unstored, so
   * reading a million profiles (batchget) does not grow the world.
   */
  peekFollower(appId: string, openId: string): Follower | undefined {
    const found = this.state.followers[appId]?.[openId];
    if (found) return found;
    const crowd = this.crowdOf(appId);
    const index = crowd === undefined ? undefined : crowdIndex(crowd, openId);
    return crowd === undefined || index === undefined ? undefined : crowdMember(crowd, appId, index);
  }

  /** The account's crowd of generated followers, if it has one. */
  crowdOf(appId: string): Crowd | undefined {
    return this.extension<Record<string, Crowd>>(CROWD_EXTENSION, () => ({}))[appId];
  }

  /** Gives the account a crowd of `count` generated followers (replacing an earlier crowd). */
  setCrowd(appId: string, crowd: Crowd): void {
    this.extension<Record<string, Crowd>>(CROWD_EXTENSION, () => ({}))[appId] = crowd;
  }

  /** The tags of an account (created with WeChat's reserved ids on first use). */
  tagsOf(appId: string): TagBook {
    let book = this.state.tags[appId];
    if (!book) {
      book = {
        nextId: 100,
        items: {
          "0": { id: 0, name: "黑名单" },
          "1": { id: 1, name: "屏蔽组" },
          "2": { id: 2, name: "星标组" },
        },
      };
      this.state.tags[appId] = book;
    }
    return book;
  }

  /** The menus of an account (created empty on first use). */
  menusOf(appId: string): MenuState {
    let menus = this.state.menus[appId];
    if (!menus) {
      menus = { conditional: [], nextMenuId: 400000000 };
      this.state.menus[appId] = menus;
    }
    return menus;
  }

  token(value: string): TokenRecord | undefined {
    return Object.hasOwn(this.state.tokens, value) ? this.state.tokens[value] : undefined;
  }

  /** The platforms that hold an active authorization of `appId`. */
  platformsAuthorizing(appId: string): Platform[] {
    return Object.values(this.state.platforms).filter((p) => {
      const auth = p.authorizations[appId];
      return auth !== undefined && auth.revokedAt === undefined;
    });
  }

  /** Module-owned state, created by `init` on first use and included in snapshots. */
  extension<T>(name: string, init: () => T): T {
    if (!Object.hasOwn(this.state.extensions, name)) this.state.extensions[name] = init();
    return this.state.extensions[name] as T;
  }

  /** Appends to the request log, dropping the oldest entries beyond the capacity. */
  recordRequest(entry: RequestLogEntry): void {
    const log = this.state.requestLog;
    log.push(entry);
    // Trimmed in batches: splicing one entry off a full log on every request copies it all.
    if (log.length > LOG_CAPACITY + LOG_TRIM_SLACK) log.splice(0, log.length - LOG_CAPACITY);
  }

  /** Keeps the details of a failed call for openapi/rid/get. */
  recordRid(record: RidRecord): void {
    this.state.rids[record.rid] = record;
    // Counting keys is O(n): only every LOG_TRIM_SLACK records, then trim back to capacity.
    if (++this.#ridsSinceTrim < LOG_TRIM_SLACK) return;
    this.#ridsSinceTrim = 0;
    const keys = Object.keys(this.state.rids);
    if (keys.length > LOG_CAPACITY) {
      for (const key of keys.slice(0, keys.length - LOG_CAPACITY)) delete this.state.rids[key];
    }
  }

  /** Drops tokens that died more than a day ago: the token index would otherwise only grow. */
  pruneTokens(now: number): void {
    const horizon = now - 86_400_000;
    for (const [value, record] of Object.entries(this.state.tokens)) {
      const death = Math.min(
        record.expiresAt,
        record.supersededAt === undefined ? Number.POSITIVE_INFINITY : record.supersededAt + 300_000,
        record.revokedAt ?? Number.POSITIVE_INFINITY,
      );
      if (death < horizon) delete this.state.tokens[value];
    }
  }

  /** Short counts for the control API's summary. */
  summary(): WorldSummary {
    const s = this.state;
    return {
      platforms: Object.values(s.platforms).map((p) => ({
        componentAppId: p.componentAppId,
        name: p.name,
        authorizers: Object.values(p.authorizations)
          .filter((a) => a.revokedAt === undefined)
          .map((a) => a.authorizerAppId),
        hasTicket: p.ticket !== undefined,
      })),
      accounts: Object.values(s.accounts).map((a) => ({
        appId: a.appId,
        kind: a.kind,
        verifyType: a.verifyType,
        nickname: a.nickname,
        originalId: a.originalId,
        followers: Object.values(s.followers[a.appId] ?? {}).filter((f) => f.subscribed).length,
        tags: Object.keys(s.tags[a.appId]?.items ?? {}).length,
      })),
      tokens: Object.keys(s.tokens).length,
      requests: s.requestLog.length,
      faults: s.faults.length,
    };
  }

  /** The state as JSON-ready data (a deep copy, so later changes do not leak into it). */
  toJSON(): WorldState {
    return structuredClone(this.state);
  }

  /** Replaces the state with a snapshot (validated for shape and version). */
  load(snapshot: unknown): void {
    this.state = parseState(snapshot);
  }
}

export interface WorldSummary {
  platforms: { componentAppId: string; name: string; authorizers: string[]; hasTicket: boolean }[];
  accounts: {
    appId: string;
    kind: string;
    verifyType: number;
    nickname: string;
    originalId: string;
    followers: number;
    tags: number;
  }[];
  tokens: number;
  requests: number;
  faults: number;
}

const RECORD_KEYS = [
  "platforms",
  "accounts",
  "followers",
  "unionIds",
  "tokens",
  "tags",
  "templates",
  "menus",
  "qrcodes",
  "massJobs",
  "rids",
  "extensions",
] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Checks the outer shape of a snapshot and fills collections added since it was written. */
export function parseState(snapshot: unknown): WorldState {
  if (!isRecord(snapshot)) throw new TypeError("world snapshot must be a JSON object");
  if (snapshot.version !== 1)
    throw new TypeError(`unsupported world snapshot version: ${String(snapshot.version)}`);
  const state = emptyState();
  const target = state as unknown as Record<string, unknown>;
  for (const key of RECORD_KEYS) {
    const value = snapshot[key];
    if (value === undefined) continue;
    if (!isRecord(value)) throw new TypeError(`world snapshot: ${key} must be an object`);
    target[key] = value;
  }
  for (const key of ["faults", "requestLog"] as const) {
    const value = snapshot[key];
    if (value === undefined) continue;
    if (!Array.isArray(value)) throw new TypeError(`world snapshot: ${key} must be an array`);
    target[key] = value;
  }
  if (typeof snapshot.nextFaultId === "number") state.nextFaultId = snapshot.nextFaultId;
  return state;
}
