import { z } from "zod";
import { SESSION_COOKIE, scopes, sessionCookieOptions } from "../http/principal.js";
import { defineRoute, type Route } from "../http/route.js";
import { roles } from "../platform/policy.js";
import { MAX_PASSWORD, MIN_PASSWORD } from "./admins.js";
import { DEVICE_COOKIE } from "./security-routes.js";
import { type AuthService, normalizeUsername, scopesReadTokens } from "./service.js";

const sessionView = z.object({
  user: z.object({ id: z.string(), username: z.string() }),
  csrfToken: z
    .string()
    .describe("Echo it in the x-csrf-token header of POST, PUT, PATCH and DELETE requests."),
  expiresAt: z.number().int().describe("Epoch milliseconds."),
});

const apiKeyView = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe("The first characters of the key, to tell keys apart."),
  scopes: z.array(z.enum(scopes)),
  createdAt: z.number().int(),
  lastUsedAt: z.number().int().nullable(),
  revokedAt: z.number().int().nullable(),
});

const abilityView = z.object({
  allowed: z.boolean(),
  reason: z
    .string()
    .optional()
    .describe("Why not: `not_permitted`, or the refusal's `details.reason` the API would answer."),
});

const adminView = z.object({
  id: z.string(),
  username: z.string(),
  role: z
    .enum(roles)
    .describe(
      "`owner` (the first user), `admin`, or `member` (reaches only the accounts they are a member of).",
    ),
  displayName: z.string().nullable(),
  email: z.string().nullable(),
  disabledAt: z
    .number()
    .int()
    .nullable()
    .describe("When the user was disabled (epoch ms); null while they may sign in."),
  createdAt: z.number().int(),
  lastLoginAt: z.number().int().nullable(),
  frozenUntil: z
    .number()
    .int()
    .nullable()
    .describe("While wrong passwords keep the login frozen, when the freeze ends (epoch ms)."),
  totpEnabled: z.boolean().describe("Whether the user has TOTP (an authenticator app) on."),
});

const newPassword = z
  .string()
  .min(MIN_PASSWORD)
  .max(MAX_PASSWORD)
  .optional()
  .describe(`${MIN_PASSWORD} to ${MAX_PASSWORD} characters; omit it to have one generated (returned once).`);

/** A limit of sign-in attempts per window. */
export interface SignInLimit {
  max: number;
  windowMs: number;
}

/** Options of {@link authRoutes}. */
export interface AuthRoutesOptions {
  secureCookie: boolean;
  signInLimits: { perAddress: SignInLimit; perUsername: SignInLimit };
  /** As configured, for the route's description. */
  loginFreeze: { maxFailures: number; freezeMinutes: number };
}

const signInBody = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) });

function minutes(windowMs: number): string {
  const n = windowMs / 60_000;
  return n === 1 ? "a minute" : `${n} minutes`;
}

