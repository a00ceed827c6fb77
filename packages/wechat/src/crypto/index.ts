export * from "./cipher.js";
export { pooledRandomBytes } from "./random-pool.js";
export * from "./signature.js";
