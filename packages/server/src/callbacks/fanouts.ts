import type { InboundMessage } from "@wxgate/wechat";
import type { EventFanout } from "./ports.js";

/**
 * The gateway's one fan-out, to which modules listed after callbacks add theirs (the webhooks
 * module): the gateway asks whether anyone wants a push, and tells everyone once it is recorded.
 */
export class EventFanouts implements EventFanout {
  readonly #fanouts: EventFanout[] = [];

  register(fanout: EventFanout): void {
    this.#fanouts.push(fanout);
  }

  wants(appId: string, message: InboundMessage): boolean | Promise<boolean> {
    // One listener (the usual case) is asked directly, so a synchronous answer stays one.
    if (this.#fanouts.length === 1) return this.#fanouts[0]!.wants(appId, message);
    return this.#anyWants(appId, message);
  }

  recorded(): void {
    for (const fanout of this.#fanouts) fanout.recorded();
  }

  async #anyWants(appId: string, message: InboundMessage): Promise<boolean> {
    // Every fan-out is asked, even after one said yes: some only observe (the followers' activity).
    let wanted = false;
    for (const fanout of this.#fanouts) if (await fanout.wants(appId, message)) wanted = true;
    return wanted;
  }
}