/** The auth module's routes: sessions, API keys and administrators. */
export function authRoutes(service: AuthService, options: AuthRoutesOptions): Route[] {
  const { perAddress, perUsername } = options.signInLimits;
  const { maxFailures, freezeMinutes } = options.loginFreeze;
  const cookieOptions = sessionCookieOptions(options.secureCookie);
  return [
    defineRoute({
      method: "POST",
      url: "/session",
      action: "public",
      summary: "Sign in to the console",
      description: [
        "Sets the session cookie and returns the CSRF token. Refusals:",
        "`invalid_credentials` (401) for a wrong password and an unknown username alike;",
        `\`login_frozen\` (429) once ${maxFailures} wrong passwords in a row have frozen the login,`,
        `for ${freezeMinutes} minutes (\`details.frozenUntil\`, epoch milliseconds), whatever the password;`,
        `\`rate_limited\` (429) past ${perAddress.max} attempts from one address in ${minutes(perAddress.windowMs)}`,
        `(\`details.reason\`: \`sign_in_per_address\`) or ${perUsername.max} for one username in`,
        `${minutes(perUsername.windowMs)} (\`sign_in_per_username\`), right or wrong, known username or not.`,
        "Both 429s carry a `retry-after` header (seconds).",
        "From a browser without a known device cookie, the right password answers `secondFactor` instead of a session",
        "(when the user has TOTP, or an e-mailed code can reach them; sandbox mode always can):",
        "complete it with `POST /session/second-factor`.",
      ].join(" "),
      body: signInBody,
      response: z.union([
        sessionView,
        z
          .object({
            secondFactor: z.object({
              challenge: z.string().describe("Presented to `POST /session/second-factor` with the code."),
              method: z.enum(["totp", "email"]),
              expiresAt: z.number().int(),
              sentTo: z.string().nullable().describe("The address the code went to, partly hidden."),
              sandbox: z.boolean().describe("Sandbox mode: the code is in the sandbox panel and the log."),
            }),
          })
          .describe("A new device: no session yet, a second factor first."),
      ]),
      rateLimits: [
        {
          name: "sign_in_per_address",
          ...perAddress,
          message: "too many sign-in attempts from this address; try again later",
        },
        {
          name: "sign_in_per_username",
          ...perUsername,
          message: "too many sign-in attempts for this username; try again later",
          key: (body) => normalizeUsername(body.username),
        },
      ],
      async handler({ body, request, reply }) {
        const result = await service.login({
          username: body.username,
          password: body.password,
          ip: request.ip ?? null,
          userAgent: request.headers["user-agent"] ?? null,
          previousSessionToken: request.cookies[SESSION_COOKIE],
          deviceToken: request.cookies[DEVICE_COOKIE],
        });
        if (result.kind === "second_factor") {
          const { kind: _kind, ...secondFactor } = result;
          return { secondFactor };
        }
        const { sessionToken, kind: _kind, ...view } = result;
        reply.setCookie(SESSION_COOKIE, sessionToken, {
          ...cookieOptions,
          expires: new Date(view.expiresAt),
        });
        return view;
      },
    }),
    defineRoute({
      method: "GET",
      url: "/session",
      action: "auth.session.manage",
      summary: "The current console session and its CSRF token",
      response: sessionView,
      handler: ({ principal }) => service.session(principal),
    }),
    defineRoute({
      method: "DELETE",
      url: "/session",
      action: "auth.session.manage",
      summary: "Sign out",
      async handler({ principal, reply }) {
        await service.logout(principal);
        reply.clearCookie(SESSION_COOKIE, cookieOptions);
        return undefined;
      },
    }),
    defineRoute({
      method: "GET",
      url: "/whoami",
      action: "auth.self.read",
      summary: "Who the caller is and what it may do",
      description:
        "With the caller's role and what the one policy lets it do: `actions` it may take (a member: on at least one of their accounts), and for a member `accounts`, the actions it may take on each of their accounts (null for everyone else: their actions hold on every account in reach). A console shows only these.",
      response: z.object({
        kind: z.enum(["session", "api_key"]),
        name: z.string(),
        scopes: z.array(z.enum(scopes)),
        role: z.enum(roles).nullable(),
        actions: z.array(z.string()),
        accounts: z.record(z.string(), z.array(z.string())).nullable(),
      }),
      handler: async ({ principal, actor }) => ({
        kind: principal.kind,
        name: principal.name,
        scopes: [...principal.scopes],
        role: actor.role,
        actions: [...actor.actions].sort(),
        accounts:
          actor.grants === null
            ? null
            : Object.fromEntries([...actor.grants].map(([appId, allowed]) => [appId, [...allowed].sort()])),
      }),
    }),
    defineRoute({
      method: "POST",
      url: "/api-keys",
      action: "auth.keys.manage",
      summary: "Create an API key",
      description: "The key is in this response only; it is stored as a digest and cannot be shown again.",
      body: z.object({
        name: z.string().trim().min(1).max(100),
        scopes: z.array(z.enum(scopes)).min(1).max(scopes.length),
      }),
      response: apiKeyView.extend({ key: z.string().describe("Shown once.") }),
      status: 201,
      handler: async ({ actor, body, markRisk }) => {
        if (scopesReadTokens(body.scopes)) markRisk();
        return service.createApiKey(actor, body);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/api-keys",
      action: "auth.keys.manage",
      summary: "List API keys",
      response: z.object({ items: z.array(apiKeyView) }),
      handler: async () => ({ items: await service.listApiKeys() }),
    }),
    defineRoute({
      method: "GET",
      url: "/admins",
      action: "auth.admins.manage",
      summary: "List the administrators who sign in to the console",
      description: "Oldest first. No password or hash is ever part of an answer.",
      response: z.object({
        items: z.array(
          adminView.extend({
            abilities: z
              .object({ resetPassword: abilityView, changeAccess: abilityView })
              .describe("What the caller can do with this administrator now, by the rules the API enforces."),
          }),
        ),
      }),
      handler: async ({ actor }) => ({ items: await service.admins.list(actor) }),
    }),
    defineRoute({
      method: "POST",
      url: "/admins",
      action: "auth.admins.manage",
      summary: "Add an administrator",
      description:
        "Usernames are compared trimmed and in lower case: 3 to 64 letters, digits, `.`, `-` or `_`, starting with a letter or digit (else 400 `validation_failed`, `details.reason = invalid_username`). Without `password`, one is generated and returned in this response only. A username another administrator has: 409 `username_taken`.",
      body: z.object({
        username: z.string().trim().min(1).max(64),
        password: newPassword,
        role: z
          .enum(["admin", "member"])
          .optional()
          .describe("`admin` when omitted; the first user is the owner."),
        displayName: z.string().trim().max(64).optional(),
        email: z.email().max(254).optional(),
      }),
      response: adminView.extend({
        password: z.string().optional().describe("The generated password, shown once; absent when given."),
      }),
      status: 201,
      handler: async ({ body }) => {
        const { admin, generatedPassword } = await service.admins.create(body);
        return { ...admin, ...(generatedPassword === undefined ? {} : { password: generatedPassword }) };
      },
    }),
    defineRoute({
      method: "PATCH",
      url: "/admins/:id",
      action: "auth.admins.manage",
      summary: "Change a user's role, display name or e-mail; disable or enable them",
      description:
        "Disabling ends every session of the user and refuses their sign-ins (403 `forbidden`, `details.reason = user_disabled`). The owner's role and access never change (409 `conflict`, `details.reason = owner_protected`), nor a session's own user's (`own_user`).",
      params: z.object({ id: z.string().min(1).max(64) }),
      body: z.object({
        role: z.enum(["admin", "member"]).optional(),
        displayName: z.string().trim().max(64).nullable().optional(),
        email: z.email().max(254).nullable().optional(),
        disabled: z.boolean().optional(),
      }),
      response: adminView.extend({
        sessionsEnded: z.number().int().describe("The user's sessions this change ended (disabling)."),
      }),
      handler: ({ actor, params, body }) => service.admins.update(actor, params.id, body),
    }),
    defineRoute({
      method: "POST",
      url: "/admins/:id/password",
      action: "auth.admins.manage",
      summary: "Reset another administrator's password",
      description:
        "Sets the given password, or generates one and returns it in this response only; lifts a login freeze and ends every session of that administrator. A session cannot reset its own user's password (409 `conflict`, `details.reason = own_password`).",
      params: z.object({ id: z.string().min(1).max(64) }),
      body: z.object({ password: newPassword }).default({}),
      response: z.object({
        password: z.string().optional().describe("The generated password, shown once; absent when given."),
        sessionsEnded: z.number().int().describe("The administrator's sessions this reset ended."),
      }),
      handler: async ({ actor, params, body }) => {
        const { generatedPassword, sessionsEnded } = await service.admins.resetPassword(
          actor,
          params.id,
          body,
        );
        return { ...(generatedPassword === undefined ? {} : { password: generatedPassword }), sessionsEnded };
      },
    }),
    defineRoute({
      method: "DELETE",
      url: "/api-keys/:id",
      action: "auth.keys.manage",
      summary: "Revoke an API key",
      params: z.object({ id: z.string().min(1).max(64) }),
      async handler({ actor, params }) {
        await service.revokeApiKey(actor, params.id);
        return undefined;
      },
    }),
  ];
}
