import type { PushTryOutcome } from "./types.js";

/** What one HTTP try brought back. */
export interface TryAnswer {
  outcome: Extract<PushTryOutcome, "timeout" | "http_error" | "network_error"> | "answered";
  status: number;
  body: string;
  latencyMs: number;
  detail?: string;
}

/** Largest reply body read; WeChat's own limit for passive replies is far below. */
const MAX_REPLY_BYTES = 1024 * 1024;

/**
 * One POST of a push, as WeChat sends it (`text/xml`, its old user agent), waiting at most
 * `timeoutMs` real milliseconds for the whole answer.
 */
export async function sendOnce(url: string, body: string, timeoutMs: number): Promise<TryAnswer> {
  const started = performance.now();
  const latency = () => Math.round((performance.now() - started) * 100) / 100;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "text/xml; charset=utf-8", "user-agent": "Mozilla/4.0" },
      body,
      signal,
      redirect: "manual",
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    const text = bytes.subarray(0, MAX_REPLY_BYTES).toString("utf8");
    if (response.status < 200 || response.status > 299) {
      return { outcome: "http_error", status: response.status, body: text, latencyMs: latency() };
    }
    return { outcome: "answered", status: response.status, body: text, latencyMs: latency() };
  } catch (error) {
    if (signal.aborted) {
      return {
        outcome: "timeout",
        status: 0,
        body: "",
        latencyMs: latency(),
        detail: `no answer within ${timeoutMs} ms`,
      };
    }
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
    const message = error instanceof Error ? error.message : String(error);
    return { outcome: "network_error", status: 0, body: "", latencyMs: latency(), detail: cause ?? message };
  }
}
