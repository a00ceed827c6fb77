import cookie from "@fastify/cookie";
import rateLimit, { normalizeIP } from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from "fastify";
import type { z } from "zod";
import type { DomainModule } from "../module.js";
import { errors, PlatformError } from "../platform/errors.js";
import { newId } from "../platform/ids.js";
import type { Logger } from "../platform/logger.js";
import {
  type Action,
  ActionCatalog,
  type Actor,
  confirmationRequired,
  type Decision,
  decide,
  needsConfirmation,
  outOfReach,
} from "../platform/policy.js";
import type { RateLimitStore } from "../platform/ports.js";
import { safeEqual } from "../platform/secrets.js";
import { docsTheme } from "./docs-theme.js";
import { type ErrorBody, errorBody, mapError } from "./error-mapping.js";
import type { ApiRequestObserver, ApiRequestRecord, ConfirmationPolicy } from "./observer.js";
import { API_PREFIX, buildOpenApiDocument } from "./openapi.js";
import {
  type Authenticator,
  actorOf,
  CSRF_HEADER,
  type Principal,
  SESSION_COOKIE,
  sessionCookieOptions,
  subjectOf,
} from "./principal.js";
import type { Route, RouteRateLimit } from "./route.js";

/** What the HTTP app is built from. */
export interface AppDeps {
  logger: Logger;
  /** The URL clients reach, for the OpenAPI `servers` entry. */
  publicUrl: string;
  authenticator: Authenticator;
  modules: readonly DomainModule[];
  /** Where the routes' rate limits are counted. */
  rateLimitStore: RateLimitStore;
  /** Throws when the server should not receive traffic (e.g. the store is unreachable). */
  healthCheck?: () => Promise<void>;
  /** Session cookies only over HTTPS (the public URL is https). */
  secureCookies?: boolean;
  /** Largest accepted request body in bytes (1 MiB by default). */
  bodyLimit?: number;
  version?: string;
}

/** The API reference's CSP: Swagger UI's own scripts and styles; nothing inline, nothing from elsewhere. */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  // Swagger UI inserts one fixed style element at start-up; its hash admits that one only.
  "style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * What the edge learns of a changing API request on its way through, for the observers: filled
 * by {@link runRoute} as it goes (the actor once authenticated, the parameters once valid) and
 * by the error handler (the code), read once the answer is sent.
 */
interface RequestNote {
  route: Route;
  actor: Actor | undefined;
  params: unknown;
  appid: string | undefined;
  errorCode: string | undefined;
  /** The route's action is a risk operation. */
  risk: boolean;
}
const INCOMING_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

type ZodIssueLike = { path: PropertyKey[]; code: string; message: string };

function validationError(where: string, issues: readonly ZodIssueLike[]): PlatformError {
  return errors.validation(
    `the ${where} is not valid`,
    issues.map((i) => ({ in: where, path: i.path.map(String).join("."), code: i.code, message: i.message })),
  );
}

function parseInput(schema: z.ZodType | undefined, value: unknown, where: string): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value ?? (where === "body" ? undefined : {}));
  if (!result.success) throw validationError(where, result.error.issues);
  return result.data;
}

