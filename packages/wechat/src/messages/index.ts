export { dedupeKey } from "./dedupe.js";
export { parseComponentPush, parseMessage, toInboundMessage } from "./inbound.js";
export { buildReplyXml, parseReply } from "./reply.js";
export { ARTICLE_SIZE_OUT_OF_LIMIT, InvalidReplyError } from "./reply-error.js";
export type * from "./reply-types.js";
export type * from "./types.js";
