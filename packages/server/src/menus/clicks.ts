import type { InboundMessage } from "@wxgate/wechat";
import type { EventFanout } from "../callbacks/index.js";
import type { Logger } from "../platform/logger.js";
import type { MenusRepository } from "./repository.js";

/** The menu events counted: a click button, a web page, a mini program page. */
export const countedEvents = ["CLICK", "VIEW", "view_miniprogram"] as const;
const counted: ReadonlySet<string> = new Set(countedEvents);

const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** The Beijing day (YYYY-MM-DD) of an instant: WeChat's users count their days there. */
export function beijingDay(epochMs: number): string {
  return new Date(epochMs + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

/** The counted menu tap a push is, if it is one. */
export function menuTapOf(
  message: InboundMessage,
): { event: string; key: string; createTime: number } | undefined {
  if (message.kind === "event" && (message.event === "CLICK" || message.event === "VIEW")) {
    return { event: message.event, key: message.eventKey, createTime: message.createTime };
  }
  // view_miniprogram is not one of the SDK's named events: its fields are in the raw document.
  if (message.kind === "unknown" && message.event !== undefined && counted.has(message.event)) {
    const key = message.raw.EventKey;
    if (typeof key !== "string" || message.createTime === undefined) return undefined;
    return { event: message.event, key, createTime: message.createTime };
  }
  return undefined;
}

/**
 * Counts menu taps as the gateway receives them. It observes through the gateway's fan-out
 * port but never asks for a fan-out of its own (`wants` answers false): a count is one upsert,
 * made before the push is answered, and a failed count is logged, never the push's failure.
 */
export class MenuClickCounter implements EventFanout {
  constructor(
    private readonly repository: MenusRepository,
    private readonly logger: Logger,
  ) {}

  async wants(appId: string, message: InboundMessage): Promise<boolean> {
    const tap = menuTapOf(message);
    if (!tap) return false;
    try {
      await this.repository.countClick({
        appid: appId,
        day: beijingDay(tap.createTime * 1000),
        event: tap.event,
        event_key: tap.key,
      });
    } catch (error) {
      this.logger.warn({ appId, event: tap.event, err: error }, "menu tap not counted");
    }
    return false;
  }

  recorded(): void {}
}
