import { setTimeout as sleep } from "node:timers/promises";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Platform, TokenRecord } from "../world/types.js";
import { type ResolvedAccount, resolveAccount, resolveComponent } from "./access.js";
import { parseJsonBody, queryOf, rawBody } from "./body.js";
import type { EmulatorContext } from "./context.js";
import { checkApiAccess } from "./permissions.js";
import { WxFault, wxError } from "./wx-error.js";

/** How a WeChat API authenticates its caller. */
export type WxAuth = "access_token" | "component_access_token" | "none";

/** What a handler gets for one call. */
export interface WxCall {
  request: FastifyRequest;
  reply: FastifyReply;
  /** Query parameters (first value of each). */
  query: Record<string, string>;
  /** The parsed JSON body (`body: "json"` routes; otherwise undefined). */
  body: unknown;
  /** The raw body bytes (multipart uploads, XML). */
  raw: Buffer;
  /** Emulated time of the call. */
  now: number;
  /** Set for `auth: "access_token"` routes. */
  caller: ResolvedAccount | undefined;
  /** Set for `auth: "component_access_token"` routes. */
  component: { platform: Platform; token: TokenRecord } | undefined;
  /** Answers with a WeChat error (throws; never returns). */
  fail(errcode: number, extra?: Record<string, unknown>): never;
  /** Records the appid of the call for the request log (done automatically for token routes). */
  setAppId(appid: string): void;
}

export interface WxRouteDefinition {
  method: "GET" | "POST";
  /** The WeChat path, e.g. `/cgi-bin/menu/create`. */
  path: string;
  auth: WxAuth;
  /** `json` (default for POST): parse the body, 47001 when it is not JSON. `raw`: leave it. */
  body?: "json" | "raw";
  /**
   * Count the call against the account's daily quota (45009 when exhausted). Default true
   * for access_token routes: only APIs with a limit (see QuotaBook) are counted.
   */
  quota?: boolean;
  /** POST routes answer GET with 43002 unless this is false (set it when you also register GET). */
  refuseGet?: boolean;
  /**
   * Returns the JSON to answer (`{errcode:0,errmsg:"ok"}` style or a payload), or undefined
   * when it replied itself (images, redirects, HTML).
   */
  handler(call: WxCall): unknown | Promise<unknown>;
}

/**
 * Adds a WeChat API route with the shared machinery, in this order: faults (latency, 5xx,
 * errcode) → body parsing (47001) → token (41001/40001/40014/42001) → permission check
 * (48001/61007) → daily quota (45009) → handler. Any {@link WxFault} thrown becomes
 * `{errcode, errmsg: "… rid: …"}`. A POST route also answers GET with 43002, as WeChat does.
 */
export function wxRoute(app: FastifyInstance, ctx: EmulatorContext, def: WxRouteDefinition): void {
  const bodyMode = def.body ?? (def.method === "POST" ? "json" : "raw");
  const countQuota = def.quota ?? def.auth === "access_token";
  if (countQuota) ctx.quota.serve(def.path);

  app.route({
    method: def.method,
    url: def.path,
    handler: async (request, reply) => {
      try {
        for (const fault of ctx.faults.takeForApi(def.path)) {
          if (fault.kind === "latency") await sleep(fault.ms ?? 0);
          else if (fault.kind === "http5xx") {
            request.wx.errcode = -1;
            return reply
              .code(fault.status ?? 503)
              .type("text/html")
              .send("<html><body>Service Unavailable</body></html>");
          } else if (fault.kind === "errcode") throw new WxFault(fault.errcode ?? -1);
        }
        let body: unknown;
        if (bodyMode === "json") {
          const parsed = parseJsonBody(request);
          if (!parsed.ok) throw new WxFault(47001);
          body = parsed.value;
        }
        let caller: ResolvedAccount | undefined;
        let component: WxCall["component"];
        if (def.auth === "access_token") {
          caller = resolveAccount(request);
          const refusal = checkApiAccess(def.path, caller);
          if (refusal !== undefined) throw new WxFault(refusal);
          if (countQuota && !ctx.quota.consume(caller.account, def.path)) throw new WxFault(45009);
        } else if (def.auth === "component_access_token") {
          component = resolveComponent(request);
        }
        const call: WxCall = {
          request,
          reply,
          query: queryOf(request),
          body,
          raw: rawBody(request),
          now: ctx.clock.now(),
          caller,
          component,
          fail: (errcode, extra) => {
            throw new WxFault(errcode, extra);
          },
          setAppId: (appid) => {
            request.wx.appid = appid;
          },
        };
        const result = await def.handler(call);
        if (result === undefined) return reply;
        const errcode = (result as { errcode?: unknown }).errcode;
        request.wx.errcode = typeof errcode === "number" ? errcode : 0;
        return reply.type("application/json; charset=utf-8").send(JSON.stringify(result));
      } catch (error) {
        if (error instanceof WxFault) {
          wxError(
            reply,
            error.errcode,
            error.extra,
            error.errmsg === undefined ? {} : { errmsg: error.errmsg },
          );
          return reply;
        }
        request.log.error({ err: error, path: def.path }, "emulator route failed");
        wxError(reply, -1);
        return reply;
      }
    },
  });

  if (def.method === "POST" && def.refuseGet !== false) {
    app.route({
      method: "GET",
      url: def.path,
      handler: async (_request, reply) => {
        wxError(reply, 43002);
        return reply;
      },
    });
  }
}
