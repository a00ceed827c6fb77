export * from "./cipher.js";
export * from "./signature.js";
export { pooledRandomBytes } from "./random-pool.js";
