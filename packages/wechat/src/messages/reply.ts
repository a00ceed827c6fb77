import { cdata } from "../xml/build.js";
import { parseXml, type XmlRecord } from "../xml/index.js";
import { ARTICLE_SIZE_OUT_OF_LIMIT, InvalidReplyError } from "./reply-error.js";
import type { NewsArticle, ParsedReply, Reply, ReplyAddress } from "./reply-types.js";

function element(tag: string, text: string | undefined): string {
  return text === undefined ? "" : `<${tag}>${cdata(text)}</${tag}>`;
}

function requireText(value: unknown, what: string): string {
  if (typeof value !== "string" || value === "")
    throw new InvalidReplyError("missing_field", `${what} is required`);
  return value;
}

function checkArticles(articles: readonly NewsArticle[]): NewsArticle {
  const [article] = articles;
  if (articles.length > 1) {
    throw new InvalidReplyError(
      "too_many_articles",
      "a news reply carries one article",
      ARTICLE_SIZE_OUT_OF_LIMIT,
    );
  }
  if (!article)
    throw new InvalidReplyError("no_article", "a news reply needs an article", ARTICLE_SIZE_OUT_OF_LIMIT);
  return article;
}

function body(reply: Reply): string {
  switch (reply.type) {
    case "text":
      if (typeof reply.content !== "string")
        throw new InvalidReplyError("missing_field", "content is required");
      return `<MsgType><![CDATA[text]]></MsgType>${element("Content", reply.content)}`;
    case "image":
      return `<MsgType><![CDATA[image]]></MsgType><Image>${element("MediaId", requireText(reply.mediaId, "mediaId"))}</Image>`;
    case "voice":
      return `<MsgType><![CDATA[voice]]></MsgType><Voice>${element("MediaId", requireText(reply.mediaId, "mediaId"))}</Voice>`;
    case "video":
      return (
        `<MsgType><![CDATA[video]]></MsgType><Video>${element("MediaId", requireText(reply.mediaId, "mediaId"))}` +
        `${element("Title", reply.title)}${element("Description", reply.description)}</Video>`
      );
    case "music":
      return (
        `<MsgType><![CDATA[music]]></MsgType><Music>${element("Title", reply.title)}` +
        `${element("Description", reply.description)}${element("MusicUrl", reply.musicUrl)}` +
        `${element("HQMusicUrl", reply.hqMusicUrl)}${element("ThumbMediaId", requireText(reply.thumbMediaId, "thumbMediaId"))}</Music>`
      );
    case "news": {
      const article = checkArticles(reply.articles);
      return (
        `<MsgType><![CDATA[news]]></MsgType><ArticleCount>1</ArticleCount><Articles><item>` +
        `${element("Title", requireText(article.title, "article title"))}${element("Description", article.description ?? "")}` +
        `${element("PicUrl", article.picUrl ?? "")}${element("Url", requireText(article.url, "article url"))}</item></Articles>`
      );
    }
    case "transfer_customer_service":
      return (
        "<MsgType><![CDATA[transfer_customer_service]]></MsgType>" +
        (reply.kfAccount ? `<TransInfo>${element("KfAccount", reply.kfAccount)}</TransInfo>` : "")
      );
    default:
      throw new InvalidReplyError("unknown_type", "unknown reply type");
  }
}

/**
 * Writes a passive reply's XML (plaintext; encrypt it with `PushEndpoint.seal` when the push
 * was encrypted).
 *
 * @throws {InvalidReplyError} news without exactly one article (errcode 45008), a missing media id
 */
export function buildReplyXml(reply: Reply, address: ReplyAddress): string {
  if (!Number.isInteger(address.createTime))
    throw new InvalidReplyError("bad_field", "createTime must be whole seconds");
  return (
    `<xml>${element("ToUserName", requireText(address.toUserName, "toUserName"))}` +
    `${element("FromUserName", requireText(address.fromUserName, "fromUserName"))}` +
    `<CreateTime>${address.createTime}</CreateTime>${body(reply)}</xml>`
  );
}

