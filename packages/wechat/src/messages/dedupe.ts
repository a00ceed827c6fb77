import { createHash } from "node:crypto";
import type { InboundMessage } from "./types.js";

/**
 * The key under which a push is de-duplicated across WeChat's retries (3 tries, 5 s apart):
 * messages by account + MsgId; events by account + FromUserName + CreateTime + Event (and
 * the job's MsgID when the event reports a job);
 * platform pushes by platform + InfoType + CreateTime + what they are about; anything
 * else by its routing fields or, lacking those, a digest of its content.
 */
export function dedupeKey(message: InboundMessage): string {
  switch (message.kind) {
    case "message":
      return `msg:${message.toUserName}:${message.msgId}`;
    case "event": {
      const key = `event:${message.toUserName}:${message.fromUserName}:${message.createTime}:${message.event}`;
      // Job reports (MASSSENDJOBFINISH, TEMPLATESENDJOBFINISH) name their job: several jobs
      // finishing within the same second are different pushes, not retries of one.
      const msgId = message.raw.MsgID ?? message.raw.MsgId;
      return typeof msgId === "string" || typeof msgId === "number" ? `${key}:${msgId}` : key;
    }
    case "component": {
      const subject =
        message.infoType === "component_verify_ticket"
          ? message.componentVerifyTicket
          : message.authorizerAppid;
      return `component:${message.appId}:${message.infoType}:${message.createTime}:${subject}`;
    }
    case "unknown": {
      const msgId = message.raw.MsgId ?? message.raw.MsgID;
      if (typeof msgId === "string" && message.toUserName !== undefined) {
        return `msg:${message.toUserName}:${msgId}`;
      }
      if (message.fromUserName !== undefined && message.createTime !== undefined) {
        const what = message.event ?? message.msgType ?? "";
        return `event:${message.toUserName ?? ""}:${message.fromUserName}:${message.createTime}:${what}`;
      }
      const digest = createHash("sha1").update(JSON.stringify(message.raw)).digest("hex");
      return `raw:${digest}`;
    }
  }
}
