/** The envelope of every WeChat answer; `errcode` is 0 (or absent) on success. */
export interface WeChatResult {
  errcode?: number;
  errmsg?: string;
}

/** Languages WeChat localizes user fields (country, province, city) in. */
export type WeChatLang = "zh_CN" | "zh_TW" | "en";
