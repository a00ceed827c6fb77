import { buildXml, type XmlBuildRecord } from "@wxgate/wechat";
import type { Account } from "../world/types.js";

/** The common head of every push made on a follower's behalf. */
function head(account: Account, openId: string, now: number, msgType: string): XmlBuildRecord {
  return {
    ToUserName: account.originalId,
    FromUserName: openId,
    CreateTime: Math.floor(now / 1000),
    MsgType: msgType,
  };
}

/**
 * A user message. MsgId is written bare (no CDATA), as WeChat does: a 64-bit number that
 * only a string holds exactly.
 */
export function messageXml(
  account: Account,
  openId: string,
  now: number,
  msgType: string,
  fields: XmlBuildRecord,
  msgId: string,
): string {
  if (!/^\d+$/.test(msgId)) throw new RangeError("MsgId must be decimal digits");
  const xml = buildXml({ ...head(account, openId, now, msgType), ...fields });
  return `${xml.slice(0, -"</xml>".length)}<MsgId>${msgId}</MsgId></xml>`;
}

/** An event (`MsgType` event). */
export function eventXml(
  account: Account,
  openId: string,
  now: number,
  event: string,
  fields: XmlBuildRecord = {},
): string {
  return buildXml({ ...head(account, openId, now, "event"), Event: event, ...fields });
}
