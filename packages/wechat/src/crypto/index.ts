export * from "./cipher.js";
export * from "./signature.js";
