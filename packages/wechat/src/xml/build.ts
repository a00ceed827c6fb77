import { WeChatConfigError } from "../errors/index.js";
import { isForbiddenTag } from "./errors.js";
import type { XmlBuildRecord, XmlBuildValue } from "./types.js";

const TAG = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Wraps text in CDATA; a `]]>` inside is split across two sections so it survives verbatim. */
export function cdata(text: string): string {
  return `<![CDATA[${text.includes("]]>") ? text.replaceAll("]]>", "]]]]><![CDATA[>") : text}]]>`;
}

function checkTag(tag: string): void {
  if (!TAG.test(tag) || isForbiddenTag(tag)) throw new WeChatConfigError(`"${tag}" is not a usable XML tag`);
}

function element(tag: string, value: XmlBuildValue): string {
  if (value === undefined) return "";
  if (typeof value === "string") return `<${tag}>${cdata(value)}</${tag}>`;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new WeChatConfigError(`<${tag}> must be a finite number`);
    return `<${tag}>${value}</${tag}>`;
  }
  if (typeof value === "boolean") return `<${tag}>${value}</${tag}>`;
  if (Array.isArray(value)) {
    let out = "";
    for (const item of value as readonly XmlBuildValue[]) out += element(tag, item);
    return out;
  }
  return `<${tag}>${children(value as XmlBuildRecord)}</${tag}>`;
}

function children(record: XmlBuildRecord): string {
  let out = "";
  for (const tag of Object.keys(record)) {
    checkTag(tag);
    out += element(tag, record[tag]);
  }
  return out;
}

/**
 * Writes `<xml>…</xml>` (or another root) from a record, children in insertion order:
 * strings as CDATA, numbers bare, arrays as repeated tags (news `Articles/item`).
 *
 * @throws {WeChatConfigError} for a tag that is not a plain XML name, or a non-finite number
 */
export function buildXml(root: XmlBuildRecord, rootName = "xml"): string {
  checkTag(rootName);
  return `<${rootName}>${children(root)}</${rootName}>`;
}
