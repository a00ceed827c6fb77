import {
  type ApiCallRecord,
  defaultEndpoints,
  type TokenProvider,
  WeChatClient,
  type WeChatEndpoints,
} from "@wxgate/wechat";
import type { Config, Mode } from "./config.js";
import { PlatformError } from "./errors.js";
import type { Logger } from "./logger.js";
import { wechatTransport } from "./wechat-transport.js";

/**
 * Where every outbound WeChat API attempt is recorded. The port lives here, with the clients
 * that feed it; the module owning the call log's table installs the adapter
 * ({@link WeChatConnection.useCallLog}).
 */
export interface CallLog {
  /** Takes one attempt without slowing the call down (`appId` null for calls of no account). */
  record(appId: string | null, record: ApiCallRecord): void;
  /** Waits until every attempt taken so far is stored. */
  flush(): Promise<void>;
}

/** The third-party platform (第三方平台) wxgate runs as. */
export interface PlatformCredentials {
  componentAppId: string;
  secret: string;
  /** 消息校验Token of the platform: verifies pushes to the authorization-event and message URLs. */
  token: string;
  encodingAESKey: string;
}

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
  #log: CallLog | undefined;
  readonly #logger: Logger;
  #endpoints: WeChatEndpoints | undefined;
  #platform: PlatformCredentials | undefined;
  #origin: string;
  #generation = 0;
  readonly #listeners = new Set<() => void>();
  /** One pool of connections for every client's JSON calls. */
  readonly #transport = wechatTransport();

  constructor(deps: { config: Config; logger: Logger }) {
    this.mode = deps.config.mode;
    this.#config = deps.config;
    this.#logger = deps.logger.child({ component: "wechat" });
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
      onCall: (record) => this.#log?.record(appId, record),
      transport: this.#transport,
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

  /** Installs the call log every client made from now on writes to (one per connection). */
  useCallLog(log: CallLog): void {
    if (this.#log) throw new Error("the WeChat call log is installed already");
    this.#log = log;
  }

  /** Waits until every API call made so far is in the call log. */
  async flushCallLog(): Promise<void> {
    await this.#log?.flush();
  }

  /** Whether this deployment talks to the real WeChat (and must refuse private addresses). */
  get production(): boolean {
    return this.#config.mode === "production";
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
