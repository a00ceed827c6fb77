import type { FastifyReply } from "fastify";
import { rawBody } from "./body.js";

/**
 * Thrown inside a WeChat route to answer with a WeChat error. `extra` fields are merged into
 * the answer (a few APIs add fields next to errcode/errmsg).
 */
export class WxFault extends Error {
  override name = "WxFault";
  constructor(
    readonly errcode: number,
    readonly extra: Record<string, unknown> = {},
    /** Replaces the standard errmsg text when WeChat words it differently for this API. */
    readonly errmsg?: string,
  ) {
    super(`WeChat error ${errcode}`);
  }
}

/** Body fields whose values never leave the emulator (rid details, logs). */
const SECRET_FIELDS = /secret|password|refresh_token|access_token|ticket|encoding_?aes_?key/i;

/** The request body for rid details, with secret values replaced. */
function redactedBody(raw: Buffer): string {
  if (raw.length === 0) return "";
  const text = raw.toString("utf8");
  try {
    return JSON.stringify(JSON.parse(text), (key, value: unknown) =>
      key && SECRET_FIELDS.test(key) && typeof value === "string" ? "***" : value,
    );
  } catch {
    return text.length > 2048 ? `${text.slice(0, 2048)}…` : text;
  }
}

/** The URL for rid details, with secret query values replaced. */
function redactedUrl(url: string): string {
  return url.replace(/([?&])([^=&]+)=([^&]*)/g, (whole, sep: string, key: string) =>
    SECRET_FIELDS.test(key) ? `${sep}${key}=***` : whole,
  );
}

/**
 * Answers `{errcode, errmsg: "<text> rid: <rid>", ...extra}` with HTTP 200 (as WeChat does)
 * and records the rid with the request details for openapi/rid/get and the request log.
 *
 * @returns the rid
 */
export function wxError(
  reply: FastifyReply,
  errcode: number,
  extra: Record<string, unknown> = {},
  options: { errmsg?: string; status?: number } = {},
): string {
  const request = reply.request;
  const state = request.wx;
  const { world, clock, ids } = state.runtime;
  const now = clock.now();
  const rid = ids.rid(now);
  const text = options.errmsg ?? state.runtime.errmsg(errcode);
  const payload = { errcode, errmsg: `${text} rid: ${rid}`, ...extra };
  const responseBody = JSON.stringify(payload);
  state.errcode = errcode;
  state.rid = rid;
  world.recordRid({
    rid,
    ...(state.appid !== undefined ? { appid: state.appid } : {}),
    invokeTime: Math.floor(now / 1000),
    costInMs: Math.max(0, Math.round(performance.now() - state.startedAt)),
    requestUrl: redactedUrl(request.url),
    requestBody: redactedBody(rawBody(request)),
    responseBody,
    clientIp: request.ip,
  });
  void reply
    .code(options.status ?? 200)
    .header("content-type", "application/json; charset=utf-8")
    .send(responseBody);
  return rid;
}
