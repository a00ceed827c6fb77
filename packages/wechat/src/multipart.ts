/**
 * multipart/form-data, as WeChat's upload APIs take it: read by the emulator, and by wxgate for
 * the uploads it passes on.
 */

/** One part of a multipart/form-data body. */
export interface FormPart {
  name: string;
  /** Present for file parts. */
  filename?: string;
  contentType?: string;
  data: Buffer;
}

/** The boundary of a multipart/form-data Content-Type, or undefined. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data/i.test(contentType)) return undefined;
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

function headerParam(header: string, name: string): string | undefined {
  const match = new RegExp(`;\\s*${name}="((?:[^"\\\\]|\\\\.)*)"`, "i").exec(header);
  if (match) return match[1]?.replace(/\\(.)/g, "$1");
  return new RegExp(`;\\s*${name}=([^;\\s]+)`, "i").exec(header)?.[1];
}

/**
 * Splits a multipart/form-data body (RFC 7578) into its parts, file bytes untouched.
 * Returns undefined when the body is not well-formed (no closing boundary, a part without
 * headers or without a name), which WeChat answers with 41005 (media data missing).
 */
export function parseMultipart(body: Buffer, boundary: string): FormPart[] | undefined {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let cursor = body.indexOf(delimiter);
  if (cursor < 0) return undefined;
  for (;;) {
    cursor += delimiter.length;
    // "--" after a delimiter closes the body.
    if (body[cursor] === 0x2d && body[cursor + 1] === 0x2d) return parts;
    if (body[cursor] === 0x0d && body[cursor + 1] === 0x0a) cursor += 2;
    const next = body.indexOf(delimiter, cursor);
    if (next < 0) return undefined;
    // The part ends with CRLF before the next delimiter.
    const part = body.subarray(cursor, next - 2);
    const split = part.indexOf("\r\n\r\n");
    if (split < 0) return undefined;
    const headers = part.subarray(0, split).toString("utf8").split("\r\n");
    const disposition = headers.find((h) => /^content-disposition:/i.test(h));
    const name = disposition ? headerParam(disposition, "name") : undefined;
    if (!disposition || name === undefined) return undefined;
    const filename = headerParam(disposition, "filename");
    const type = headers.find((h) => /^content-type:/i.test(h))?.replace(/^content-type:\s*/i, "");
    parts.push({
      name,
      ...(filename === undefined ? {} : { filename }),
      ...(type === undefined ? {} : { contentType: type }),
      data: part.subarray(split + 4),
    });
    cursor = next;
  }
}
