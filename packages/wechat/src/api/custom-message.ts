import type { WeChatClient } from "../client/index.js";
import type { WeChatResult } from "./common.js";

/** An article of a `news` customer-service message (one article since 2018). */
export interface CustomNewsArticle {
  title: string;
  description?: string;
  url: string;
  picurl?: string;
}

/** The content of a customer-service message, one variant per `msgtype`. */
export type CustomMessageContent =
  | { msgtype: "text"; text: { content: string } }
  | { msgtype: "image"; image: { media_id: string } }
  | { msgtype: "voice"; voice: { media_id: string } }
  | {
      msgtype: "video";
      video: { media_id: string; thumb_media_id: string; title?: string; description?: string };
    }
  | {
      msgtype: "music";
      music: {
        title?: string;
        description?: string;
        musicurl: string;
        hqmusicurl: string;
        thumb_media_id: string;
      };
    }
  | { msgtype: "news"; news: { articles: CustomNewsArticle[] } }
  | { msgtype: "mpnews"; mpnews: { media_id: string } }
  | { msgtype: "mpnewsarticle"; mpnewsarticle: { article_id: string } }
  | {
      msgtype: "msgmenu";
      msgmenu: { head_content?: string; list: { id: string; content: string }[]; tail_content?: string };
    }
  | { msgtype: "wxcard"; wxcard: { card_id: string } }
  | {
      msgtype: "miniprogrampage";
      miniprogrampage: { title: string; appid: string; pagepath: string; thumb_media_id: string };
    };

/** Every customer-service `msgtype`. */
export type CustomMessageType = CustomMessageContent["msgtype"];

/** Body of `POST /cgi-bin/message/custom/send`. */
export type CustomMessage = CustomMessageContent & {
  touser: string;
  /** Send as this customer-service account. */
  customservice?: { kf_account: string };
};

/** Builders for {@link CustomMessageContent}, so callers need not repeat the msgtype. */
export const customMessage = {
  text: (content: string): CustomMessageContent => ({ msgtype: "text", text: { content } }),
  image: (mediaId: string): CustomMessageContent => ({ msgtype: "image", image: { media_id: mediaId } }),
  voice: (mediaId: string): CustomMessageContent => ({ msgtype: "voice", voice: { media_id: mediaId } }),
  video: (video: {
    media_id: string;
    thumb_media_id: string;
    title?: string;
    description?: string;
  }): CustomMessageContent => ({ msgtype: "video", video }),
  music: (music: {
    title?: string;
    description?: string;
    musicurl: string;
    hqmusicurl: string;
    thumb_media_id: string;
  }): CustomMessageContent => ({ msgtype: "music", music }),
  news: (articles: CustomNewsArticle[]): CustomMessageContent => ({ msgtype: "news", news: { articles } }),
  mpnews: (mediaId: string): CustomMessageContent => ({ msgtype: "mpnews", mpnews: { media_id: mediaId } }),
  mpnewsArticle: (articleId: string): CustomMessageContent => ({
    msgtype: "mpnewsarticle",
    mpnewsarticle: { article_id: articleId },
  }),
  msgmenu: (menu: {
    head_content?: string;
    list: { id: string; content: string }[];
    tail_content?: string;
  }): CustomMessageContent => ({ msgtype: "msgmenu", msgmenu: menu }),
  wxcard: (cardId: string): CustomMessageContent => ({ msgtype: "wxcard", wxcard: { card_id: cardId } }),
  miniprogrampage: (page: {
    title: string;
    appid: string;
    pagepath: string;
    thumb_media_id: string;
  }): CustomMessageContent => ({ msgtype: "miniprogrampage", miniprogrampage: page }),
} as const;

/** Customer-service messages (permission set 1). */
export interface CustomMessageApi {
  /**
   * `POST /cgi-bin/message/custom/send`. Only inside the user's interaction window
   * (45015 outside it, 45047 over the count).
   */
  send(message: CustomMessage): Promise<WeChatResult>;
  /** The same, from a recipient and content (e.g. `customMessage.text("hi")`). */
  sendTo(openId: string, content: CustomMessageContent, kfAccount?: string): Promise<WeChatResult>;
}

/** {@link CustomMessageApi} over a client. */
export function createCustomMessageApi(client: WeChatClient): CustomMessageApi {
  const send = (message: CustomMessage) =>
    client.call<WeChatResult>("/cgi-bin/message/custom/send", { method: "POST", body: message });
  return {
    send,
    sendTo: (openId, content, kfAccount) =>
      send({
        touser: openId,
        ...content,
        ...(kfAccount ? { customservice: { kf_account: kfAccount } } : {}),
      }),
  };
}
