import type { InboundMessage } from "@wxgate/wechat";

/** The routing fields of a push: what the events table indexes and webhooks filter on. */
export interface EventFields {
  kind: string;
  msgType: string | null;
  event: string | null;
  fromOpenId: string | null;
  createTime: number | null;
}

export function eventFields(message: InboundMessage): EventFields {
  switch (message.kind) {
    case "message":
      return {
        kind: message.kind,
        msgType: message.msgType,
        event: null,
        fromOpenId: message.fromUserName,
        createTime: message.createTime,
      };
    case "event":
      return {
        kind: message.kind,
        msgType: "event",
        event: message.event,
        fromOpenId: message.fromUserName,
        createTime: message.createTime,
      };
    case "component":
      return {
        kind: message.kind,
        msgType: null,
        event: message.infoType,
        fromOpenId: null,
        createTime: message.createTime,
      };
    case "unknown":
      return {
        kind: message.kind,
        msgType: message.msgType ?? null,
        event: message.event ?? message.infoType ?? null,
        fromOpenId: message.fromUserName ?? null,
        createTime: message.createTime ?? null,
      };
  }
}
