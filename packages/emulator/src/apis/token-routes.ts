import type { FastifyInstance } from "fastify";
import type { EmulatorContext } from "../http/context.js";
import { type WxRouteDefinition, wxRoute } from "../http/route.js";

type Handler = WxRouteDefinition["handler"];

/** Registers WeChat routes that authenticate with an access_token (and so count against the daily quota). */
export interface TokenRoutes {
  get(path: string, handler: Handler): void;
  post(path: string, handler: Handler): void;
}

/**
 * The way the feature modules declare their WeChat APIs, nearly all of which are called with an
 * account's access_token (a route that is not, like the QR image, uses `wxRoute` itself).
 */
export function tokenRoutes(app: FastifyInstance, ctx: EmulatorContext): TokenRoutes {
  return {
    get: (path, handler) => wxRoute(app, ctx, { method: "GET", path, auth: "access_token", handler }),
    post: (path, handler) => wxRoute(app, ctx, { method: "POST", path, auth: "access_token", handler }),
  };
}
