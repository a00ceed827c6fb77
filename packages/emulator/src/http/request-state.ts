import type { FastifyRequest } from "fastify";
import type { Clock } from "../clock.js";
import type { IdGenerator } from "../ids.js";
import type { TokenStore } from "../tokens/store.js";
import type { World } from "../world/world.js";

/** The parts of the emulator an error answer needs (rid generation and recording). */
export interface WxRuntime {
  world: World;
  clock: Clock;
  ids: IdGenerator;
  tokens: TokenStore;
  /** Turns an errcode into errmsg text (without the rid). */
  errmsg(errcode: number): string;
}

/** What the machinery learns about a WeChat-path call while answering it; read by the request log. */
export interface WxRequestState {
  /** Real start time (performance.now()), for latency. */
  startedAt: number;
  /** The WeChat path, without mount prefix or query. */
  path: string;
  appid: string | undefined;
  errcode: number;
  rid: string | undefined;
  /** Control API calls are not WeChat calls and stay out of the request log. */
  control: boolean;
  runtime: WxRuntime;
}

declare module "fastify" {
  interface FastifyRequest {
    /** Set by the emulator's onRequest hook for every request it serves. */
    wx: WxRequestState;
  }
}

/** The path of a request as WeChat would see it: prefix and query removed. */
export function wechatPath(url: string, prefix: string): string {
  const q = url.indexOf("?");
  let path = q < 0 ? url : url.slice(0, q);
  if (prefix && path.startsWith(prefix)) path = path.slice(prefix.length) || "/";
  return path;
}

/** The state of a request (present on every request handled inside the emulator plugin). */
export function wxState(request: FastifyRequest): WxRequestState {
  return request.wx;
}
