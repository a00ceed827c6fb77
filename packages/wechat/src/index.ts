/**
 * @wxgate/wechat — the WeChat protocol, as a standalone SDK.
 */
export * from "./api/index.js";
export * from "./client/index.js";
export * from "./credentials/index.js";
export * from "./crypto/index.js";
export * from "./errors/index.js";
export * from "./inbound/index.js";
export * from "./messages/index.js";
export * from "./multipart.js";
export * from "./rules/index.js";
export * from "./xml/index.js";
