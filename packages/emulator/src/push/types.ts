import type { Reply } from "@wxgate/wechat";
import type { PushMode } from "../world/types.js";

/** Where and how one push travels: a URL with the credentials WeChat signs and encrypts with. */
export interface PushTarget {
  url: string;
  token: string;
  encodingAESKey: string;
  mode: PushMode;
  /** The appid written inside the ciphertext: the account's, or the platform's for platform pushes. */
  cipherAppId: string;
  /**
   * What the push concerns, for the `drop_push` fault and the log: the account's appid for
   * message pushes, the platform's for authorization events, `ticket` for ticket pushes.
   */
  label: string;
  /** Set when the push goes to a third-party platform rather than the account's own server. */
  componentAppId?: string;
}

/** What one try ended in. */
export type PushTryOutcome =
  /** `success` or an empty body: no reply. */
  | "success"
  /** A passive reply (read and, for messages, delivered). */
  | "reply"
  /** Answered 200, but with a reply WeChat cannot read (bad signature, bad XML, refused type). */
  | "invalid_reply"
  /** No answer within the reply timeout. */
  | "timeout"
  /** Answered with a status other than 2xx. */
  | "http_error"
  /** Could not connect (refused, reset, DNS). */
  | "network_error"
  /** Lost on purpose by a `drop_push` fault: never sent. */
  | "dropped";

/** One try of one push, as the control API shows it. */
export interface PushAttempt {
  /** Increasing number of the push (all its tries share it). */
  pushId: number;
  /** Emulated time of the try. */
  at: number;
  target: string;
  /** `text`, `event:subscribe`, `info:component_verify_ticket`… */
  event: string;
  url: string;
  mode: PushMode;
  /** 1, 2 or 3. */
  try: number;
  /** HTTP status, 0 when there was none. */
  status: number;
  /** Real milliseconds the try took. */
  latencyMs: number;
  outcome: PushTryOutcome;
  /** Why the reply was refused or the try failed (never carries secrets). */
  detail?: string;
}

/** How a whole push ended. */
export type PushOutcome =
  | PushTryOutcome
  /** Every try failed (timeouts, 5xx, network). */
  | "failed"
  /** Nowhere to push: the account has no server configuration (or the platform no URL). */
  | "no_target"
  /** The follower is talking to a customer-service agent: the message went to the agent, not the server. */
  | "with_agent";

/** The result of {@link PushService.deliver} and the account / platform helpers. */
export interface PushResult {
  pushId: number;
  outcome: PushOutcome;
  /** Tries made (0 when dropped or nowhere to push). */
  tries: number;
  /** HTTP status of the last try (0 when none). */
  status: number;
  /** The target's label (see {@link PushTarget.label}). */
  target?: string;
  /** The passive reply, when the server answered with one. */
  reply?: Reply;
  /** The reply's plaintext XML. */
  replyXml?: string;
  /** Why the reply was refused or the push failed. */
  detail?: string;
}

/** Knobs of the delivery engine (real time: they govern network waits, not emulated time). */
export interface PushSettings {
  /** How long WeChat waits for an answer before retrying; 5000 ms like WeChat. */
  replyTimeoutMs: number;
  /** Tries in all, the first included; 3 like WeChat. */
  attempts: number;
  /** Push log capacity (oldest entries dropped first). */
  logCapacity: number;
}

/** A follower handed to customer service by a `transfer_customer_service` reply. */
export interface AgentSession {
  appId: string;
  openId: string;
  kfAccount?: string;
  startedAt: number;
  /** The session ends 30 minutes after this without activity. */
  lastActivityAt: number;
  /** Follower messages that went to the agent instead of the server. */
  forwarded: number;
}

export interface PushLogFilter {
  target?: string;
  event?: string;
  /** Only tries at or after this emulated time. */
  since?: number;
  /** The latest N matching tries. */
  limit?: number;
}

/** What to push to an account's server on behalf of a follower (or the account itself). */
export interface AccountPush {
  appId: string;
  /** The plaintext XML document, as WeChat writes it. */
  xml: string;
  /** Short name for the log: the MsgType, or `event:<Event>`. */
  event: string;
  /** The follower's OpenID (the `openid` query parameter and the inbox owner). */
  openId?: string;
  /** True for user messages (text, image…): only those may be handed to an agent. */
  userMessage?: boolean;
}

/**
 * The delivery engine other modules use (`ctx.use("push")`): signs and encrypts like WeChat,
 * retries like WeChat, honours `drop_push`, reads passive replies and logs every try.
 */
export interface PushService {
  /** Pushes `xml` to a target and reads the reply; never throws for network trouble. */
  deliver(target: PushTarget, xml: string, event: string, options?: { openId?: string }): Promise<PushResult>;
  /**
   * Pushes to an account's messages URL: its own server configuration, or the message URL of
   * the platform that holds its message management (permission set 1) authorization. A passive
   * reply lands in the follower's inbox; `transfer_customer_service` opens an agent session.
   */
  pushToAccount(push: AccountPush): Promise<PushResult>;
  /** Where pushes for an account go now (undefined: nowhere). */
  targetForAccount(appId: string): PushTarget | undefined;
  /** Pushes a document to a platform's authorization-event URL (tickets and authorization events). */
  pushToPlatform(componentAppId: string, xml: string, event: string, label?: string): Promise<PushResult>;
  /** Keeps a push that runs in the background in view, so {@link idle} waits for it. */
  track(work: Promise<unknown>): void;
  /** Resolves when every tracked background push has finished. */
  idle(): Promise<void>;
  /** The follower's open customer-service session, if any. */
  agentSession(appId: string, openId: string): AgentSession | undefined;
  settings(): PushSettings;
}

/** `control.push`. */
export interface PushControl {
  /** Every try, oldest first. */
  log(filter?: PushLogFilter): PushAttempt[];
  settings(): PushSettings;
  /** Changes the delivery settings (e.g. a 200 ms reply timeout in tests). */
  configure(settings: Partial<PushSettings>): PushSettings;
  /** Waits for background pushes (ticket requests, authorization pages) to finish. */
  idle(): Promise<void>;
  /** The follower's open customer-service session, if any. */
  agentSession(appId: string, openId: string): AgentSession | undefined;
  /** Ends a customer-service session now, as the agent closing it would. */
  endAgentSession(appId: string, openId: string): boolean;
}

declare module "../http/context.js" {
  interface EmulatorServices {
    push: PushService;
  }
}

declare module "../control/control.js" {
  interface EmulatorControlExtensions {
    push: PushControl;
  }
}
