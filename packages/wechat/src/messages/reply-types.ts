/** Reply with text. */
export interface TextReply {
  type: "text";
  content: string;
}

/** Reply with an uploaded image. */
export interface ImageReply {
  type: "image";
  mediaId: string;
}

/** Reply with an uploaded voice note. */
export interface VoiceReply {
  type: "voice";
  mediaId: string;
}

/** Reply with an uploaded video. */
export interface VideoReply {
  type: "video";
  mediaId: string;
  title?: string;
  description?: string;
}

/** Reply with music; the thumbnail is required by WeChat. */
export interface MusicReply {
  type: "music";
  title?: string;
  description?: string;
  musicUrl?: string;
  hqMusicUrl?: string;
  thumbMediaId: string;
}

/** One news article. */
export interface NewsArticle {
  title: string;
  description?: string;
  picUrl?: string;
  url: string;
}

/** Reply with a news card: exactly one article since 2018 (more is WeChat's 45008). */
export interface NewsReply {
  type: "news";
  articles: NewsArticle[];
}

/** Hand the conversation to customer service, optionally to one agent (`kf@account`). */
export interface TransferCustomerServiceReply {
  type: "transfer_customer_service";
  kfAccount?: string;
}

/** A passive reply, answered in the HTTP response to a push. */
export type Reply =
  | TextReply
  | ImageReply
  | VoiceReply
  | VideoReply
  | MusicReply
  | NewsReply
  | TransferCustomerServiceReply;

/** Who a reply goes to and from: the push's FromUserName and ToUserName, swapped. */
export interface ReplyAddress {
  /** The follower's OpenID. */
  toUserName: string;
  /** The account's original id (`gh_…`). */
  fromUserName: string;
  /** Seconds since the epoch. */
  createTime: number;
}

/** A reply read back from XML, with its addressing. */
export interface ParsedReply extends ReplyAddress {
  reply: Reply;
}
