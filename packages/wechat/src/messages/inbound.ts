import { type ParseXmlOptions, parseXml, type XmlRecord } from "../xml/index.js";
import {
  leafText,
  optionalText,
  recordList,
  requiredDecimal,
  requiredInteger,
  requiredText,
} from "./fields.js";
import type {
  ComponentPush,
  EventMessage,
  InboundMessage,
  SubscribeChangeItem,
  SubscribeEvent,
  SubscribePopupItem,
  SubscribeSentItem,
  UnknownMessage,
  UserMessage,
} from "./types.js";

const QR_SCENE_PREFIX = "qrscene_";

/**
 * The fields every follower message shares. They are read before the type's own fields, so
 * a push missing several names the first of these.
 */
function messageHead<T extends UserMessage["msgType"]>(raw: XmlRecord, msgType: T) {
  return {
    kind: "message" as const,
    msgType,
    raw,
    toUserName: requiredText(raw, "ToUserName"),
    fromUserName: requiredText(raw, "FromUserName"),
    createTime: requiredInteger(raw, "CreateTime"),
    msgId: requiredText(raw, "MsgId"),
  };
}

/** The head every event shares. */
function eventHead<T extends EventMessage["event"]>(raw: XmlRecord, event: T) {
  return {
    kind: "event" as const,
    msgType: "event" as const,
    event,
    raw,
    toUserName: requiredText(raw, "ToUserName"),
    fromUserName: requiredText(raw, "FromUserName"),
    createTime: requiredInteger(raw, "CreateTime"),
  };
}

/**
 * A typed push: the shared head with the type's own fields added after it. Filling the head in
 * place rather than spreading it into a fresh literal keeps this hot path at two objects a push.
 */
function complete<H extends object, F extends object>(head: H, fields: F): H & F {
  return Object.assign(head, fields);
}

function unknown(raw: XmlRecord): UnknownMessage {
  const message: UnknownMessage = { kind: "unknown", raw };
  const msgType = leafText(raw, "MsgType");
  const event = leafText(raw, "Event");
  const infoType = leafText(raw, "InfoType");
  const toUserName = leafText(raw, "ToUserName");
  const fromUserName = leafText(raw, "FromUserName");
  const createTime = leafText(raw, "CreateTime");
  if (msgType !== undefined) message.msgType = msgType;
  if (event !== undefined) message.event = event;
  if (infoType !== undefined) message.infoType = infoType;
  if (toUserName !== undefined) message.toUserName = toUserName;
  if (fromUserName !== undefined) message.fromUserName = fromUserName;
  if (createTime !== undefined && /^\d{1,15}$/.test(createTime)) message.createTime = Number(createTime);
  return message;
}

function userMessage(raw: XmlRecord, msgType: string): UserMessage | undefined {
  switch (msgType) {
    case "text":
      return complete(messageHead(raw, msgType), { content: requiredText(raw, "Content") });
    case "image":
      return complete(messageHead(raw, msgType), {
        picUrl: requiredText(raw, "PicUrl"),
        mediaId: requiredText(raw, "MediaId"),
      });
    case "voice": {
      const recognition = optionalText(raw, "Recognition");
      return complete(messageHead(raw, msgType), {
        mediaId: requiredText(raw, "MediaId"),
        format: requiredText(raw, "Format"),
        ...(recognition === undefined ? {} : { recognition }),
      });
    }
    case "video":
    case "shortvideo":
      return complete(messageHead(raw, msgType), {
        mediaId: requiredText(raw, "MediaId"),
        thumbMediaId: requiredText(raw, "ThumbMediaId"),
      });
    case "location":
      return complete(messageHead(raw, msgType), {
        locationX: requiredDecimal(raw, "Location_X"),
        locationY: requiredDecimal(raw, "Location_Y"),
        scale: requiredDecimal(raw, "Scale"),
        label: requiredText(raw, "Label"),
      });
    case "link":
      return complete(messageHead(raw, msgType), {
        title: requiredText(raw, "Title"),
        description: requiredText(raw, "Description"),
        url: requiredText(raw, "Url"),
      });
    default:
      return undefined;
  }
}

/** `List` items under the event's wrapper element (or, leniently, at the root). */
function subscribeList(raw: XmlRecord, wrapper: string): XmlRecord[] {
  const container = raw[wrapper];
  const holder =
    container !== undefined && typeof container !== "string" && !Array.isArray(container) ? container : raw;
  return recordList(holder.List, "List");
}

function subscribeChange(item: XmlRecord): SubscribeChangeItem {
  return {
    templateId: requiredText(item, "TemplateId"),
    subscribeStatusString: requiredText(item, "SubscribeStatusString"),
  };
}

function subscribePopup(item: XmlRecord): SubscribePopupItem {
  const popupScene = optionalText(item, "PopupScene");
  const choice: SubscribePopupItem = subscribeChange(item);
  if (popupScene !== undefined) choice.popupScene = popupScene;
  return choice;
}

function subscribeSent(item: XmlRecord): SubscribeSentItem {
  return {
    templateId: requiredText(item, "TemplateId"),
    msgId: requiredText(item, "MsgID"),
    errorCode: requiredInteger(item, "ErrorCode"),
    errorStatus: requiredText(item, "ErrorStatus"),
  };
}

