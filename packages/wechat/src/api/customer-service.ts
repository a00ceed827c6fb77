import type { WeChatClient } from "../client/index.js";
import type { WeChatResult } from "./common.js";
import type { MediaUploadFile } from "./material.js";

/** One customer-service account of `getkflist`. */
export interface KfAccount {
  kf_account: string;
  kf_nick: string;
  kf_id: string;
  kf_headimgurl: string;
  /** Bound WeChat id, when bound. */
  kf_wx?: string;
}

/** Customer-service accounts (多客服) and the JS-SDK ticket. */
export interface CustomerServiceApi {
  /** `GET /cgi-bin/customservice/getkflist`. */
  list(): Promise<{ kf_list: KfAccount[] }>;
  /** `POST /customservice/kfaccount/add`. */
  add(account: string, nickname: string): Promise<WeChatResult>;
  /** `POST /customservice/kfaccount/update`. */
  update(account: string, nickname: string): Promise<WeChatResult>;
  /** `POST /customservice/kfaccount/del`. */
  delete(account: string): Promise<WeChatResult>;
  /** `POST /customservice/kfaccount/uploadheadimg?kf_account=`: a jpg avatar. */
  uploadAvatar(account: string, file: MediaUploadFile): Promise<WeChatResult>;
  /** `GET /cgi-bin/ticket/getticket?type=jsapi`: the JS-SDK ticket (7200 s). */
  jsapiTicket(): Promise<{ ticket: string; expires_in: number }>;
}

/** {@link CustomerServiceApi} over a client. */
export function createCustomerServiceApi(client: WeChatClient): CustomerServiceApi {
  const post = <T>(api: string, body: unknown) => client.call<T>(api, { method: "POST", body });
  return {
    list: () => client.call("/cgi-bin/customservice/getkflist", { method: "GET" }),
    add: (account, nickname) => post("/customservice/kfaccount/add", { kf_account: account, nickname }),
    update: (account, nickname) => post("/customservice/kfaccount/update", { kf_account: account, nickname }),
    delete: (account) => post("/customservice/kfaccount/del", { kf_account: account }),
    uploadAvatar: (account, file) =>
      client.call("/customservice/kfaccount/uploadheadimg", {
        query: { kf_account: account },
        upload: { field: "media", ...file },
      }),
    jsapiTicket: () => client.call("/cgi-bin/ticket/getticket", { method: "GET", query: { type: "jsapi" } }),
  };
}
