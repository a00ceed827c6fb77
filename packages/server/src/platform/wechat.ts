import {
  type ApiCallRecord,
  defaultEndpoints,
  type TokenProvider,
  WeChatClient,
  type WeChatEndpoints,
} from "@wxgate/wechat";
import type { Kysely } from "kysely";
import type { Config, Mode } from "./config.js";
import { PlatformError } from "./errors.js";
import { newId } from "./ids.js";
import type { Logger } from "./logger.js";
import type { Clock } from "./ports.js";
import type { Database } from "./store/schema.js";

/** One outbound WeChat API attempt, as the call log keeps it. */
export interface ApiCallsTable {
  id: string;
  /** The account the call was made for; the platform's appid for its own calls. */
  appid: string | null;
  api: string;
  method: string;
  errcode: number;
  /** 1 when WeChat answered without error. */
  ok: number;
  /** The SDK's stable failure code (`wechat_api_error`, `timeout`, …). */
  error: string | null;
  rid: string | null;
  attempt: number;
  latency_ms: number;
  at: number;
}

declare module "./store/schema.js" {
  interface Database {
    api_calls: ApiCallsTable;
  }
}

/** The third-party platform (第三方平台) wxgate runs as. */
export interface PlatformCredentials {
  componentAppId: string;
  secret: string;
  /** 消息校验Token of the platform: verifies pushes to the authorization-event and message URLs. */
  token: string;
  encodingAESKey: string;
}

/** What other modules use to call WeChat for one connected account. */
export interface AccountWeChat {
  /** A client that adds the account's token (refreshing it once and retrying once when WeChat rejects it). */
  clientFor(appId: string): Promise<WeChatClient>;
  /** The account's token source, shared by every caller in this process. */
  tokenProviderFor(appId: string): Promise<TokenProvider>;
}

/** Runs when an account is deleted: remove every row of `appId` the hooking module owns. */
/** Deletes a module's rows of an account; may report rows deleted per table. */
export type AccountPurgeHook = (appId: string) => Promise<Record<string, number> | undefined>;

/** Told when an account's row changed (enabled, authorization, receipt config) or went away. */
export type AccountChangeHook = (appId: string) => void;

/** The emulated WeChat the sandbox mounts, as the connection needs it. */
export interface SandboxWorld {
  baseUrls(): { api: string; mp: string; open: string };
  world: {
    state: { extensions: Record<string, unknown>; platforms: Record<string, SandboxPlatform> };
    platform(componentAppId: string): SandboxPlatform | undefined;
  };
}

/** The fields of an emulated platform the connection reads and configures. */
export interface SandboxPlatform {
  componentAppId: string;
  secret: string;
  token: string;
  encodingAESKey: string;
  authEventUrl?: string;
  messageUrl?: string;
}

/** The path of the platform's authorization-event URL (授权事件接收URL). */
export const COMPONENT_EVENT_PATH = "/wechat/component";
/** The platform's message URL template (消息与事件接收URL); `$APPID$` is WeChat's placeholder. */
export const ACCOUNT_CALLBACK_PATH = "/wechat/accounts/$APPID$/callback";

/**
 * How wxgate reaches WeChat: the hosts, the third-party platform's credentials and clients
 * whose every call lands in the outbound call log. In sandbox mode the hosts and the platform
 * are those of the mounted emulator, known once the server listens ({@link attachSandbox}).
 */
export class WeChatConnection {
  readonly mode: Mode;
  readonly #config: Config;
  readonly #log: ApiCallLog;
  readonly #logger: Logger;
  #endpoints: WeChatEndpoints | undefined;
  #platform: PlatformCredentials | undefined;
  #origin: string;
  #generation = 0;
  readonly #listeners = new Set<() => void>();
  #accounts: AccountWeChat | undefined;
  readonly #purgeHooks: AccountPurgeHook[] = [];
  readonly #changeHooks: AccountChangeHook[] = [];

  constructor(deps: { config: Config; db: Kysely<Database>; clock: Clock; logger: Logger }) {
    this.mode = deps.config.mode;
    this.#config = deps.config;
    this.#logger = deps.logger.child({ component: "wechat" });
    this.#log = new ApiCallLog(deps.db, deps.clock, this.#logger);
    this.#origin = deps.config.publicUrl;
    if (this.mode === "production") {
      this.#endpoints = { ...defaultEndpoints };
      const component = deps.config.component;
      this.#platform = component
        ? {
            componentAppId: component.appId,
            secret: component.secret,
            token: component.token,
            encodingAESKey: component.encodingAESKey,
          }
        : undefined;
    }
  }

  /** Bumped whenever the hosts or the platform change: cached clients and credentials are rebuilt. */
  get generation(): number {
    return this.#generation;
  }

  /** The URL WeChat and browsers reach wxgate at (no trailing slash). */
  get origin(): string {
    return this.#origin;
  }

  /** True once the hosts are known (always in production; after {@link attachSandbox} in the sandbox). */
  get ready(): boolean {
    return this.#endpoints !== undefined;
  }

