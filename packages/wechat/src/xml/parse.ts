import { XMLParser } from "fast-xml-parser";
import { PayloadTooLargeError } from "../errors/index.js";
import { decodeEntities } from "./entities.js";
import { isForbiddenTag, MAX_DEPTH, xmlError } from "./errors.js";
import { scanPlainXml } from "./fast-scan.js";
import { addChild, emptyRecord, trimXmlSpace } from "./tree.js";
import type { ParseXmlOptions, XmlRecord, XmlValue } from "./types.js";

/** Default document limit: WeChat's pushes are a few kilobytes. */
export const DEFAULT_MAX_XML_BYTES = 1024 * 1024;

/*
 * Entities and DOCTYPE stay off in the parser itself; DOCTYPE/ENTITY declarations are also
 * refused before parsing, and the five predefined entities are decoded by decodeEntities.
 * preserveOrder keeps text and CDATA in document order.
 */
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: true,
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  cdataPropName: "#cdata",
  commentPropName: false,
  // records inherit nothing, so `toString` & co. are ordinary tags and keep their names
  onDangerousProperty: (name: string) => name,
});

type OrderedNode = Record<string, unknown>;

/** Throws unless `xml` fits in `maxBytes` UTF-8 bytes (UTF-16 length bounds it cheaply). */
export function assertXmlSize(xml: string, maxBytes: number): void {
  if (xml.length > maxBytes) throw new PayloadTooLargeError(maxBytes);
  if (xml.length * 3 > maxBytes && Buffer.byteLength(xml, "utf8") > maxBytes) {
    throw new PayloadTooLargeError(maxBytes);
  }
}

/**
 * Refuses every `<!…>` outside CDATA except comments: DOCTYPE and ENTITY (billion laughs,
 * external entities) and any other declaration. Text a user typed inside CDATA is left alone.
 */
function refuseDeclarations(xml: string): void {
  let at = xml.indexOf("<!");
  while (at >= 0) {
    let resume: number;
    if (xml.startsWith("<![CDATA[", at)) {
      resume = xml.indexOf("]]>", at + 9);
    } else if (xml.startsWith("<!--", at)) {
      resume = xml.indexOf("-->", at + 4);
    } else if (/^<!\s*(?:DOCTYPE|ENTITY)/i.test(xml.slice(at, at + 16))) {
      throw xmlError("doctype", "DOCTYPE and ENTITY declarations are refused");
    } else {
      throw xmlError("declaration", "markup declarations are refused");
    }
    if (resume < 0) throw xmlError("malformed", "unterminated CDATA section or comment");
    at = xml.indexOf("<!", resume);
  }
}

function isElementKey(key: string): boolean {
  return key !== "#text" && key !== "#cdata" && key !== ":@";
}

function cdataText(value: unknown): string {
  if (!Array.isArray(value)) return "";
  let text = "";
  for (const part of value as OrderedNode[]) text += String(part["#text"] ?? "");
  return text;
}

function elementValue(children: unknown, depth: number): XmlValue {
  if (depth > MAX_DEPTH) throw xmlError("too_deep", `elements nest deeper than ${MAX_DEPTH}`);
  if (!Array.isArray(children)) return "";
  let text = "";
  let hasContent = false;
  let record: XmlRecord | undefined;
  for (const node of children as OrderedNode[]) {
    for (const key of Object.keys(node)) {
      if (key === "#text") {
        const piece = trimXmlSpace(String(node[key]));
        if (piece !== "") {
          hasContent = true;
          text += decodeEntities(piece);
        }
      } else if (key === "#cdata") {
        hasContent = true;
        text += cdataText(node[key]);
      } else if (isElementKey(key)) {
        if (isForbiddenTag(key)) throw xmlError("forbidden_tag", "tag name is reserved");
        record ??= emptyRecord();
        addChild(record, key, elementValue(node[key], depth + 1));
      }
    }
  }
  if (record && hasContent) throw xmlError("mixed_content", "an element holds both text and elements");
  return record ?? text;
}

/** The general path alone (no fast scan); exported for the equivalence tests. */
export function generalParse(xml: string): XmlRecord {
  refuseDeclarations(xml);
  let nodes: unknown;
  try {
    nodes = parser.parse(xml, true);
  } catch (cause) {
    const forbidden = cause instanceof Error && cause.message.includes("[SECURITY]");
    throw forbidden
      ? xmlError("forbidden_tag", "tag name is reserved", cause)
      : xmlError("malformed", "document is not well-formed XML", cause);
  }
  const roots = Array.isArray(nodes)
    ? (nodes as OrderedNode[]).flatMap((node) =>
        Object.keys(node)
          .filter(isElementKey)
          .map((key) => [key, node]),
      )
    : [];
  const [first] = roots;
  if (roots.length !== 1 || !first) throw xmlError("no_root", "document has no single root element");
  const [name, node] = first as [string, OrderedNode];
  if (isForbiddenTag(name)) throw xmlError("forbidden_tag", "tag name is reserved");
  const value = elementValue(node[name], 1);
  if (typeof value === "string") {
    if (value !== "") throw xmlError("no_root", "root element holds text, not elements");
    return emptyRecord();
  }
  return value as XmlRecord;
}

/**
 * Parses a WeChat XML document to the children of its root element.
 *
 * Leaves are strings (CDATA unwrapped, text trimmed and entity-decoded, numbers kept as text:
 * MsgId is 64-bit), nested elements are records, repeated tags become arrays. Attributes and
 * comments are ignored.
 *
 * @throws {PayloadTooLargeError} beyond `maxBytes` (default 1 MiB)
 * @throws {WeChatCryptoError} -40002 with `reason`: `empty`, `doctype`, `declaration`,
 *   `malformed`, `forbidden_tag` (`__proto__`, `constructor`, `prototype`), `mixed_content`,
 *   `too_deep`, `bad_entity`, `no_root`
 */
export function parseXml(xml: string, options?: ParseXmlOptions): XmlRecord {
  if (typeof xml !== "string") throw xmlError("empty", "document is not a string");
  assertXmlSize(xml, options?.maxBytes ?? DEFAULT_MAX_XML_BYTES);
  const fast = scanPlainXml(xml);
  if (fast) return fast;
  if (trimXmlSpace(xml) === "") throw xmlError("empty", "document is empty");
  return generalParse(xml);
}
