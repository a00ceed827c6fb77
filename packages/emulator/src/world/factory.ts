import type { IdGenerator } from "../ids.js";
import type {
  Account,
  AccountKind,
  AccountStatus,
  Follower,
  Platform,
  PushMode,
  ServerConfig,
  Tag,
  VerifyType,
} from "./types.js";
import type { World } from "./world.js";

/** Everything optional: the factory fills WeChat-shaped defaults. */
export interface NewAccount {
  appId?: string;
  secret?: string;
  kind?: AccountKind;
  verifyType?: VerifyType;
  status?: AccountStatus;
  nickname?: string;
  originalId?: string;
  principalName?: string;
  alias?: string;
  testAccount?: boolean;
  server?: Partial<ServerConfig> & { url: string };
  ipWhitelist?: string[];
  limits?: Record<string, number>;
}

export interface NewPlatform {
  componentAppId?: string;
  secret?: string;
  name?: string;
  token?: string;
  encodingAESKey?: string;
  authEventUrl?: string;
  messageUrl?: string;
  /** Push component_verify_ticket every 10 minutes (default true). */
  ticketPush?: boolean;
  ipWhitelist?: string[];
}

export interface NewFollower {
  openId?: string;
  /** The same personId on two accounts of one principal gives the same UnionID. */
  personId?: string;
  nickname?: string;
  subscribed?: boolean;
  subscribeTime?: number;
  subscribeScene?: string;
  tagIds?: number[];
  language?: string;
  remark?: string;
}

/** Thrown by factories when the input clashes with the world (duplicate id, unknown account). */
export class WorldConflictError extends Error {
  override name = "WorldConflictError";
}

function serverConfig(ids: IdGenerator, input: NewAccount["server"]): ServerConfig | undefined {
  if (!input) return undefined;
  const mode: PushMode = input.mode ?? "plaintext";
  return {
    url: input.url,
    token: input.token ?? ids.serverToken(),
    encodingAESKey: input.encodingAESKey ?? ids.encodingAESKey(),
    mode,
  };
}

/** Adds an official account or mini program to the world. */
export function createAccount(world: World, ids: IdGenerator, now: number, input: NewAccount = {}): Account {
  const appId = input.appId ?? ids.appId();
  if (world.account(appId) || world.platform(appId)) throw new WorldConflictError(`appid ${appId} exists`);
  const kind = input.kind ?? "service";
  const account: Account = {
    appId,
    secret: input.secret ?? ids.secret(),
    kind,
    verifyType: input.verifyType ?? 0,
    status: input.status ?? 1,
    nickname: input.nickname ?? `${kind === "miniprogram" ? "小程序" : "公众号"}${appId.slice(-4)}`,
    originalId: input.originalId ?? ids.originalId(),
    principalName: input.principalName ?? "示例科技有限公司",
    createdAt: now,
    latestToken: {},
    stable: { forceDay: 0, forceCount: 0 },
    quota: {},
    clearQuota: { month: "", count: 0 },
  };
  if (input.alias !== undefined) account.alias = input.alias;
  if (input.testAccount) account.testAccount = true;
  const server = serverConfig(ids, input.server);
  if (server) account.server = server;
  if (input.ipWhitelist) account.ipWhitelist = [...input.ipWhitelist];
  if (input.limits) account.limits = { ...input.limits };
  world.state.accounts[appId] = account;
  return account;
}

/** Adds a third-party platform to the world. */
export function createPlatform(
  world: World,
  ids: IdGenerator,
  now: number,
  input: NewPlatform = {},
): Platform {
  const componentAppId = input.componentAppId ?? ids.appId();
  if (world.account(componentAppId) || world.platform(componentAppId)) {
    throw new WorldConflictError(`appid ${componentAppId} exists`);
  }
  const platform: Platform = {
    componentAppId,
    secret: input.secret ?? ids.secret(),
    name: input.name ?? `第三方平台${componentAppId.slice(-4)}`,
    token: input.token ?? ids.serverToken(),
    encodingAESKey: input.encodingAESKey ?? ids.encodingAESKey(),
    previousTickets: [],
    ticketPush: input.ticketPush ?? true,
    preAuthCodes: {},
    authCodes: {},
    authorizations: {},
    createdAt: now,
  };
  if (input.authEventUrl !== undefined) platform.authEventUrl = input.authEventUrl;
  if (input.messageUrl !== undefined) platform.messageUrl = input.messageUrl;
  if (input.ipWhitelist) platform.ipWhitelist = [...input.ipWhitelist];
  world.state.platforms[componentAppId] = platform;
  return platform;
}

/** The UnionID of a person under a principal (created on first use, then stable). */
export function unionIdFor(world: World, ids: IdGenerator, principalName: string, personId: string): string {
  const key = `${principalName}\u0000${personId}`;
  let unionId = world.state.unionIds[key];
  if (!unionId) {
    unionId = ids.unionId();
    world.state.unionIds[key] = unionId;
  }
  return unionId;
}

/** Adds a follower (subscribed by default) to an account. */
export function createFollower(
  world: World,
  ids: IdGenerator,
  now: number,
  appId: string,
  input: NewFollower = {},
): Follower {
  const account = world.account(appId);
  if (!account) throw new WorldConflictError(`no account ${appId}`);
  const followers = world.followersOf(appId);
  const openId = input.openId ?? ids.openId();
  if (followers[openId]) throw new WorldConflictError(`follower ${openId} exists`);
  const personId = input.personId ?? `p_${openId}`;
  const subscribed = input.subscribed ?? true;
  const follower: Follower = {
    openId,
    appId,
    personId,
    unionId: unionIdFor(world, ids, account.principalName, personId),
    nickname: input.nickname ?? "",
    subscribed,
    subscribeTime: input.subscribeTime ?? now,
    subscribeScene: input.subscribeScene ?? "ADD_SCENE_SEARCH",
    tagIds: [...(input.tagIds ?? [])],
    remark: input.remark ?? "",
    language: input.language ?? "zh_CN",
    lastInteraction: {},
    consents: {},
    inbox: [],
  };
  if (!subscribed) follower.unsubscribeTime = now;
  followers[openId] = follower;
  return follower;
}

/** Adds a tag to an account (ids from 100 up, as WeChat's). */
export function createTag(world: World, appId: string, name: string): Tag {
  if (!world.account(appId)) throw new WorldConflictError(`no account ${appId}`);
  const book = world.tagsOf(appId);
  const tag: Tag = { id: book.nextId++, name };
  book.items[String(tag.id)] = tag;
  return tag;
}