function child(record: XmlRecord, tag: string): XmlRecord {
  const value = record[tag];
  if (value === undefined || typeof value === "string" || Array.isArray(value)) {
    throw new InvalidReplyError("missing_field", `<${tag}> must appear once, with elements`);
  }
  return value;
}

function text(record: XmlRecord, tag: string): string {
  const value = record[tag];
  if (typeof value !== "string")
    throw new InvalidReplyError("missing_field", `<${tag}> must appear once, as text`);
  return value;
}

function optional(record: XmlRecord, tag: string): string | undefined {
  const value = record[tag];
  if (value === undefined) return undefined;
  if (typeof value !== "string")
    throw new InvalidReplyError("bad_field", `<${tag}> must appear once, as text`);
  return value;
}

function withOptional<T extends object>(base: T, fields: Record<string, string | undefined>): T {
  const out: T = { ...base };
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined)
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function newsReply(record: XmlRecord): Reply {
  const items = child(record, "Articles").item;
  const list = items === undefined ? [] : Array.isArray(items) ? items : [items];
  const count = optional(record, "ArticleCount");
  if (count !== undefined && Number(count) !== list.length) {
    throw new InvalidReplyError("article_count_mismatch", "ArticleCount differs from the articles sent");
  }
  const articles = list.map((item) => {
    if (typeof item === "string" || Array.isArray(item))
      throw new InvalidReplyError("bad_field", "<item> must hold elements");
    return withOptional<NewsArticle>(
      { title: text(item, "Title"), url: text(item, "Url") },
      { description: optional(item, "Description"), picUrl: optional(item, "PicUrl") },
    );
  });
  checkArticles(articles);
  return { type: "news", articles };
}

function replyOf(record: XmlRecord, msgType: string): Reply {
  switch (msgType) {
    case "text":
      return { type: "text", content: text(record, "Content") };
    case "image":
      return { type: "image", mediaId: text(child(record, "Image"), "MediaId") };
    case "voice":
      return { type: "voice", mediaId: text(child(record, "Voice"), "MediaId") };
    case "video": {
      const video = child(record, "Video");
      return withOptional<Reply>(
        { type: "video", mediaId: text(video, "MediaId") },
        { title: optional(video, "Title"), description: optional(video, "Description") },
      );
    }
    case "music": {
      const music = child(record, "Music");
      return withOptional<Reply>(
        { type: "music", thumbMediaId: text(music, "ThumbMediaId") },
        {
          title: optional(music, "Title"),
          description: optional(music, "Description"),
          musicUrl: optional(music, "MusicUrl"),
          hqMusicUrl: optional(music, "HQMusicUrl"),
        },
      );
    }
    case "news":
      return newsReply(record);
    case "transfer_customer_service": {
      const info = record.TransInfo;
      const kfAccount =
        info && typeof info !== "string" && !Array.isArray(info) ? optional(info, "KfAccount") : undefined;
      return kfAccount
        ? { type: "transfer_customer_service", kfAccount }
        : { type: "transfer_customer_service" };
    }
    default:
      throw new InvalidReplyError("unknown_type", "unknown reply MsgType");
  }
}

/**
 * Reads a plaintext passive reply back (what WeChat does before delivering it to the follower).
 *
 * @throws {WeChatCryptoError} -40002 for malformed XML
 * @throws {InvalidReplyError} for a reply WeChat would not deliver (45008 for several articles)
 */
export function parseReply(xml: string): ParsedReply {
  const record = parseXml(xml);
  const createTime = text(record, "CreateTime");
  if (!/^\d{1,15}$/.test(createTime))
    throw new InvalidReplyError("bad_field", "CreateTime must be a whole number");
  return {
    toUserName: text(record, "ToUserName"),
    fromUserName: text(record, "FromUserName"),
    createTime: Number(createTime),
    reply: replyOf(record, text(record, "MsgType")),
  };
}
