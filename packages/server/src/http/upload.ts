import { boundaryOf, parseMultipart } from "@wxgate/wechat";
import type { FastifyRequest } from "fastify";
import { PlatformError } from "../platform/errors.js";

/** A file received through the API, with the other form fields. */
export interface ReceivedUpload {
  filename: string;
  contentType: string;
  data: Buffer;
  fields: Record<string, string>;
}

/** Past this much, an oversized upload's connection is cut instead of drained. */
const DRAIN_CEILING_BYTES = 64 * 1024 * 1024;

/** Room for the multipart framing and the small form fields beside the file. */
const FRAMING_BYTES = 64 * 1024;

/**
 * Reads a multipart/form-data upload from the request stream, holding at most `maxFileBytes`
 * (plus framing) in memory: past that it stops keeping bytes, drains what the client still
 * sends so it can read the answer (up to {@link DRAIN_CEILING_BYTES}, then cuts the
 * connection) and refuses with
 * `payload_too_large`, `details.reason = file_too_large`. The API's JSON parser never sees
 * these bodies (the app leaves multipart streams to their routes).
 */
export async function receiveUpload(request: FastifyRequest, maxFileBytes: number): Promise<ReceivedUpload> {
  const boundary = boundaryOf(request.headers["content-type"]);
  if (!boundary)
    throw new PlatformError("unsupported_media_type", "send the file as multipart/form-data", {
      reason: "media_missing",
    });
  const cap = maxFileBytes + FRAMING_BYTES;
  const chunks: Buffer[] = [];
  let received = 0;
  let over = false;
  for await (const chunk of request.raw as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > cap) {
      over = true;
      if (received > DRAIN_CEILING_BYTES) {
        request.raw.destroy();
        break;
      }
      continue;
    }
    chunks.push(chunk);
  }
  if (over)
    throw new PlatformError("payload_too_large", `the file is larger than ${maxFileBytes} bytes`, {
      reason: "file_too_large",
      limit: maxFileBytes,
    });
  const parts = parseMultipart(Buffer.concat(chunks), boundary);
  const file = parts?.find((p) => p.filename !== undefined && p.name === "media");
  if (!parts || !file || file.filename === undefined)
    throw new PlatformError("validation_failed", "the form has no file under `media`", {
      reason: "media_missing",
    });
  const fields: Record<string, string> = {};
  for (const part of parts) if (part.filename === undefined) fields[part.name] = part.data.toString("utf8");
  return {
    filename: file.filename,
    contentType: file.contentType ?? "application/octet-stream",
    data: file.data,
    fields,
  };
}
