import type { WeChatClient } from "../client/index.js";
import type { WeChatResult } from "./common.js";

/** Body of `POST /cgi-bin/message/template/send`. */
export interface TemplateSendRequest {
  touser: string;
  template_id: string;
  /** Opened on tap (unless `miniprogram` is given and the client supports it). */
  url?: string;
  miniprogram?: { appid: string; pagepath?: string };
  data: Record<string, { value: string; color?: string }>;
  /** De-duplicates retries of the same send. */
  client_msg_id?: string;
}

/** A template in the account's private library. */
export interface PrivateTemplate {
  template_id: string;
  title: string;
  primary_industry?: string;
  deputy_industry?: string;
  content: string;
  example?: string;
}

/** Template messages (verified service accounts; permission set 7). */
export interface TemplateMessageApi {
  /** `POST /cgi-bin/message/template/send`; the outcome arrives later as TEMPLATESENDJOBFINISH. */
  send(request: TemplateSendRequest): Promise<{ msgid: number }>;
  /** `GET /cgi-bin/template/get_all_private_template` (at most 25 per account). */
  listPrivate(): Promise<{ template_list: PrivateTemplate[] }>;
  /** `POST /cgi-bin/template/del_private_template`. */
  deletePrivate(templateId: string): Promise<WeChatResult>;
}

/** {@link TemplateMessageApi} over a client. */
export function createTemplateMessageApi(client: WeChatClient): TemplateMessageApi {
  return {
    send: (request) => client.call("/cgi-bin/message/template/send", { method: "POST", body: request }),
    listPrivate: () => client.call("/cgi-bin/template/get_all_private_template", { method: "GET" }),
    deletePrivate: (templateId) =>
      client.call("/cgi-bin/template/del_private_template", {
        method: "POST",
        body: { template_id: templateId },
      }),
  };
}
