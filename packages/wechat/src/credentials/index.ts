export * from "./access-token.js";
export * from "./authorizer-access-token.js";
export * from "./cached-credential.js";
export * from "./component-access-token.js";
export * from "./errors.js";
export * from "./external-token.js";
export * from "./keys.js";
export * from "./stores.js";
