import type { InboundMessage, PushMode, Reply } from "@wxgate/wechat";

/** What the gateway needs to know about an account to open its pushes. */
export interface CallbackCredentials {
  appId: string;
  /** A disabled account's pushes are still verified, answered `success` and recorded, never routed. */
  enabled: boolean;
  /** The Token of the push configuration. */
  token: string;
  encodingAESKey?: string;
  /** The key in force before the last rotation, still accepted. */
  previousEncodingAESKey?: string;
  /** The appid written inside ciphertexts: the component appid for platform-authorized accounts, the account's own for direct ones. */
  cipherAppId: string;
  /**
   * The one mode accepted, as configured for the account: `safe` takes encrypted pushes only;
   * `compatible` takes encrypted pushes carrying a plaintext copy, and verifies and uses the
   * encrypted part; only `plaintext` takes pushes whose sole proof is `signature`.
   */
  mode: PushMode;
}

/**
 * The port the accounts module implements for the gateway: push credentials by appid.
 * Called on every push, so it should be cheap (the gateway also caches the answer briefly).
 */
export interface CallbackAccounts {
  /** @returns undefined when no such account exists */
  credentialsFor(appId: string): Promise<CallbackCredentials | undefined>;
}

/** A verified push, as reply providers see it. */
export interface ReplyRequest {
  /** The event id under which the push is recorded. */
  eventId: string;
  appId: string;
  message: InboundMessage;
  plaintextXml: string;
  mode: PushMode;
  receivedAt: number;
}

/**
 * One source of passive replies (keyword auto-replies, reply webhooks, …). Providers run in
 * order; the first to return a reply wins. `signal` aborts when the reply budget is spent:
 * a provider must give up then, the push is answered `success`.
 */
export interface ReplyProvider {
  /** For logs. */
  readonly name: string;
  /** @returns the reply, or undefined to let the next provider answer */
  reply(request: ReplyRequest, signal: AbortSignal): Promise<Reply | undefined>;
}

/** Where recorded events go next; implemented by the webhooks module. */
export interface EventFanout {
  /** True when some webhook will want this event (decided on the hot path: keep it cheap). */
  wants(appId: string, message: InboundMessage): boolean | Promise<boolean>;
  /** Schedules the deliveries of a recorded event (durably: a queued job). */
  dispatch(eventId: string): Promise<void>;
}

/** A recorded event as the fan-out reads it. */
export interface EventEnvelope {
  id: string;
  appId: string;
  msgType: string | null;
  event: string | null;
  mode: string;
  receivedAt: number;
  /** The push's query string and body exactly as received. */
  query: string;
  body: string;
  plaintextXml: string;
}

/** The recorded events, as the webhooks module reads them. */
export interface EventEnvelopeSource {
  envelope(eventId: string): Promise<EventEnvelope | undefined>;
  markFannedOut(eventId: string): Promise<void>;
}
