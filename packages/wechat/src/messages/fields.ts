import { CryptoErrorCode, WeChatCryptoError } from "../errors/index.js";
import type { XmlRecord, XmlValue } from "../xml/index.js";

/*
 * Readers for single-valued fields. A document that names a known type must carry that
 * type's fields once, as text: a missing, repeated or nested field is -40002, not a guess.
 */

function fieldError(reason: "missing_field" | "bad_field", message: string): WeChatCryptoError {
  return new WeChatCryptoError(CryptoErrorCode.ParseXml, reason, message);
}

/** The text of `<tag>`, `undefined` when absent. */
export function optionalText(record: XmlRecord, tag: string): string | undefined {
  const value = record[tag];
  if (value === undefined || typeof value === "string") return value;
  throw fieldError("bad_field", `<${tag}> must appear once, as text`);
}

/** The text of `<tag>`, which must be present. */
export function requiredText(record: XmlRecord, tag: string): string {
  const value = optionalText(record, tag);
  if (value === undefined) throw fieldError("missing_field", `<${tag}> is missing`);
  return value;
}

const INTEGER = /^-?\d{1,15}$/;
const DECIMAL = /^-?\d{1,15}(?:\.\d{1,20})?$/;

/** `<tag>` as a whole number (CreateTime, counts). */
export function requiredInteger(record: XmlRecord, tag: string): number {
  const text = requiredText(record, tag);
  if (!INTEGER.test(text)) throw fieldError("bad_field", `<${tag}> must be a whole number`);
  return Number(text);
}

/** `<tag>` as a decimal number (coordinates, precision). */
export function requiredDecimal(record: XmlRecord, tag: string): number {
  const text = requiredText(record, tag);
  if (!DECIMAL.test(text)) throw fieldError("bad_field", `<${tag}> must be a decimal number`);
  return Number(text);
}

/** The records under a repeated (or single) `<tag>`; text entries are refused. */
export function recordList(value: XmlValue | undefined, tag: string): XmlRecord[] {
  if (value === undefined || value === "") return [];
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => {
    if (typeof item === "string" || Array.isArray(item))
      throw fieldError("bad_field", `<${tag}> must hold elements`);
    return item;
  });
}

/** A leaf's text, or `undefined` for anything else (lenient: for copying routing fields). */
export function leafText(record: XmlRecord, tag: string): string | undefined {
  const value = record[tag];
  return typeof value === "string" ? value : undefined;
}
