import type { InboundMessage } from "@wxgate/wechat";
import type { EventFanout } from "../callbacks/index.js";
import { eventFields } from "../callbacks/index.js";
import { type ActiveWebhook, type ActiveWebhooks, matches } from "./active.js";

/**
 * The gateway's question on its hot path — does any queued (non-reply) webhook want this
 * push? — answered from the active webhooks in memory, and its notice that marked events were
 * committed, passed to the delivery worker.
 */
export class WebhookRouting implements EventFanout {
  constructor(
    private readonly options: {
      webhooks: ActiveWebhooks;
      /** Tells the delivery worker that events marked for fan-out were committed. */
      eventsRecorded: () => void;
    },
  ) {}

  /** EventFanout: does any queued (non-reply) webhook want this event? */
  wants(appId: string, message: InboundMessage): boolean | Promise<boolean> {
    const fields = eventFields(message);
    const test = (active: ActiveWebhook[]) =>
      active.some((w) => w.row.reply === 0 && matches(w, appId, fields.msgType, fields.event));
    const current = this.options.webhooks.current();
    return current ? test(current) : this.options.webhooks.load().then(test);
  }

  /** EventFanout: events marked for fan-out are committed; the worker takes them from there. */
  recorded(): void {
    this.options.eventsRecorded();
  }
}