/**
 * Builds the HTTP app: request ids, body limits, error mapping once at the edge, `/healthz`,
 * every module's API routes under `/api/v1` with the OpenAPI document and docs page, and the
 * modules' own plugins. Callers may register more plugins (the sandbox) before `listen`.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const routes = deps.modules.flatMap((m) =>
    (m.routes ?? []).map((r) => ({ ...r, tags: r.tags ?? [m.name] })),
  );
  const actions = actionCatalogOf(deps.modules);
  const observers: readonly ApiRequestObserver[] = deps.modules.flatMap((m) => m.requestObservers ?? []);
  const notes = new WeakMap<FastifyRequest, RequestNote>();
  const confirmationPolicy = deps.modules.find((m) => m.confirmationPolicy)?.confirmationPolicy;
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: deps.bodyLimit ?? 1024 * 1024,
    requestIdHeader: false,
    genReqId: (req) => {
      const incoming = req.headers["x-request-id"];
      return typeof incoming === "string" && INCOMING_REQUEST_ID.test(incoming) ? incoming : newId();
    },
    // Our URLs are stable; a trailing slash should not be a different resource.
    routerOptions: { ignoreTrailingSlash: true },
    // One line per request, written below: Fastify's two lines per request (in and out) cost
    // more than serving a cached token.
    logController: new LogController({ disableRequestLogging: true }),
  }) as unknown as FastifyInstance;

  // Refusals and failures at info, the rest at debug: a busy token endpoint does not flood
  // the log at the default level, and nothing goes unrecorded that an operator must see.
  // Hooks on every request take a callback, not a promise: the callback gateway answers
  // thousands of pushes a second, and each async hook costs a promise and a microtask turn.
  app.addHook("onResponse", (request, reply, done) => {
    const level = reply.statusCode >= 400 ? "info" : "debug";
    if (deps.logger.isLevelEnabled(level)) {
      request.log[level](
        {
          req: request,
          res: reply,
          responseTime: Math.round(reply.elapsedTime * 10) / 10,
        },
        "request completed",
      );
    }
    done();
  });

  // Once the app is closing, each reply ends its connection: closing waits for every open
  // connection, and a keep-alive one whose request was in flight would otherwise stay open
  // (holding a stopping process) until its client let go of it.
  let closing = false;
  app.addHook("preClose", (done) => {
    closing = true;
    done();
  });
  app.addHook("onSend", (request, reply, payload, done) => {
    reply.header("x-request-id", request.id);
    reply.header("x-content-type-options", "nosniff");
    if (closing) reply.header("connection", "close");
    done(null, payload);
  });

  app.setErrorHandler(async (error, request, reply) => {
    const mapped = mapError(error);
    const note = notes.get(request);
    if (note) note.errorCode = mapped.code;
    if (mapped.unexpected) request.log.error({ err: error }, "request failed");
    else request.log.info({ code: mapped.code, status: mapped.status }, "request refused");
    const body = errorBody(mapped, request.id);
    if (mapped.retryAfterSeconds !== undefined) reply.header("retry-after", String(mapped.retryAfterSeconds));
    return reply.code(mapped.status).type("application/json; charset=utf-8").send(body);
  });

  app.setNotFoundHandler(async (request, reply) => {
    const body: ErrorBody = {
      error: {
        code: "not_found",
        message: `no route for ${request.method} ${request.url.split("?")[0]}`,
        requestId: request.id,
      },
    };
    return reply.code(404).send(body);
  });

  app.get("/healthz", async (_request, reply) => {
    try {
      await deps.healthCheck?.();
      return { status: "ok" };
    } catch {
      return reply.code(503).send({ status: "unavailable" });
    }
  });

  const openApiDocument = buildOpenApiDocument(routes, {
    title: "wxgate",
    version: deps.version ?? "0.1.0",
    serverUrl: deps.publicUrl,
    actions,
  });

  await app.register(
    async (api) => {
      // Only the API reads and sets cookies (the console's session); WeChat's pushes skip
      // the plugin's two hooks.
      await api.register(cookie);
      // JSON only: a text/plain body would otherwise reach the handlers as a string.
      api.removeContentTypeParser("text/plain");
      // Uploads: left unread here, so the route streams the file itself under its own size cap.
      api.addContentTypeParser("multipart/form-data", (_request, _payload, done) => done(null, undefined));
      // Off for every route (global: false); a route's own limits are checked in runRoute,
      // once its body is validated, since some count by what the body names.
      await api.register(rateLimit, { global: false, store: pluginStore(deps.rateLimitStore) });
      api.addHook("onSend", (_request, reply, payload, done) => {
        reply.header("cache-control", "no-store");
        done(null, payload);
      });
      api.get("/openapi.json", async () => openApiDocument);
      // The API reference: Swagger UI over the same document, served from this origin (no CDN),
      // with request and response schemas and examples, under a CSP of its own files.
      await api.register(swagger, { mode: "static", specification: { document: openApiDocument as never } });
      await api.register(swaggerUi, {
        routePrefix: "/docs",
        indexPrefix: API_PREFIX,
        staticCSP: DOCS_CSP,
        // Past a hundred or so operations Swagger UI renders only those near the viewport (a
        // virtualised list): a reader scrolls and sees them all; api-docs.browser.test.ts scrolls
        // through and checks that every operation is shown.
        // No top bar: it offers to explore other documents. No deep links: each one is a link
        // inside its operation's button, which assistive technology cannot reach. No syntax
        // colours: several of its theme's are under 4.5:1 on its dark background.
        uiConfig: {
          deepLinking: false,
          defaultModelsExpandDepth: 1,
          layout: "BaseLayout",
          syntaxHighlight: false,
        },
        theme: docsTheme,
      });
      if (observers.length > 0) {
        api.addHook("onResponse", (request, reply, done) => {
          const note = notes.get(request);
          if (note) tell(observers, recordOf(note, request, reply.statusCode), request);
          done();
        });
      }
      for (const route of routes) {
        const limiters = route.rateLimits.map((limit) => limiterFor(api, limit));
        const observed = observers.length > 0 && UNSAFE_METHODS.has(route.method);
        api.route({
          method: route.method,
          url: route.url,
          handler: (request, reply) => {
            let note: RequestNote | undefined;
            if (observed) {
              note = {
                route,
                actor: undefined,
                params: undefined,
                appid: undefined,
                errorCode: undefined,
                risk: route.action !== "public" && actions.spec(route.action)?.risk === true,
              };
              notes.set(request, note);
            }
            return runRoute(
              route,
              deps.authenticator,
              actions,
              limiters,
              request,
              reply,
              note,
              deps.secureCookies,
              confirmationPolicy,
            );
          },
        });
      }
    },
    { prefix: API_PREFIX },
  );

  for (const module of deps.modules) {
    if (module.plugin) await app.register(module.plugin);
  }
  return app;
}

/** Counts one call against a limit; throws `rate_limited` for the one over it. */
type Limiter = (request: FastifyRequest, body: unknown) => Promise<void>;

