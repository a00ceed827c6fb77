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
 * Raises the events of asynchronous jobs (TEMPLATESENDJOBFINISH, MASSSENDJOBFINISH): keeps
 * them for the control API and hands them to the push module when it is registered, which
 * delivers them to the account's server (signed, encrypted and retried as WeChat does).
 */
export class EventOutbox {
  private readonly byAccount = new Map<string, RaisedEvent[]>();

  constructor(private readonly ctx: EmulatorContext) {}

  /** Records the event and starts its push; does not wait for the account's server. */
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
      const work = pusher
        .pushToAccount({
          appId: account.appId,
          xml: buildXml(event.fields),
          event: `event:${fields.Event}`,
          openId: fromOpenId,
        })
        .then(
          (result) => {
            event.push = result.outcome;
          },
          () => {
            event.push = "failed";
          },
        );
      pusher.track?.(work);
    }
    return event;
  }

  /** The events raised for an account, oldest first. */
  list(appId: string): RaisedEvent[] {
    return [...(this.byAccount.get(appId) ?? [])];
  }
}
