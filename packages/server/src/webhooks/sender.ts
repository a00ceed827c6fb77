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
 * Sends one signed request through `fetch` (in production, the guarded outbound fetch that
 * connects only to public addresses); never throws.
 */
export async function sendWebhook(
  request: WebhookRequest,
  fetch: typeof globalThis.fetch,
): Promise<WebhookResponse> {
  try {
    const response = await fetch(request.url, {
      method: "POST",
      headers: {
        "content-type": request.contentType,
        "user-agent": "wxgate-webhooks",
        [SIGNATURE_HEADER]: signWebhookBody(request.secret, request.timestampSeconds, request.body),
        [EVENT_ID_HEADER]: request.eventId,
        [DELIVERY_ID_HEADER]: request.deliveryId,
      },
      body: request.body,
      redirect: "manual",
      signal: request.signal,
    });
    const body = await readLimited(response);
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status, body };
    return { ok: false, status: response.status, error: `answered ${response.status}` };
  } catch (error) {
    const refused = addressRefusal(error);
    if (refused) return { ok: false, status: null, error: refused.message };
    const name = error instanceof Error ? error.name : "Error";
    const reason = name === "AbortError" || name === "TimeoutError" ? "timed out" : "could not be reached";
    return { ok: false, status: null, error: reason };
  }
}

async function readLimited(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel();
      break;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
