import type { InboundMessage } from "@wxgate/wechat";
import type { EventFanout } from "./ports.js";

/**
 * The gateway's one fan-out, to which modules listed after callbacks add theirs (the webhooks
 * module): the gateway asks whether anyone wants a push, and tells everyone once it is recorded.
 */
export class EventFanouts implements EventFanout {
  readonly #fanouts: EventFanout[] = [];

  /** Adds a fan-out; `first` puts it before the others (they are asked in that order). */
  register(fanout: EventFanout, position: "first" | "last" = "last"): void {
    if (position === "first") this.#fanouts.unshift(fanout);
    else this.#fanouts.push(fanout);
  }

  wants(appId: string, message: InboundMessage): boolean | Promise<boolean> {
    // One listener (the usual case) is asked directly, so a synchronous answer stays one.
    if (this.#fanouts.length === 1) return this.#fanouts[0]!.wants(appId, message);
    return this.#anyWants(appId, message);
  }

  recorded(): void {
    for (const fanout of this.#fanouts) fanout.recorded();
  }

  /**
   * Every fan-out is asked, even once one wants the push: some read every push as it passes
   * (menu taps, QR-code attribution, follower activity) and must see it whatever the others say.
   */
  async #anyWants(appId: string, message: InboundMessage): Promise<boolean> {
    let wanted = false;
    for (const fanout of this.#fanouts) if (await fanout.wants(appId, message)) wanted = true;
    return wanted;
  }
}
