import type { InboundMessage } from "@wxgate/wechat";
import type { EventFanout } from "../callbacks/index.js";
import type { Logger } from "../platform/logger.js";
import type { Clock } from "../platform/ports.js";
import type { MassBatchesRepository } from "./mass-batches.js";
import type { RecipientsRepository } from "./recipients.js";
import type { CampaignsRepository } from "./repository.js";

/** A receipt as the campaigns read it. */
export interface Receipt {
  openid: string;
  channel: "template" | "subscribe";
  msgid: string;
  confirmed: boolean;
}

function text(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

/**
 * The receipt a push carries, or undefined: TEMPLATESENDJOBFINISH (`success`, `failed:user
 * block`, `failed: system failed`) and subscribe_msg_sent_event (ErrorCode 0 is delivered).
 */
export function receiptOf(message: InboundMessage): Receipt | undefined {
  if (message.kind !== "event") return undefined;
  const raw = message.raw;
  const openid = text(raw.FromUserName);
  if (!openid) return undefined;
  if (raw.Event === "TEMPLATESENDJOBFINISH") {
    const msgid = text(raw.MsgID ?? raw.MsgId);
    if (!msgid) return undefined;
    return { openid, channel: "template", msgid, confirmed: text(raw.Status) === "success" };
  }
  if (raw.Event === "subscribe_msg_sent_event") {
    const list = raw.SubscribeMsgSentEvent;
    const item =
      list !== null && typeof list === "object" && "List" in list
        ? (list as { List: unknown }).List
        : undefined;
    const entry = Array.isArray(item) ? item[0] : item;
    if (entry === null || typeof entry !== "object") return undefined;
    const fields = entry as Record<string, unknown>;
    const msgid = text(fields.MsgID);
    if (!msgid) return undefined;
    return { openid, channel: "subscribe", msgid, confirmed: text(fields.ErrorCode) === "0" };
  }
  return undefined;
}

/** MASSSENDJOBFINISH's msg_id and counts, or undefined. */
export function massReceiptOf(
  message: InboundMessage,
): { msgid: string; sent: number; errors: number; filtered: number } | undefined {
  if (message.kind !== "event" || message.raw.Event !== "MASSSENDJOBFINISH") return undefined;
  const raw = message.raw;
  const msgid = text(raw.MsgID ?? raw.MsgId);
  if (!msgid) return undefined;
  const count = (value: unknown) => Number(text(value) ?? 0) || 0;
  return {
    msgid,
    sent: count(raw.SentCount),
    errors: count(raw.ErrorCount),
    filtered: count(raw.FilterCount),
  };
}

/**
 * Reads the receipts from the callback stream (registered with the gateway's fan-outs) and
 * writes each on its delivery row before the push is answered, so a receipt WeChat was told
 * we have is never lost to a crash. It never asks for the push to be fanned out.
 */
export class CampaignReceipts implements EventFanout {
  constructor(
    private readonly deps: {
      recipients: RecipientsRepository;
      campaigns: CampaignsRepository;
      batches: MassBatchesRepository;
      clock: Clock;
      logger: Logger;
    },
  ) {}

  wants(appId: string, message: InboundMessage): boolean | Promise<boolean> {
    const mass = massReceiptOf(message);
    if (mass) {
      const now = this.deps.clock.now();
      // A sendall names the campaign's msg_id; a mass/send batch names its own.
      return Promise.all([
        this.deps.campaigns.massReceipt(appId, mass.msgid, mass, now),
        this.deps.batches.receipt(appId, mass.msgid, mass, now),
      ]).then(
        () => false,
        (error: unknown) => {
          this.deps.logger.error({ err: error, appId }, "mass receipt not recorded");
          return false;
        },
      );
    }
    const receipt = receiptOf(message);
    if (!receipt) return false;
    return this.deps.recipients.applyReceipt({ appid: appId, ...receipt, now: this.deps.clock.now() }).then(
      () => false,
      (error: unknown) => {
        this.deps.logger.error({ err: error, appId }, "campaign receipt not recorded");
        return false;
      },
    );
  }

  recorded(): void {}
}