/** The rate-limit plugin's store protocol over the {@link RateLimitStore} port. */
function pluginStore(store: RateLimitStore) {
  return class PortStore {
    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ): void {
      store.hit(key, timeWindow).then(
        ({ count, resetInMs }) => callback(null, { current: count, ttl: resetInMs }),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    }
    // Limits share one store; their keys carry the limit's name.
    child(): PortStore {
      return this;
    }
  };
}

function limiterFor(api: FastifyInstance, limit: RouteRateLimit): Limiter {
  // The plugin asks for a key with the request only; a key from the validated body waits here.
  const bodyKeys = new WeakMap<FastifyRequest, string>();
  const { key } = limit;
  const check = api.createRateLimit({
    max: limit.max,
    timeWindow: limit.windowMs,
    keyGenerator: (request) => `${limit.name}:${bodyKeys.get(request) ?? normalizeIP(request.ip)}`,
  });
  return async (request, body) => {
    if (key) bodyKeys.set(request, key(body));
    const result = await check(request);
    if (result.isAllowed || !result.isExceeded) return;
    throw new PlatformError(
      "rate_limited",
      limit.message,
      { reason: limit.name, retryAfterSeconds: result.ttlInSeconds },
      { retryAfterMs: result.ttl },
    );
  };
}

async function authenticate(
  authenticator: Authenticator,
  request: FastifyRequest,
): Promise<Principal | undefined> {
  return authenticator.authenticate({
    authorization: request.headers.authorization,
    sessionToken: request.cookies[SESSION_COOKIE],
  });
}

/**
 * The actions of the mounted modules' policies. Every route must name one of them (or be
 * public): a route naming an action no module declares stops the start.
 */
export function actionCatalogOf(modules: readonly DomainModule[]): ActionCatalog {
  const catalog = new ActionCatalog(modules.flatMap((m) => m.policies ?? []));
  for (const module of modules) {
    for (const route of module.routes ?? []) {
      if (route.action !== "public" && !catalog.spec(route.action)) {
        throw new Error(
          `${route.method} ${route.url} (module ${module.name}) takes the action ${route.action}, which no mounted module's policy declares`,
        );
      }
    }
  }
  return catalog;
}

/** What a refusal says, by its reason. */
const refusalMessages = {
  session_required: () => "this operation needs a console session, not an API key",
  role_required: () => "this operation is for the owner and administrators of the whole platform",
  switch_off: () => "the permission this operation needs is off for you on this account",
  risk_not_permitted: () => "a risk operation is for the account's super admin or an administrator",
  super_admin_required: () => "this operation is for the account's super admin or an administrator",
} as const;

/**
 * The 403 of an action the actor may not take: `forbidden`, with the action, the reason and,
 * when a permission switch is off, the switch (`details.switch`).
 */
function refusal(actions: ActionCatalog, action: Action, decision: Exclude<Decision, { allowed: true }>) {
  const why = decision.reason;
  if (why === "out_of_reach") return outOfReach(action);
  const message =
    why === "not_permitted"
      ? `this operation needs the ${actions.scopeOf(action)} scope`
      : refusalMessages[why]();
  return new PlatformError("forbidden", message, {
    reason: why,
    action,
    ...(decision.switch === undefined ? {} : { switch: decision.switch }),
  });
}

/**
 * Authenticate → the route's action → CSRF → validate → the account in reach → rate limits →
 * handle → shape the response.
 */
