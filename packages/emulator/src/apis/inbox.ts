import type { InboxItem } from "../world/types.js";
import type { World } from "../world/world.js";
import type { DeliveryChannel, DeliveryLedger } from "./deliveries.js";

/**
 * Items kept per follower (at least; up to 10% more between trims). A sandbox that sends
 * thousands of messages to one follower (load tests) would otherwise grow without bound; the
 * newest items are the ones anyone looks at.
 */
export const INBOX_CAPACITY = 500;
/** Trimming in batches keeps delivery O(1): shifting 500 items per message showed in profiles. */
const INBOX_TRIM_AT = INBOX_CAPACITY + INBOX_CAPACITY / 10;

/** Puts an item in the follower's inbox (what the person would see in the chat). */
export function deliver(follower: { inbox: InboxItem[] }, item: InboxItem): void {
  const inbox = follower.inbox;
  inbox.push(item);
  if (inbox.length > INBOX_TRIM_AT) inbox.splice(0, inbox.length - INBOX_CAPACITY);
}

/** What a sending API hands to {@link deliverSent}. */
export interface SentMessage {
  appId: string;
  openId: string;
  channel: DeliveryChannel;
  /** Template id (template, subscribe) or mass msg_id; none for custom messages. */
  id?: string;
  item: InboxItem;
}

/**
 * Delivers a message of a sending API. It is always counted in the ledger; its full text goes
 * to the inbox of a stored follower only — what the sandbox phone and the tests read. A crowd
 * member nobody looked up stays a count (a million template messages cost a megabyte, not a
 * million objects); its inbox shows what arrives after it becomes a stored follower.
 */
export function deliverSent(world: World, ledger: DeliveryLedger, message: SentMessage): void {
  ledger.record(message.appId, message.channel, message.id, message.openId);
  const stored = world.state.followers[message.appId]?.[message.openId];
  if (stored) deliver(stored, message.item);
}
