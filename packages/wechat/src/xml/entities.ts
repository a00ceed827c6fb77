import { xmlError } from "./errors.js";

const NAMED: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
const REFERENCE = /^&(?:#x([0-9A-Fa-f]{1,6})|#([0-9]{1,7})|(lt|gt|amp|quot|apos));/;

function fromCodePoint(code: number): string {
  const valid =
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff);
  if (!valid) throw xmlError("bad_entity", "character reference is not an XML character");
  return String.fromCodePoint(code);
}

/**
 * Decodes the five predefined entities and numeric character references. Any other `&` is
 * an error: with DOCTYPE refused no entity can be declared, so nothing can ever expand.
 */
export function decodeEntities(text: string): string {
  let at = text.indexOf("&");
  if (at < 0) return text;
  let out = "";
  let from = 0;
  while (at >= 0) {
    const match = REFERENCE.exec(text.slice(at, at + 12));
    if (!match) throw xmlError("bad_entity", "undeclared or malformed entity reference");
    const [whole, hex, dec, name] = match;
    out += text.slice(from, at);
    if (hex !== undefined) out += fromCodePoint(Number.parseInt(hex, 16));
    else if (dec !== undefined) out += fromCodePoint(Number.parseInt(dec, 10));
    else out += NAMED[name ?? ""] ?? "";
    from = at + whole.length;
    at = text.indexOf("&", from);
  }
  return out + text.slice(from);
}
