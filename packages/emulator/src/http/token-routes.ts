import type { FastifyInstance } from "fastify";
import type { EmulatorContext } from "./context.js";
import { type WxRouteDefinition, wxRoute } from "./route.js";

type Handler = WxRouteDefinition["handler"];

/** Registers WeChat routes that authenticate with one kind of token (access_token counts against the daily quota). */
export interface TokenRoutes {
  get(path: string, handler: Handler): void;
  post(path: string, handler: Handler): void;
}

/**
 * The way the modules declare their WeChat APIs: nearly all are called with an account's
 * access_token, the platform's with its component_access_token (a route with neither, like the
 * QR image, uses `wxRoute` itself).
 */
export function tokenRoutes(
  app: FastifyInstance,
  ctx: EmulatorContext,
  auth: "access_token" | "component_access_token" = "access_token",
): TokenRoutes {
  return {
    get: (path, handler) => wxRoute(app, ctx, { method: "GET", path, auth, handler }),
    post: (path, handler) => wxRoute(app, ctx, { method: "POST", path, auth, handler }),
  };
}
