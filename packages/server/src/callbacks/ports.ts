import type { InboundMessage, PushMode, Reply } from "@wxgate/wechat";
import type { Kysely } from "kysely";
import type { PushCredentials } from "../accounts/index.js";
import type { Database } from "../platform/store/schema.js";

/** What the gateway needs to know about an account to open its pushes (the accounts module's). */
export type CallbackCredentials = PushCredentials;

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
  /**
   * Told once events marked for fan-out are committed. The mark in the events table is what
   * makes the fan-out durable; this only wakes the worker that carries it out, so it costs the
   * push no write.
   */
  recorded(): void;
}

/** A recorded event as a delivery sends it. */
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

/**
 * An event waiting for its fan-out: what routing it to webhooks needs, and the envelope, so a
 * delivery sent as soon as the fan-out commits needs no second read of the event.
 */
export type PendingFanout = EventEnvelope;

/**
 * Writes done in the fan-out's transaction. The handle is the transaction itself: the
 * webhooks module writes its own tables through it, never the events table.
 */
export type FanoutTransaction = Kysely<Database>;

/** The recorded events, as the webhooks module reads them. */
export interface EventEnvelopeSource {
  /** The envelopes of these events, by id; events that no longer exist are absent. */
  envelopes(eventIds: readonly string[]): Promise<Map<string, EventEnvelope>>;
  /**
   * Takes up to `limit` events waiting for their fan-out, oldest first, and runs `fanOut` on
   * them in one transaction that also marks them done: what `fanOut` writes through the
   * transaction and the marks commit together, or neither does (the events stay pending).
   * Two processes never take the same events. Returns how many events were taken.
   */
  fanOutPending(
    limit: number,
    fanOut: (events: readonly PendingFanout[], transaction: FanoutTransaction) => Promise<void>,
  ): Promise<number>;
}
