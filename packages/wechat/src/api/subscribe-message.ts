import type { WeChatClient } from "../client/index.js";
import type { WeChatResult } from "./common.js";

/** Body of `POST /cgi-bin/message/subscribe/send` (mini program subscription messages). */
export interface SubscribeSendRequest {
  touser: string;
  template_id: string;
  /** Mini program page opened on tap. */
  page?: string;
  data: Record<string, { value: string }>;
  miniprogram_state?: "developer" | "trial" | "formal";
  lang?: "zh_CN" | "en_US" | "zh_HK" | "zh_TW";
}

/** One of the mini program's subscription templates (`wxaapi/newtmpl/gettemplate`). */
export interface SubscribeTemplate {
  priTmplId: string;
  title: string;
  content: string;
  example: string;
  /** 2: one-time subscription; 3: long-term subscription. */
  type: number;
}

/** Mini program subscription messages. */
export interface SubscribeMessageApi {
  /** Sends one message; 43101 when the user has not consented. */
  send(request: SubscribeSendRequest): Promise<WeChatResult>;
  /** The mini program's subscription templates (GET `wxaapi/newtmpl/gettemplate`). */
  templates(): Promise<WeChatResult & { data: SubscribeTemplate[] }>;
}

/** {@link SubscribeMessageApi} over a client. */
export function createSubscribeMessageApi(client: WeChatClient): SubscribeMessageApi {
  return {
    send: (request) => client.call("/cgi-bin/message/subscribe/send", { method: "POST", body: request }),
    templates: () => client.call("/wxaapi/newtmpl/gettemplate", { method: "GET" }),
  };
}
