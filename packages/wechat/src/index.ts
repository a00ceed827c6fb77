/**
 * @wxgate/wechat — the WeChat protocol, as a standalone SDK.
 */
export * from "./crypto/index.js";
export * from "./errors/index.js";
