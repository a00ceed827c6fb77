import { CryptoErrorCode, WeChatCryptoError } from "../errors/index.js";

/** Every XML failure is WeChat's -40002 (ParseXml), told apart by `reason`. */
export function xmlError(reason: string, message: string, cause?: unknown): WeChatCryptoError {
  return new WeChatCryptoError(CryptoErrorCode.ParseXml, reason, message, { cause });
}

/** Names that would reach `Object.prototype` through an ordinary object. */
export function isForbiddenTag(name: string): boolean {
  return name === "__proto__" || name === "constructor" || name === "prototype";
}

/** Nesting deeper than any WeChat document; deeper input is refused, not recursed into. */
export const MAX_DEPTH = 32;
