/**
 * The emulated WeChat's state. Everything is plain JSON data (records keyed by id, numbers
 * for epoch milliseconds) so that a snapshot is `JSON.stringify` and nothing else.
 */

/** 订阅号, 服务号, 小程序. */
export type AccountKind = "subscription" | "service" | "miniprogram";

/**
 * verify_type_info.id: -1 unverified, 0 WeChat verified, 1 Sina Weibo, 2 Tencent Weibo,
 * 3 qualification verified / name not yet, 4 and 5 the same with Weibo.
 */
export type VerifyType = -1 | 0 | 1 | 2 | 3 | 4 | 5;

/** account_status: 1 normal, 14 cancelled, 16 banned, 18 warned, 19 frozen. */
export type AccountStatus = 1 | 14 | 16 | 18 | 19;

/** Message push encryption: 明文, 兼容, 安全. */
export type PushMode = "plaintext" | "compatible" | "safe";

/** The 服务器配置 of an account (or the message URL of a platform for its authorizers). */
export interface ServerConfig {
  url: string;
  token: string;
  encodingAESKey: string;
  mode: PushMode;
}

/** What a token is for; tokens of different kinds never supersede each other. */
export type TokenKind = "basic" | "stable" | "authorizer" | "component";

/** One issued token. Kept by value in {@link WorldState.tokens}. */
export interface TokenRecord {
  value: string;
  kind: TokenKind;
  /** The account (for basic / stable / authorizer) or the platform (for component). */
  appId: string;
  /** For authorizer tokens: the platform through which it was issued. */
  componentAppId?: string;
  issuedAt: number;
  expiresAt: number;
  /** When a newer token of the same kind replaced it; it then lives 5 more minutes. */
  supersededAt?: number;
  /** Invalidated at once (force_refresh, de-authorization, control call). */
  revokedAt?: number;
}

/** Counter of one API for one emulated day (Beijing time). */
export interface DailyCounter {
  day: number;
  used: number;
}

/** Per-account state of the stable_token force_refresh limits. */
export interface StableTokenState {
  forceDay: number;
  forceCount: number;
  lastForceAt?: number;
}

/** An official account or mini program. */
export interface Account {
  appId: string;
  secret: string;
  kind: AccountKind;
  verifyType: VerifyType;
  status: AccountStatus;
  nickname: string;
  /** user_name: `gh_` + 12 hex. */
  originalId: string;
  /** 主体名称; accounts of one principal share UnionIDs. */
  principalName: string;
  alias?: string;
  headImg?: string;
  signature?: string;
  /** A 测试号: 200 token calls a day instead of 2000. */
  testAccount?: boolean;
  server?: ServerConfig;
  /** When set, /cgi-bin/token and stable_token only answer these client IPs (40164). */
  ipWhitelist?: string[];
  createdAt: number;
  /** Token pointers: the value of the latest token of each kind. */
  latestToken: { basic?: string; stable?: string };
  stable: StableTokenState;
  /** API path → today's calls. */
  quota: Record<string, DailyCounter>;
  /** Per-account daily limits that override the defaults (API path → calls a day). */
  limits?: Record<string, number>;
  /**
   * Rate limits lifted (a benchmark's switch, never WeChat's): daily quotas still count but
   * never answer 45009, and mass sends skip the per-minute (45011) and mass quota (45028) rules.
   */
  limitsLifted?: boolean;
  /** clear_quota uses in the current month (`YYYY-MM`, Beijing time). */
  clearQuota: { month: string; count: number };
  /** Mini program only: extra info shown in api_get_authorizer_info. */
  miniProgramInfo?: Record<string, unknown>;
}

/** A pre-auth code (one use only). */
export interface PreAuthCode {
  code: string;
  createdAt: number;
  expiresAt: number;
  used: boolean;
}

/** An auth_code handed to the redirect_uri after the admin confirmed. */
export interface AuthCode {
  code: string;
  authorizerAppId: string;
  createdAt: number;
  expiresAt: number;
  used: boolean;
}

/** One account's authorization of one platform. */
export interface Authorization {
  authorizerAppId: string;
  refreshToken: string;
  /** Granted permission set ids (funcscope_category.id). */
  funcScopes: number[];
  authorizedAt: number;
  updatedAt: number;
  /** The latest authorizer_access_token value. */
  latestToken?: string;
  revokedAt?: number;
}

/** A third-party platform (第三方平台). */
export interface Platform {
  componentAppId: string;
  secret: string;
  name: string;
  /** 消息校验Token. */
  token: string;
  encodingAESKey: string;
  /** 授权事件接收URL: tickets and authorization events go here. */
  authEventUrl?: string;
  /** 消息与事件接收URL, with `$APPID$` standing for the authorizer's appid. */
  messageUrl?: string;
  /** The latest component_verify_ticket pushed (valid 12 hours). */
  ticket?: { value: string; issuedAt: number };
  /** Older tickets still inside their 12 hours. */
  previousTickets: { value: string; issuedAt: number }[];
  /** Whether the 10-minute ticket push is on. */
  ticketPush: boolean;
  /** The latest component_access_token value. */
  latestToken?: string;
  preAuthCodes: Record<string, PreAuthCode>;
  authCodes: Record<string, AuthCode>;
  /** authorizer appid → authorization. */
  authorizations: Record<string, Authorization>;
  ipWhitelist?: string[];
  createdAt: number;
}