  /** @throws {PlatformError} `unavailable` while the sandbox WeChat is not mounted yet */
  endpoints(): WeChatEndpoints {
    if (!this.#endpoints) throw new PlatformError("unavailable", "the sandbox WeChat is not running yet");
    return this.#endpoints;
  }

  /** @throws {PlatformError} `unavailable` when no third-party platform is configured */
  platform(): PlatformCredentials {
    if (this.#platform) return this.#platform;
    throw new PlatformError(
      "unavailable",
      this.mode === "production"
        ? "no third-party platform is configured (WXGATE_COMPONENT_*)"
        : "the sandbox WeChat is not running yet",
    );
  }

  /** The platform when one is configured, without throwing. */
  platformIfAny(): PlatformCredentials | undefined {
    return this.#platform;
  }

  /**
   * A client for the current hosts whose calls are written to the call log under `appId`.
   * `token` (and `tokenQueryName`) attach a token provider.
   */
  client(options: { appId?: string; token?: TokenProvider; tokenQueryName?: string } = {}): WeChatClient {
    const appId = options.appId ?? null;
    return new WeChatClient({
      endpoints: this.endpoints(),
      ...(options.token ? { token: options.token } : {}),
      ...(options.tokenQueryName ? { tokenQueryName: options.tokenQueryName } : {}),
      onCall: (record) => this.#log.record(appId, record),
    });
  }

  /** Calls `listener` after the hosts or the platform changed. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Points the connection at the mounted emulator: its hosts under `origin`, its demo platform,
   * whose authorization-event URL and message URL template it sets to this server.
   */
  attachSandbox(sandbox: SandboxWorld, origin: string): void {
    if (this.mode !== "sandbox") return;
    const base = origin.replace(/\/+$/, "");
    const urls = sandbox.baseUrls();
    this.#origin = base;
    this.#endpoints = { api: urls.api, mp: urls.mp, open: urls.open };
    const platform = demoPlatform(sandbox);
    if (platform) {
      platform.authEventUrl = `${base}${COMPONENT_EVENT_PATH}`;
      platform.messageUrl = `${base}${ACCOUNT_CALLBACK_PATH}`;
      this.#platform = {
        componentAppId: platform.componentAppId,
        secret: platform.secret,
        token: platform.token,
        encodingAESKey: platform.encodingAESKey,
      };
    }
    this.#generation++;
    this.#logger.info(
      { api: urls.api, componentAppId: platform?.componentAppId },
      "using the sandbox WeChat",
    );
    for (const listener of this.#listeners) listener();
  }

  /** Called once by the accounts module: the per-account clients other modules use. */
  provideAccounts(accounts: AccountWeChat): void {
    this.#accounts = accounts;
  }

  /** @see AccountWeChat.clientFor */
  clientFor(appId: string): Promise<WeChatClient> {
    return this.#requireAccounts().clientFor(appId);
  }

  /** @see AccountWeChat.tokenProviderFor */
  tokenProviderFor(appId: string): Promise<TokenProvider> {
    return this.#requireAccounts().tokenProviderFor(appId);
  }

  /** Registers what to delete when an account is deleted (events, deliveries, …). */
  onAccountPurge(hook: AccountPurgeHook): void {
    this.#purgeHooks.push(hook);
  }

  /** Registers what must forget cached account state when the account changes (e.g. the gateway). */
  onAccountChange(hook: AccountChangeHook): void {
    this.#changeHooks.push(hook);
  }

  /** Tells every change hook that `appId` changed; called by the accounts repository on every write. */
  accountChanged(appId: string): void {
    for (const hook of this.#changeHooks) hook(appId);
  }

  /** The registered purge hooks, in registration order. */
  purgeHooks(): readonly AccountPurgeHook[] {
    return [...this.#purgeHooks];
  }

  /** Waits until every API call made so far is in the call log. */
  flushCallLog(): Promise<void> {
    return this.#log.flush();
  }

  /** Whether this deployment talks to the real WeChat (and must refuse private addresses). */
  get production(): boolean {
    return this.#config.mode === "production";
  }

  #requireAccounts(): AccountWeChat {
    if (!this.#accounts) throw new Error("the accounts module is not mounted");
    return this.#accounts;
  }
}

function demoPlatform(sandbox: SandboxWorld): SandboxPlatform | undefined {
  const demo = sandbox.world.state.extensions["demo"];
  const id =
    demo !== null &&
    typeof demo === "object" &&
    "componentAppId" in demo &&
    typeof demo.componentAppId === "string"
      ? demo.componentAppId
      : undefined;
  return (id ? sandbox.world.platform(id) : undefined) ?? Object.values(sandbox.world.state.platforms)[0];
}

/** Writes every WeChat API attempt to `api_calls`, without slowing the call down. */
class ApiCallLog {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  readonly #pending = new Set<Promise<void>>();

  /** Waits for the writes under way (before purging an account's rows, or in tests). */
  async flush(): Promise<void> {
    await Promise.all([...this.#pending]);
  }

  record(appId: string | null, record: ApiCallRecord): void {
    const at = this.clock.now();
    const write = this.db
      .insertInto("api_calls")
      .values({
        id: newId(at),
        appid: appId,
        api: record.api,
        method: record.method,
        errcode: record.errcode,
        ok: record.ok ? 1 : 0,
        error: record.error ?? null,
        rid: record.rid ?? null,
        attempt: record.attempt,
        latency_ms: Math.round(record.latencyMs),
        at,
      })
      .execute()
      .then(
        () => undefined,
        (error: unknown) => {
          this.logger.warn({ err: error, api: record.api }, "the API call could not be logged");
        },
      )
      .finally(() => this.#pending.delete(write));
    this.#pending.add(write);
  }
}
