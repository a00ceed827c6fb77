import type { WeChatClient } from "../client/index.js";
import type { WeChatResult } from "./common.js";

/** The content of a mass message, one variant per `msgtype`. */
export type MassMessageContent =
  | { msgtype: "mpnews"; mpnews: { media_id: string }; send_ignore_reprint?: 0 | 1 }
  | { msgtype: "text"; text: { content: string } }
  | { msgtype: "voice"; voice: { media_id: string } }
  | {
      msgtype: "image";
      images: {
        media_ids: string[];
        recommend?: string;
        need_open_comment?: 0 | 1;
        only_fans_can_comment?: 0 | 1;
      };
    }
  | { msgtype: "mpvideo"; mpvideo: { media_id: string } }
  | { msgtype: "wxcard"; wxcard: { card_id: string } };

/** Who receives a `sendall`: everyone, or the followers with a tag. */
export interface MassFilter {
  is_to_all: boolean;
  tag_id?: number;
}

/** Options shared by the mass sends. */
export interface MassSendOptions {
  /**
   * De-duplication id (≤ 64 chars): WeChat refuses a second send with it (45065). Without it a
   * "system busy" answer is not retried, since a retry could send twice.
   */
  clientmsgid?: string;
}

/** Answer of `sendall` / `send`. */
export interface MassSendResult extends WeChatResult {
  msg_id: number;
  /** For mpnews: the data id for statistics. */
  msg_data_id?: number;
}

/** Answer of `mass/get`. */
export interface MassStatusResult extends WeChatResult {
  msg_id: number;
  /** SEND_SUCCESS, SENDING, SEND_FAIL, DELETE. */
  msg_status: string;
}

/** Mass messages (permission set 7). Outcomes arrive as MASSSENDJOBFINISH. */
export interface MassMessageApi {
  /** `POST /cgi-bin/message/mass/sendall`: to all followers or a tag. */
  sendAll(
    filter: MassFilter,
    content: MassMessageContent,
    options?: MassSendOptions,
  ): Promise<MassSendResult>;
  /** `POST /cgi-bin/message/mass/send`: to a list of OpenIDs (service accounts). */
  send(openIds: string[], content: MassMessageContent, options?: MassSendOptions): Promise<MassSendResult>;
  /** `POST /cgi-bin/message/mass/preview`: to one follower, by OpenID or WeChat id. */
  preview(
    to: { touser: string } | { towxname: string },
    content: MassMessageContent,
  ): Promise<{ msg_id?: number }>;
  /** `POST /cgi-bin/message/mass/get`. */
  status(msgId: number | string): Promise<MassStatusResult>;
  /** `POST /cgi-bin/message/mass/delete`: `articleIdx` 1-based; omitted deletes every article. */
  delete(msgId: number | string, articleIdx?: number): Promise<WeChatResult>;
}

/** {@link MassMessageApi} over a client. */
export function createMassMessageApi(client: WeChatClient): MassMessageApi {
  const send = (api: string, body: Record<string, unknown>, options?: MassSendOptions) =>
    client.call<MassSendResult>(api, {
      method: "POST",
      body: options?.clientmsgid ? { ...body, clientmsgid: options.clientmsgid } : body,
      ...(options?.clientmsgid ? {} : { systemErrorRetries: 0 }),
    });
  return {
    sendAll: (filter, content, options) =>
      send("/cgi-bin/message/mass/sendall", { filter, ...content }, options),
    send: (openIds, content, options) =>
      send("/cgi-bin/message/mass/send", { touser: openIds, ...content }, options),
    preview: (to, content) =>
      client.call("/cgi-bin/message/mass/preview", { method: "POST", body: { ...to, ...content } }),
    status: (msgId) =>
      client.call("/cgi-bin/message/mass/get", { method: "POST", body: { msg_id: String(msgId) } }),
    delete: (msgId, articleIdx) =>
      client.call("/cgi-bin/message/mass/delete", {
        method: "POST",
        body: { msg_id: msgId, ...(articleIdx === undefined ? {} : { article_idx: articleIdx }) },
      }),
  };
}
