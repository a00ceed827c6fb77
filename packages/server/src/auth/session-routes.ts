import { z } from "zod";
import { defineRoute, type Route } from "../http/route.js";
import type { AuthService } from "./service.js";

const sessionListing = z.object({
  id: z.string(),
  current: z.boolean(),
  createdAt: z.number(),
  lastSeenAt: z.number(),
  expiresAt: z.number(),
  idleUntil: z.number(),
  confirmedAt: z.number().nullable(),
  confirmedUntil: z.number().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  device: z.string(),
});

/**
 * The signed-in user's own sessions, and the confirmation risk operations need. Session-only:
 * an API key has no session to confirm or list.
 */
export function sessionRoutes(service: AuthService, options: { confirmationMinutes: number }): Route[] {
  const sessions = service.sessions;
  return [
    defineRoute({
      method: "POST",
      url: "/session/confirm",
      action: "auth.session.manage",
      summary: "Confirm your identity (your password again, or a TOTP code) before risk operations",
      description: [
        `Risk operations answer 403 \`confirmation_required\` unless the session confirmed within the last ${options.confirmationMinutes} minutes.`,
        "Send `password`, or `totp` (a code of your authenticator app, once TOTP is active; else 409 `conflict`, `details.reason = totp_not_enrolled`).",
        "A wrong password, or a wrong or used code (`details.reason = wrong_code`), answers 401 `invalid_credentials` and counts towards the login freeze (429 `login_frozen`).",
      ].join(" "),
      body: z
        .object({
          password: z.string().min(1).max(256).optional(),
          totp: z
            .string()
            .regex(/^\d{6}$/, "six digits")
            .optional()
            .describe("A code of your authenticator app (6 digits)."),
        })
        .refine((body) => (body.password === undefined) !== (body.totp === undefined), {
          message: "send either password or totp",
        }),
      response: z.object({ confirmedUntil: z.number() }),
      handler: ({ principal, body }) =>
        sessions.confirm(
          principal,
          body.totp !== undefined ? { totp: body.totp } : { password: body.password ?? "" },
        ),
    }),
    defineRoute({
      method: "GET",
      url: "/sessions",
      action: "auth.session.manage",
      summary: "Your active console sessions: device, address, last use",
      response: z.object({ sessions: z.array(sessionListing) }),
      handler: async ({ principal }) => ({ sessions: await sessions.list(principal) }),
    }),
    defineRoute({
      method: "DELETE",
      url: "/sessions/:id",
      action: "auth.session.manage",
      summary: "End one of your sessions",
      params: z.object({ id: z.string().min(1).max(128) }),
      status: 204,
      async handler({ principal, params }) {
        await sessions.end(principal, params.id);
        return undefined;
      },
    }),
    defineRoute({
      method: "POST",
      url: "/sessions/end-others",
      action: "auth.session.manage",
      summary: "Sign out everywhere else: every other session of yours ends",
      response: z.object({ ended: z.number() }),
      handler: ({ principal }) => sessions.endOthers(principal),
    }),
  ];
}
