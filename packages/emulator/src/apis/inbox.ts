import type { Follower, InboxItem } from "../world/types.js";

/**
 * Items kept per follower (at least; up to 10% more between trims). A sandbox that sends
 * thousands of messages to one follower (load tests) would otherwise grow without bound; the
 * newest items are the ones anyone looks at.
 */
export const INBOX_CAPACITY = 500;
/** Trimming in batches keeps delivery O(1): shifting 500 items per message showed in profiles. */
const INBOX_TRIM_AT = INBOX_CAPACITY + INBOX_CAPACITY / 10;

/** Puts an item in the follower's inbox (what the person would see in the chat). */
export function deliver(follower: Follower, item: InboxItem): void {
  const inbox = follower.inbox;
  inbox.push(item);
  if (inbox.length > INBOX_TRIM_AT) inbox.splice(0, inbox.length - INBOX_CAPACITY);
}
