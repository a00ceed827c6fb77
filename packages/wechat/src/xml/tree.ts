import type { XmlRecord, XmlValue } from "./types.js";

/**
 * What every record inherits: a frozen, empty object without a prototype. Nothing can be
 * inherited or polluted through it, and unlike `Object.create(null)` objects (dictionary
 * mode in V8) records built on it keep fast properties.
 */
export const RECORD_PROTOTYPE: object = Object.freeze(Object.create(null));

/** An empty record: tag names are plain own keys, never inherited members or accessors. */
export function emptyRecord(): XmlRecord {
  return Object.create(RECORD_PROTOTYPE) as XmlRecord;
}

/** Adds a child, turning a repeated tag into an array of its values in document order. */
export function addChild(record: XmlRecord, name: string, value: XmlValue): void {
  const existing = record[name];
  if (existing === undefined) record[name] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else record[name] = [existing, value];
}

function isXmlSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d;
}

/** Trims XML whitespace only (String#trim would also eat U+3000 and other spaces users type). */
export function trimXmlSpace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isXmlSpace(text.charCodeAt(start))) start++;
  while (end > start && isXmlSpace(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** Index of the first non-whitespace character at or after `from`. */
export function skipXmlSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && isXmlSpace(text.charCodeAt(i))) i++;
  return i;
}