function eventMessage(raw: XmlRecord, event: string): EventMessage | undefined {
  switch (event) {
    case "subscribe": {
      const eventKey = optionalText(raw, "EventKey");
      const ticket = optionalText(raw, "Ticket");
      const message: SubscribeEvent = eventHead(raw, event);
      if (eventKey) message.eventKey = eventKey;
      if (ticket) message.ticket = ticket;
      if (eventKey?.startsWith(QR_SCENE_PREFIX)) message.scene = eventKey.slice(QR_SCENE_PREFIX.length);
      return message;
    }
    case "unsubscribe":
      return eventHead(raw, event);
    case "SCAN": {
      const eventKey = requiredText(raw, "EventKey");
      const ticket = optionalText(raw, "Ticket");
      return complete(eventHead(raw, event), { eventKey, scene: eventKey, ...(ticket ? { ticket } : {}) });
    }
    case "LOCATION":
      return complete(eventHead(raw, event), {
        latitude: requiredDecimal(raw, "Latitude"),
        longitude: requiredDecimal(raw, "Longitude"),
        precision: requiredDecimal(raw, "Precision"),
      });
    case "CLICK":
      return complete(eventHead(raw, event), { eventKey: requiredText(raw, "EventKey") });
    case "VIEW": {
      const menuId = optionalText(raw, "MenuId");
      return complete(eventHead(raw, event), {
        eventKey: requiredText(raw, "EventKey"),
        ...(menuId ? { menuId } : {}),
      });
    }
    case "TEMPLATESENDJOBFINISH":
      return complete(eventHead(raw, event), {
        msgId: requiredText(raw, "MsgID"),
        status: requiredText(raw, "Status"),
      });
    case "MASSSENDJOBFINISH":
      return complete(eventHead(raw, event), {
        msgId: requiredText(raw, "MsgID"),
        status: requiredText(raw, "Status"),
        totalCount: requiredInteger(raw, "TotalCount"),
        filterCount: requiredInteger(raw, "FilterCount"),
        sentCount: requiredInteger(raw, "SentCount"),
        errorCount: requiredInteger(raw, "ErrorCount"),
      });
    case "subscribe_msg_popup_event":
      return complete(eventHead(raw, event), {
        list: subscribeList(raw, "SubscribeMsgPopupEvent").map(subscribePopup),
      });
    case "subscribe_msg_change_event":
      return complete(eventHead(raw, event), {
        list: subscribeList(raw, "SubscribeMsgChangeEvent").map(subscribeChange),
      });
    case "subscribe_msg_sent_event":
      return complete(eventHead(raw, event), {
        list: subscribeList(raw, "SubscribeMsgSentEvent").map(subscribeSent),
      });
    default:
      return undefined;
  }
}

function componentPush(raw: XmlRecord, infoType: string): ComponentPush | undefined {
  const base = {
    kind: "component" as const,
    raw,
    appId: requiredText(raw, "AppId"),
    createTime: requiredInteger(raw, "CreateTime"),
  };
  switch (infoType) {
    case "component_verify_ticket":
      return { ...base, infoType, componentVerifyTicket: requiredText(raw, "ComponentVerifyTicket") };
    case "authorized":
    case "updateauthorized":
      return {
        ...base,
        infoType,
        authorizerAppid: requiredText(raw, "AuthorizerAppid"),
        authorizationCode: requiredText(raw, "AuthorizationCode"),
        authorizationCodeExpiredTime: requiredInteger(raw, "AuthorizationCodeExpiredTime"),
        preAuthCode: requiredText(raw, "PreAuthCode"),
      };
    case "unauthorized":
      return { ...base, infoType, authorizerAppid: requiredText(raw, "AuthorizerAppid") };
    default:
      return undefined;
  }
}

/**
 * Types a parsed push: a follower's message, an event, a third-party platform push
 * (`InfoType`), or `unknown` (kept whole) for anything this SDK does not name.
 *
 * @throws {WeChatCryptoError} -40002 (`missing_field`, `bad_field`) when a push of a known
 *   type lacks one of its fields, repeats it, or carries a malformed number
 */
export function toInboundMessage(record: XmlRecord): InboundMessage {
  const msgType = leafText(record, "MsgType");
  if (msgType !== undefined) {
    const typed =
      msgType === "event"
        ? eventMessage(record, leafText(record, "Event") ?? "")
        : userMessage(record, msgType);
    return typed ?? unknown(record);
  }
  const infoType = leafText(record, "InfoType");
  if (infoType !== undefined) return componentPush(record, infoType) ?? unknown(record);
  return unknown(record);
}

/**
 * Parses and types a decrypted push document, whether sent to a message URL or to a third-party
 * platform's authorization-event URL ({@link parseComponentPush} is the same function).
 *
 * @throws {WeChatCryptoError} -40002 for malformed XML or fields
 * @throws {PayloadTooLargeError} beyond `options.maxBytes`
 */
export function parseMessage(xml: string, options?: ParseXmlOptions): InboundMessage {
  return toInboundMessage(parseXml(xml, options));
}

/** Alias of {@link parseMessage}: component pushes are told apart by their `InfoType`. */
export const parseComponentPush = parseMessage;
