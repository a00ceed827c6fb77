import { buildXml } from "@wxgate/wechat";
import type { EmulatorContext } from "../http/context.js";
import type { Account } from "../world/types.js";
import { isRecord, seconds } from "./input.js";

/** Fields of an event push after the common ones (ToUserName, FromUserName, CreateTime, MsgType). */
export type EventFields = { Event: string } & Record<string, string | number>;

/** An event the APIs module raised for an account (kept for the control API and tests). */
export interface RaisedEvent {
  appId: string;
  at: number;
  /** The whole event as it is pushed (XML element → value). */
  fields: Record<string, string | number>;
  /**
   * How the push ended (the push module's outcome: `success`, `failed`, `dropped`,
   * `no_target`…); `pending` while it travels, `no_push_module` when none is registered.
   */
  push: string;
}

/** Events kept per account for the control API (trimmed in batches, so up to 10% more). */
const EVENT_CAPACITY = 1000;
const EVENT_TRIM_AT = EVENT_CAPACITY + EVENT_CAPACITY / 10;

/** The part of the push module's service this module uses (kept structural: the push module is optional). */
interface AccountPusher {
  pushToAccount(push: {
    appId: string;
    xml: string;
    event: string;
    openId?: string;
  }): Promise<{ outcome: string }>;
  track?(work: Promise<unknown>): void;
}

function pusherOf(ctx: EmulatorContext): AccountPusher | undefined {
  const use = ctx.use as unknown as (name: string) => unknown;
  let service: unknown;
  try {
    service = use("push");
  } catch {
    return undefined;
  }
  return isRecord(service) && typeof service.pushToAccount === "function"
    ? (service as unknown as AccountPusher)
    : undefined;
}

/**
 * Pushes in flight at once. A million template sends finish as a million receipts; started all
 * at once they would open as many connections to the account's server (which WeChat never
 * does): they wait in a queue instead, and leave it as earlier pushes end. Fewer would make
 * the receipts of a campaign sending 1,000 a second fall ever further behind its sends (16
 * left them 14 s late on a loaded machine), which WeChat's own receipts are not.
 */
export const EVENT_PUSHES_IN_FLIGHT = 64;

interface QueuedPush {
  event: RaisedEvent;
  fromOpenId: string;
}

/**
 * Raises the events of asynchronous jobs (TEMPLATESENDJOBFINISH, MASSSENDJOBFINISH): keeps
 * them for the control API and hands them to the push module when it is registered, which
 * delivers them to the account's server (signed, encrypted and retried as WeChat does), at
 * most {@link EVENT_PUSHES_IN_FLIGHT} at a time, in the order raised.
 */
export class EventOutbox {
  private readonly byAccount = new Map<string, RaisedEvent[]>();
  /** Taken entries are cleared (so their events can go), then the list is compacted now and then. */
  private queue: (QueuedPush | undefined)[] = [];
  private head = 0;
  private inFlight = 0;
  /** Settles when the queue is empty and nothing is in flight (the push module's `idle` waits for it). */
  private drained: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(private readonly ctx: EmulatorContext) {}

  /** Records the event and queues its push; does not wait for the account's server. */
  raise(account: Account, fromOpenId: string, fields: EventFields): RaisedEvent {
    const now = this.ctx.clock.now();
    const event: RaisedEvent = {
      appId: account.appId,
      at: now,
      fields: {
        ToUserName: account.originalId,
        FromUserName: fromOpenId,
        CreateTime: seconds(now),
        MsgType: "event",
        ...fields,
      },
      push: "no_push_module",
    };
    const list = this.byAccount.get(account.appId) ?? [];
    list.push(event);
    if (list.length > EVENT_TRIM_AT) list.splice(0, list.length - EVENT_CAPACITY);
    this.byAccount.set(account.appId, list);
    const pusher = pusherOf(this.ctx);
    if (pusher) {
      event.push = "pending";
      this.queue.push({ event, fromOpenId });
      if (!this.drained) {
        let resolve = () => {};
        const promise = new Promise<void>((done) => {
          resolve = done;
        });
        this.drained = { promise, resolve };
        pusher.track?.(promise);
      }
      this.pump(pusher);
    }
    return event;
  }

  /** Pushes waiting for their turn. */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  /** The events raised for an account, oldest first. */
  list(appId: string): RaisedEvent[] {
    return [...(this.byAccount.get(appId) ?? [])];
  }

  private pump(pusher: AccountPusher): void {
    while (this.inFlight < EVENT_PUSHES_IN_FLIGHT && this.head < this.queue.length) {
      const { event, fromOpenId } = this.queue[this.head]!;
      this.queue[this.head] = undefined;
      this.head++;
      this.inFlight++;
      void pusher
        .pushToAccount({
          appId: event.appId,
          xml: buildXml(event.fields),
          event: `event:${String(event.fields.Event)}`,
          openId: fromOpenId,
        })
        .then(
          (result) => {
            event.push = result.outcome;
          },
          () => {
            event.push = "failed";
          },
        )
        .finally(() => {
          this.inFlight--;
          this.pump(pusher);
        });
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (this.inFlight === 0 && this.head >= this.queue.length && this.drained) {
      const { resolve } = this.drained;
      this.drained = undefined;
      resolve();
    }
  }
}