async function runRoute(
  route: Route,
  authenticator: Authenticator,
  actions: ActionCatalog,
  limiters: readonly Limiter[],
  request: FastifyRequest,
  reply: FastifyReply,
  note?: RequestNote,
  secureCookies = false,
  confirmationPolicy?: ConfirmationPolicy,
) {
  let principal: Principal | undefined;
  let actor: Actor | undefined;
  if (route.action === "public") {
    principal = await authenticate(authenticator, request).catch(() => undefined);
    actor = principal && actorOf(principal, actions);
    if (note) note.actor = actor;
  } else {
    principal = await authenticate(authenticator, request);
    if (!principal) throw errors.unauthorized();
    actor = actorOf(principal, actions, route.action);
    if (note) note.actor = actor;
    // A route about one account is decided on it, once its path is valid (below): a member
    // of other accounts is refused it as out of reach, not by a switch of theirs elsewhere.
    if (!route.account) {
      const decision = decide(actions, subjectOf(principal, actions), route.action);
      if (!decision.allowed) throw refusal(actions, route.action, decision);
    }
    if (principal.renewedSession) {
      reply.setCookie(SESSION_COOKIE, principal.renewedSession.token, {
        ...sessionCookieOptions(secureCookies),
        expires: new Date(principal.renewedSession.expiresAt),
      });
    }
    if (principal.kind === "session" && UNSAFE_METHODS.has(request.method)) {
      const presented = request.headers[CSRF_HEADER];
      if (
        typeof presented !== "string" ||
        !principal.csrfToken ||
        !safeEqual(presented, principal.csrfToken)
      ) {
        throw new PlatformError(
          "csrf_failed",
          `the ${CSRF_HEADER} header is missing or does not match the session`,
        );
      }
    }
  }
  const params = parseInput(route.params, request.params, "path");
  if (note) {
    note.params = params;
    if (route.account) note.appid = route.account(params);
  }
  if (principal && route.account && route.action !== "public") {
    const decision = decide(actions, subjectOf(principal, actions), route.action, route.account(params));
    if (!decision.allowed) throw refusal(actions, route.action, decision);
  }
  if (actor && route.action !== "public") {
    const spec = actions.spec(route.action);
    if (spec && needsConfirmation(spec, actor, UNSAFE_METHODS.has(request.method))) {
      // An account whose super admin turned its risk protection off waives the confirmation.
      const waived =
        route.account !== undefined &&
        confirmationPolicy !== undefined &&
        !(await confirmationPolicy.requiredOn(route.account(params)));
      if (!waived) throw confirmationRequired(route.action);
    }
  }
  const query = parseInput(route.query, request.query, "query");
  const body = parseInput(route.body, request.body, "body");
  for (const limiter of limiters) await limiter(request, body);
  const result = await route.handler({
    body,
    query,
    params,
    principal: principal as Principal,
    actor: actor as Actor,
    request,
    reply,
    markRisk: () => {
      if (note) note.risk = true;
    },
  });
  if (reply.sent) return reply;
  if (!route.response) return reply.code(route.status).send();
  const shaped = route.response.safeParse(result);
  if (!shaped.success) {
    request.log.error(
      { issues: shaped.error.issues.map((i) => ({ path: i.path, code: i.code })) },
      "response does not match its schema",
    );
    throw new Error(`response of ${route.method} ${route.url} does not match its schema`);
  }
  return reply.code(route.status).send(shaped.data);
}

/** The record of a changing request, from what the edge noted of it. */
function recordOf(note: RequestNote, request: FastifyRequest, status: number): ApiRequestRecord {
  const params = (note.params ?? request.params ?? {}) as Record<string, unknown>;
  const userAgent = request.headers["user-agent"];
  return {
    requestId: request.id,
    method: request.method,
    route: `${API_PREFIX}${note.route.url}`,
    action: note.route.action,
    actor: note.actor && { kind: note.actor.via, id: note.actor.id, name: note.actor.name },
    appid: note.appid ?? (typeof params["appid"] === "string" ? params["appid"] : undefined),
    params,
    body: request.body,
    status,
    errorCode: note.errorCode,
    ip: request.ip,
    userAgent: typeof userAgent === "string" ? userAgent : undefined,
    risk: note.risk || note.errorCode === "confirmation_required",
  };
}

/** Tells every observer; one that throws is logged, never the request's problem. */
function tell(
  observers: readonly ApiRequestObserver[],
  record: ApiRequestRecord,
  request: FastifyRequest,
): void {
  for (const observe of observers) {
    try {
      observe(record);
    } catch (error) {
      request.log.error({ err: error }, "a request observer failed");
    }
  }
}
