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
  /** Gives up after this long (answered "timed out"). */
  timeoutMs?: number;
  /** Gives up when this aborts (answered "timed out"): a caller's own budget. */
  signal?: AbortSignal;
}

/** What came back: a status and up to `maxBytes` of the body, or the reason nothing did. */
export type WebhookResponse =
  | { ok: true; status: number; body: string }
  | { ok: false; status: number | null; error: string };

const MAX_RESPONSE_BYTES = 64 * 1024;
const TIMED_OUT = "timed out";
const NO_UNDICI_TIMERS = { headersTimeout: 0, bodyTimeout: 0 } as const;

/** Where a URL's requests go, parsed once per URL (a webhook's URL is the same every time). */
interface Target {
  origin: string;
  path: string;
}
const targets = new Map<string, Target>();
/** Enough for every webhook's URL; forwarding URLs carry each push's query and come and go. */
const TARGETS_KEPT = 512;

function targetOf(url: string): Target {
  let target = targets.get(url);
  if (target) return target;
  const parsed = new URL(url);
  target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
  if (targets.size >= TARGETS_KEPT) targets.clear();
  targets.set(url, target);
  return target;
}

/** The reason given to undici when a request is given up on, told apart from its own errors. */
class GaveUp extends Error {
  override readonly name = "GaveUp";
}

/**
 * Sends one signed request through `dispatcher` (in production, the guarded agent that
 * connects only to public addresses; see `outboundDispatcher`); never throws. Redirects are
 * not followed: a 3xx is an answer like any other non-2xx.
 *
 * Built on undici's dispatch API rather than `request`: no stream for the answer, no abort
 * signal or async iterator per request. Each of those cost more than the request itself when
 * thousands of deliveries a second go out (about 60 µs of CPU a delivery with `request`, 25
 * with this).
 */
export function sendWebhook(request: WebhookRequest, dispatcher: Dispatcher): Promise<WebhookResponse> {
  return new Promise<WebhookResponse>((resolve) => {
    let settled = false;
    let controller: Dispatcher.DispatchController | undefined;
    let givenUp = false;
    let status = 0;
    let size = 0;
    const chunks: Buffer[] = [];

    const settle = (response: WebhookResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener("abort", giveUp);
      resolve(response);
    };
    // Answered at once; the request is aborted when it has started (or as soon as it does).
    function giveUp(): void {
      givenUp = true;
      settle({ ok: false, status: null, error: TIMED_OUT });
      controller?.abort(new GaveUp(TIMED_OUT));
    }
    const answered = (): WebhookResponse => {
      const body = Buffer.concat(chunks).toString("utf8");
      if (status >= 200 && status < 300) return { ok: true, status, body };
      return { ok: false, status, error: `answered ${status}` };
    };

    const timer = request.timeoutMs === undefined ? undefined : setTimeout(giveUp, request.timeoutMs);
    if (request.signal) {
      if (request.signal.aborted) {
        giveUp();
        return;
      }
      request.signal.addEventListener("abort", giveUp, { once: true });
    }

    let target: Target;
    try {
      target = targetOf(request.url);
    } catch {
      settle({ ok: false, status: null, error: "could not be reached" });
      return;
    }
    try {
      dispatcher.dispatch(
        {
          origin: target.origin,
          path: target.path,
          method: "POST",
          headers: {
            "content-type": request.contentType,
            "user-agent": "wxgate-webhooks",
            [SIGNATURE_HEADER]: signWebhookBody(request.secret, request.timestampSeconds, request.body),
            [EVENT_ID_HEADER]: request.eventId,
            [DELIVERY_ID_HEADER]: request.deliveryId,
          },
          body: request.body,
          // The deadline above is the request's: undici's own timers would only duplicate it,
          // and each of them is kept in its timer list for up to a second after the answer
          // (by the thousand per second, all of it promoted to the old generation).
          ...(timer !== undefined || request.signal ? NO_UNDICI_TIMERS : {}),
        },
        {
          onRequestStart(started) {
            controller = started;
            if (givenUp) started.abort(new GaveUp(TIMED_OUT));
          },
          onResponseStart(_controller, statusCode) {
            // A 1xx comes before the answer: the last status is the answer's.
            status = statusCode;
          },
          onResponseData(reading, chunk) {
            size += chunk.byteLength;
            if (size > MAX_RESPONSE_BYTES) {
              // Enough read: the answer stands, and the rest goes with the connection.
              settle(answered());
              reading.abort(new GaveUp("answer too long"));
              return;
            }
            chunks.push(chunk);
          },
          onResponseEnd() {
            settle(answered());
          },
          onResponseError(_controller, error) {
            settle(failure(error));
          },
        },
      );
    } catch (error) {
      settle(failure(error));
    }
  });
}

/** Why nothing came back, in words fit for the delivery log (no addresses beyond a refusal's). */
function failure(error: unknown): WebhookResponse {
  const refused = addressRefusal(error);
  if (refused) return { ok: false, status: null, error: refused.message };
  const name = error instanceof Error ? error.name : "Error";
  const timedOut = name === "AbortError" || name === "TimeoutError" || name.endsWith("TimeoutError");
  return { ok: false, status: null, error: timedOut ? TIMED_OUT : "could not be reached" };
}