/** What made the user reachable by customer-service messages (48-hour rule). */
export type InteractionTrigger = "message" | "click" | "subscribe" | "scan" | "payment" | "other";

/** One item a follower received from the account. */
export interface InboxItem {
  at: number;
  /** How it was sent. */
  via: "reply" | "custom" | "template" | "mass" | "subscribe" | "other";
  msgType: string;
  msgId?: string;
  /** The message as the API received it (JSON) or as the passive reply carried it (XML). */
  content: unknown;
}

/** A WeChat user as seen by one account. */
export interface Follower {
  openId: string;
  appId: string;
  /** Stable id of the person across accounts (not exposed by WeChat). */
  personId: string;
  unionId?: string;
  nickname: string;
  subscribed: boolean;
  subscribeTime: number;
  unsubscribeTime?: number;
  /** ADD_SCENE_SEARCH, ADD_SCENE_QR_CODE, … */
  subscribeScene: string;
  qrScene?: number;
  qrSceneStr?: string;
  tagIds: number[];
  remark: string;
  language: string;
  /** trigger → when it happened and how many messages it has already allowed. */
  lastInteraction: Partial<Record<InteractionTrigger, { at: number; used: number }>>;
  /** Mini program subscription: template id → remaining one-time consents. */
  consents: Record<string, number>;
  inbox: InboxItem[];
}

export interface Tag {
  id: number;
  name: string;
}

/** Tags of one account; ids below 100 are WeChat's own (0 blacklist, 1, 2 stars). */
export interface TagBook {
  nextId: number;
  items: Record<string, Tag>;
}

/** A message template in an account's library. */
export interface Template {
  templateId: string;
  title: string;
  content: string;
  example: string;
  primaryIndustry?: string;
  deputyIndustry?: string;
  /** Mini program subscription templates: 2 one-time, 3 long-term. */
  type?: number;
}

export interface ConditionalMenu {
  menuId: string;
  button: unknown[];
  matchrule: Record<string, unknown>;
}

export interface MenuState {
  default?: { button: unknown[] };
  conditional: ConditionalMenu[];
  nextMenuId: number;
}

export interface QrCode {
  ticket: string;
  appId: string;
  actionName: "QR_SCENE" | "QR_STR_SCENE" | "QR_LIMIT_SCENE" | "QR_LIMIT_STR_SCENE";
  sceneId?: number;
  sceneStr?: string;
  createdAt: number;
  /** Absent for permanent codes. */
  expiresAt?: number;
  url: string;
}

export interface MassJob {
  msgId: string;
  msgDataId?: string;
  appId: string;
  createdAt: number;
  /** SEND_SUCCESS, SENDING, SEND_FAIL, DELETE. */
  status: string;
  request: unknown;
  totalCount: number;
  sentCount: number;
  errorCount: number;
  filterCount: number;
  clientMsgId?: string;
}

/** One WeChat-path call, recorded for the control API and for tests. */
export interface RequestLogEntry {
  time: number;
  method: string;
  /** The WeChat path, without the mount prefix and without the query. */
  path: string;
  appid?: string;
  errcode: number;
  rid?: string;
  status: number;
  latencyMs: number;
}

/** What openapi/rid/get reveals about a failed call. */
export interface RidRecord {
  rid: string;
  appid?: string;
  invokeTime: number;
  costInMs: number;
  requestUrl: string;
  requestBody: string;
  responseBody: string;
  clientIp: string;
}

export type FaultKind = "latency" | "http5xx" | "errcode" | "drop_push";

/** A fault injected through the control API, applied to the next `count` matching calls. */
export interface Fault {
  id: number;
  /** A WeChat path (`/cgi-bin/token`), `*` for every path, or a push target (`push`, `ticket`). */
  api: string;
  kind: FaultKind;
  /** Remaining applications. */
  count: number;
  /** latency: extra delay in real milliseconds. */
  ms?: number;
  /** http5xx: the status (default 503). */
  status?: number;
  /** errcode: the WeChat error to answer (default -1). */
  errcode?: number;
}

/** The whole state. */
export interface WorldState {
  version: 1;
  platforms: Record<string, Platform>;
  accounts: Record<string, Account>;
  /** appId → openId → follower. */
  followers: Record<string, Record<string, Follower>>;
  /** `${principalName}\u0000${personId}` → UnionID. */
  unionIds: Record<string, string>;
  /** token value → record. */
  tokens: Record<string, TokenRecord>;
  /** appId → tags. */
  tags: Record<string, TagBook>;
  /** appId → templates. */
  templates: Record<string, Template[]>;
  /** appId → menus. */
  menus: Record<string, MenuState>;
  /** ticket → QR code. */
  qrcodes: Record<string, QrCode>;
  /** appId → mass jobs, oldest first. */
  massJobs: Record<string, MassJob[]>;
  faults: Fault[];
  nextFaultId: number;
  requestLog: RequestLogEntry[];
  rids: Record<string, RidRecord>;
  /** State owned by plug-in modules (component, push, follower, apis), by module name. */
  extensions: Record<string, unknown>;
}
