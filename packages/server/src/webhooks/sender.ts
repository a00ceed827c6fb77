import type { Dispatcher } from "undici";
import { addressRefusal } from "../platform/outbound.js";
import { DELIVERY_ID_HEADER, EVENT_ID_HEADER, SIGNATURE_HEADER, signWebhookBody } from "./signature.js";

/** One HTTP request to a webhook. */
export interface WebhookRequest {
  url: string;
  body: string;
  contentType: string;
  secret: string;
  eventId: string;
  deliveryId: string;
  /** Signing time, unix seconds. */
  timestampSeconds: number;
  signal: AbortSignal;
}

/** What came back: a status and up to `maxBytes` of the body, or the reason nothing did. */
export type WebhookResponse =
  | { ok: true; status: number; body: string }
  | { ok: false; status: number | null; error: string };

const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * Sends one signed request through `dispatcher` (in production, the guarded agent that
 * connects only to public addresses; see `outboundDispatcher`); never throws. Redirects are
 * not followed: a 3xx is an answer like any other non-2xx.
 */
export async function sendWebhook(request: WebhookRequest, dispatcher: Dispatcher): Promise<WebhookResponse> {
  try {
    const url = new URL(request.url);
    const response = await dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: "POST",
      headers: {
        "content-type": request.contentType,
        "user-agent": "wxgate-webhooks",
        [SIGNATURE_HEADER]: signWebhookBody(request.secret, request.timestampSeconds, request.body),
        [EVENT_ID_HEADER]: request.eventId,
        [DELIVERY_ID_HEADER]: request.deliveryId,
      },
      body: request.body,
      signal: request.signal,
    });
    const body = await readLimited(response.body);
    const status = response.statusCode;
    if (status >= 200 && status < 300) return { ok: true, status, body };
    return { ok: false, status, error: `answered ${status}` };
  } catch (error) {
    const refused = addressRefusal(error);
    if (refused) return { ok: false, status: null, error: refused.message };
    const name = error instanceof Error ? error.name : "Error";
    const reason = name === "AbortError" || name === "TimeoutError" ? "timed out" : "could not be reached";
    return { ok: false, status: null, error: reason };
  }
}

/** Reads up to {@link MAX_RESPONSE_BYTES}, then lets the rest go (the connection with it). */
async function readLimited(body: Dispatcher.ResponseData["body"]): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const bytes = chunk as Buffer;
    size += bytes.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      body.destroy();
      break;
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString("utf8");
}
