import type { FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import type { Action, Actor } from "../platform/policy.js";
import type { Principal } from "./principal.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;
type Returned<S> = S extends z.ZodType ? z.input<S> : undefined;

/**
 * Who may call a route: anyone (`public`), or whoever may take the named action — a module's
 * policy declares it, with the API-key scopes that grant it.
 */
export type Access = Action | "public";

/** What a route handler receives: validated input and the caller. */
export interface RouteContext<A extends Access, B, Q, P> {
  body: B;
  query: Q;
  params: P;
  /** The credential presented; always present unless the route is `public`. */
  principal: A extends "public" ? Principal | undefined : Principal;
  /** Who is acting, as services take it; always present unless the route is `public`. */
  actor: A extends "public" ? Actor | undefined : Actor;
  request: FastifyRequest;
  reply: FastifyReply;
  /**
   * Marks this request a risk operation where the route's action is not one but this call is
   * (a key that reads tokens): the audit log and the risk alerts then treat it as one.
   */
  markRisk(): void;
}

/**
 * A limit on how often a route may be called, counted per key in fixed windows. Every call
 * that passes validation counts, whatever its outcome; the one over `max` is refused with
 * `rate_limited` and a `retry-after` header.
 */
export interface RouteRateLimit<B = unknown> {
  /** Names the counter (and is the refusal's `details.reason`); counters of two limits never meet. */
  name: string;
  max: number;
  windowMs: number;
  /** The refusal's message. */
  message: string;
  /** What is counted, from the validated body (e.g. the username); the client's address when omitted. */
  key?: (body: B) => string;
}

/** A route as a module declares it. `url` is relative to `/api/v1` (Fastify syntax: `/accounts/:id`). */
export interface RouteSpec<
  A extends Access,
  B extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
  P extends z.ZodType | undefined,
  R extends z.ZodType | undefined,
> {
  method: HttpMethod;
  url: string;
  /** The action it takes (checked before the handler runs), or `public`; see {@link Access}. */
  action: A;
  /**
   * The account the action is taken on, when the rule depends on it: the edge refuses an
   * actor that does not reach it (once the path is validated), before the handler runs.
   */
  account?: (params: Parsed<P>) => string;
  summary: string;
  description?: string;
  /** Groups operations in the OpenAPI document; defaults to the module's name. */
  tags?: string[];
  body?: B;
  /**
   * The form of a multipart/form-data upload (its file under `media` and its text fields), for
   * the OpenAPI document: the handler reads the request stream itself, with its own size cap.
   */
  upload?: z.ZodType;
  query?: Q;
  params?: P;
  /**
   * The response body. The handler's result is parsed through it, so keys it does not list
   * never leave the server (a presenter by construction). Omit for 204 No Content.
   */
  response?: R;
  /** Success status; 200 by default, 204 when there is no response schema. */
  status?: number;
  /** Checked after validation, before the handler, in this order. */
  rateLimits?: readonly RouteRateLimit<Parsed<B>>[];
  handler(context: RouteContext<A, Parsed<B>, Parsed<Q>, Parsed<P>>): Promise<Returned<R>>;
}

/** A route with its types erased, as the app and the OpenAPI builder see it. */
export interface Route {
  method: HttpMethod;
  url: string;
  action: Access;
  account: ((params: unknown) => string) | undefined;
  summary: string;
  description: string | undefined;
  tags: string[] | undefined;
  body: z.ZodType | undefined;
  upload?: z.ZodType | undefined;
  query: z.ZodType | undefined;
  params: z.ZodType | undefined;
  response: z.ZodType | undefined;
  status: number;
  rateLimits: readonly RouteRateLimit[];
  handler(context: RouteContext<Access, unknown, unknown, unknown>): Promise<unknown>;
}

/**
 * Declares an API route: validation, the action it takes, response shaping and its OpenAPI entry
 * all follow from this one object.
 */
export function defineRoute<
  A extends Access,
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
  R extends z.ZodType | undefined = undefined,
>(spec: RouteSpec<A, B, Q, P, R>): Route {
  return {
    method: spec.method,
    url: spec.url,
    action: spec.action,
    // The app validates the path against `params` before calling, so the type holds.
    account: spec.account as ((params: unknown) => string) | undefined,
    summary: spec.summary,
    description: spec.description,
    tags: spec.tags,
    body: spec.body,
    upload: spec.upload,
    query: spec.query,
    params: spec.params,
    response: spec.response,
    status: spec.status ?? (spec.response ? 200 : 204),
    // The app validates input against the same schemas before calling, so the types hold.
    rateLimits: (spec.rateLimits ?? []) as unknown as Route["rateLimits"],
    handler: spec.handler as unknown as Route["handler"],
  };
}
