import { isForbiddenTag, MAX_DEPTH, xmlError } from "./errors.js";
import { addChild, emptyRecord, skipXmlSpace, trimXmlSpace } from "./tree.js";
import type { XmlRecord } from "./types.js";

/*
 * A scanner for the plain shape every WeChat document has: elements without attributes,
 * leaves of text and CDATA, nothing else. It returns `undefined` for anything outside that
 * subset (attributes, comments, entities, odd names, mixed content…) and the general parser
 * then decides, so the subset only ever gets the general parser's answer faster.
 */

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;

function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
}

/** End index of the name starting at `from`, or -1. */
function nameEnd(s: string, from: number): number {
  if (!isNameStart(s.charCodeAt(from))) return -1;
  let i = from + 1;
  while (isNameChar(s.charCodeAt(i))) i++;
  return i;
}

/** Index after `</name>` at `lt`, or -1. */
function closeTag(s: string, lt: number, name: string): number {
  const at = lt + 2;
  if (!s.startsWith(name, at) || s.charCodeAt(at + name.length) !== GT) return -1;
  return at + name.length + 1;
}

function readChildren(s: string, from: number, name: string, record: XmlRecord, depth: number): number {
  let i = from;
  for (;;) {
    i = skipXmlSpace(s, i);
    if (s.charCodeAt(i) !== LT) return -1;
    if (s.charCodeAt(i + 1) === SLASH) return closeTag(s, i, name);
    const end = nameEnd(s, i + 1);
    if (end < 0) return -1;
    const child = s.slice(i + 1, end);
    if (isForbiddenTag(child)) throw xmlError("forbidden_tag", "tag name is reserved");
    const term = s.charCodeAt(end);
    if (term === SLASH) {
      if (s.charCodeAt(end + 1) !== GT) return -1;
      addChild(record, child, "");
      i = end + 2;
    } else if (term === GT) {
      i = readElement(s, end + 1, child, record, depth + 1);
      if (i < 0) return -1;
    } else {
      return -1;
    }
  }
}

function readElement(s: string, from: number, name: string, parent: XmlRecord, depth: number): number {
  if (depth > MAX_DEPTH) throw xmlError("too_deep", `elements nest deeper than ${MAX_DEPTH}`);
  const first = skipXmlSpace(s, from);
  if (s.charCodeAt(first) === LT && isNameStart(s.charCodeAt(first + 1))) {
    const record = emptyRecord();
    const end = readChildren(s, first, name, record, depth);
    if (end >= 0) addChild(parent, name, record);
    return end;
  }
  let value = "";
  let i = from;
  for (;;) {
    const lt = s.indexOf("<", i);
    if (lt < 0) return -1;
    if (lt > i) {
      const text = s.slice(i, lt);
      if (text.includes("&") || text.includes("]]>")) return -1;
      value += trimXmlSpace(text);
    }
    if (s.startsWith("<![CDATA[", lt)) {
      const end = s.indexOf("]]>", lt + 9);
      if (end < 0) return -1;
      value += s.slice(lt + 9, end);
      i = end + 3;
    } else if (s.charCodeAt(lt + 1) === SLASH) {
      const end = closeTag(s, lt, name);
      if (end >= 0) addChild(parent, name, value);
      return end;
    } else {
      return -1;
    }
  }
}

/** Root children of a document in the plain subset, or `undefined` to defer to the general parser. */
export function scanPlainXml(s: string): XmlRecord | undefined {
  let i = skipXmlSpace(s, 0);
  if (s.startsWith("<?xml", i)) {
    const end = s.indexOf("?>", i);
    if (end < 0) return undefined;
    i = skipXmlSpace(s, end + 2);
  }
  if (s.charCodeAt(i) !== LT) return undefined;
  const end = nameEnd(s, i + 1);
  if (end < 0 || s.charCodeAt(end) !== GT) return undefined;
  const rootName = s.slice(i + 1, end);
  if (isForbiddenTag(rootName)) throw xmlError("forbidden_tag", "tag name is reserved");
  const root = emptyRecord();
  const after = readChildren(s, end + 1, rootName, root, 1);
  if (after < 0 || skipXmlSpace(s, after) !== s.length) return undefined;
  return root;
}
