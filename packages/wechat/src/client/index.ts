export * from "./endpoints.js";
export { parseRid } from "./errcodes.js";
export * from "./token-provider.js";
export * from "./wechat-client.js";
