import { WeChatError } from "../errors/index.js";

/** WeChat's errcode for a news reply with more than one article. */
export const ARTICLE_SIZE_OUT_OF_LIMIT = 45008;

/**
 * A passive reply WeChat would not deliver: `errcode` mirrors WeChat's (45008 for news with
 * more than one article) when WeChat has one; `reason` names the fault.
 */
export class InvalidReplyError extends WeChatError {
  readonly reason: string;
  readonly errcode: number | undefined;

  constructor(reason: string, message: string, errcode?: number) {
    super("reply_invalid", message);
    this.reason = reason;
    this.errcode = errcode;
  }
}
