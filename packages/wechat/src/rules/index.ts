/**
 * WeChat's rules as data and pure functions — permission sets, account kinds, which API
 * needs what, error codes, limits, and the validators of menu and QR bodies — shared by the
 * emulator (which enforces them) and wxgate (which shows and pre-checks them).
 */
export * from "./account.js";
export * from "./api-rules.js";
export * from "./errors.js";
export * from "./kf-rules.js";
export * from "./limits.js";
export * from "./media-rules.js";
export * from "./menu-reasons.js";
export * from "./menu-validate.js";
export * from "./permissions.js";
export * from "./qr-validate.js";
export { charLength, utf8ByteLength, type Validated, type Violation } from "./violation.js";
