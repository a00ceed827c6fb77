import type { XmlRecord } from "../xml/index.js";

/** Fields every parsed push keeps: the root element's children as received. */
interface PushBase {
  /** The decrypted document's root children, untouched (for fields this SDK does not name). */
  raw: XmlRecord;
}

/** Fields of every message and event sent on behalf of a follower. */
interface AddressedBase extends PushBase {
  /** The account's original id (`gh_…`). */
  toUserName: string;
  /** The follower's OpenID. */
  fromUserName: string;
  /** Seconds since the epoch. */
  createTime: number;
}

interface UserMessageBase extends AddressedBase {
  kind: "message";
  /** 64-bit id, kept as text. */
  msgId: string;
}

/** A follower sent text. */
export interface TextMessage extends UserMessageBase {
  msgType: "text";
  content: string;
}

/** A follower sent a picture. */
export interface ImageMessage extends UserMessageBase {
  msgType: "image";
  picUrl: string;
  mediaId: string;
}

/** A follower sent a voice note; `recognition` is present when speech recognition is on. */
export interface VoiceMessage extends UserMessageBase {
  msgType: "voice";
  mediaId: string;
  format: string;
  recognition?: string;
}

/** A follower sent a video. */
export interface VideoMessage extends UserMessageBase {
  msgType: "video";
  mediaId: string;
  thumbMediaId: string;
}

/** A follower sent a short video. */
export interface ShortVideoMessage extends UserMessageBase {
  msgType: "shortvideo";
  mediaId: string;
  thumbMediaId: string;
}

/** A follower shared a location. */
export interface LocationMessage extends UserMessageBase {
  msgType: "location";
  /** Latitude (`Location_X`). */
  locationX: number;
  /** Longitude (`Location_Y`). */
  locationY: number;
  scale: number;
  label: string;
}

/** A follower shared a link. */
export interface LinkMessage extends UserMessageBase {
  msgType: "link";
  title: string;
  description: string;
  url: string;
}

/** Every message a follower can send. */
export type UserMessage =
  | TextMessage
  | ImageMessage
  | VoiceMessage
  | VideoMessage
  | ShortVideoMessage
  | LocationMessage
  | LinkMessage;

interface EventBase extends AddressedBase {
  kind: "event";
  msgType: "event";
}

/** A follow. From a parametric QR code, `eventKey` is `qrscene_<scene>` and `scene` the bare scene. */
export interface SubscribeEvent extends EventBase {
  event: "subscribe";
  eventKey?: string;
  ticket?: string;
  scene?: string;
}

/** An unfollow. */
export interface UnsubscribeEvent extends EventBase {
  event: "unsubscribe";
}

/** A follower scanned a parametric QR code: `eventKey` (= `scene`) is the scene, no prefix. */
export interface ScanEvent extends EventBase {
  event: "SCAN";
  eventKey: string;
  scene: string;
  ticket?: string;
}

/** Location reported on entering the conversation. */
export interface LocationEvent extends EventBase {
  event: "LOCATION";
  latitude: number;
  longitude: number;
  precision: number;
}

/** A click on a `click` menu button. */
export interface ClickEvent extends EventBase {
  event: "CLICK";
  eventKey: string;
}

/** A click on a `view` menu button: `eventKey` is the URL. */
export interface ViewEvent extends EventBase {
  event: "VIEW";
  eventKey: string;
  menuId?: string;
}

/** Outcome of a template message (`success`, `failed:user block`, `failed: system failed`). */
export interface TemplateSendJobFinishEvent extends EventBase {
  event: "TEMPLATESENDJOBFINISH";
  /** `MsgID`, 64-bit, kept as text. */
  msgId: string;
  status: string;
}

/** Outcome of a mass send; the counts are numbers. */
export interface MassSendJobFinishEvent extends EventBase {
  event: "MASSSENDJOBFINISH";
  /** `MsgID`, 64-bit, kept as text. */
  msgId: string;
  status: string;
  totalCount: number;
  filterCount: number;
  sentCount: number;
  errorCount: number;
}

/** One template in a subscription pop-up answer. */
export interface SubscribePopupItem {
  templateId: string;
  /** `accept` or `reject`. */
  subscribeStatusString: string;
  popupScene?: string;
}

/** One template whose subscription a user changed in settings. */
export interface SubscribeChangeItem {
  templateId: string;
  subscribeStatusString: string;
}

/** One delivered (or failed) subscription message. */
export interface SubscribeSentItem {
  templateId: string;
  /** `MsgID`, kept as text. */
  msgId: string;
  errorCode: number;
  errorStatus: string;
}

/** A user answered a subscription-message pop-up. */
export interface SubscribeMsgPopupEvent extends EventBase {
  event: "subscribe_msg_popup_event";
  list: SubscribePopupItem[];
}

/** A user changed subscription-message settings. */
export interface SubscribeMsgChangeEvent extends EventBase {
  event: "subscribe_msg_change_event";
  list: SubscribeChangeItem[];
}

/** Delivery outcome of subscription messages. */
export interface SubscribeMsgSentEvent extends EventBase {
  event: "subscribe_msg_sent_event";
  list: SubscribeSentItem[];
}

/** Every event this SDK names. */
export type EventMessage =
  | SubscribeEvent
  | UnsubscribeEvent
  | ScanEvent
  | LocationEvent
  | ClickEvent
  | ViewEvent
  | TemplateSendJobFinishEvent
  | MassSendJobFinishEvent
  | SubscribeMsgPopupEvent
  | SubscribeMsgChangeEvent
  | SubscribeMsgSentEvent;

interface ComponentPushBase extends PushBase {
  kind: "component";
  /** The third-party platform's (component) appid. */
  appId: string;
  createTime: number;
}

/** The ticket WeChat pushes every 10 minutes to the platform's authorization-event URL. */
export interface ComponentVerifyTicketPush extends ComponentPushBase {
  infoType: "component_verify_ticket";
  componentVerifyTicket: string;
}

/** An account authorized the platform (`authorized`) or changed its permission sets (`updateauthorized`). */
export interface AuthorizationPush extends ComponentPushBase {
  infoType: "authorized" | "updateauthorized";
  authorizerAppid: string;
  authorizationCode: string;
  /** Seconds since the epoch. */
  authorizationCodeExpiredTime: number;
  preAuthCode: string;
}

/** An account withdrew its authorization. */
export interface UnauthorizationPush extends ComponentPushBase {
  infoType: "unauthorized";
  authorizerAppid: string;
}

/** Every push to a third-party platform's authorization-event URL that this SDK names. */
export type ComponentPush = ComponentVerifyTicketPush | AuthorizationPush | UnauthorizationPush;

/** Anything else, kept whole; the routing fields are copied out when present. */
export interface UnknownMessage extends PushBase {
  kind: "unknown";
  msgType?: string;
  event?: string;
  infoType?: string;
  toUserName?: string;
  fromUserName?: string;
  createTime?: number;
}

/**
 * Every inbound push, discriminated by `kind` (`message` | `event` | `component` | `unknown`),
 * then by `msgType`, `event` or `infoType`.
 */
export type InboundMessage = UserMessage | EventMessage | ComponentPush | UnknownMessage;
