import { z } from "zod";
import { SESSION_COOKIE, sessionCookieOptions } from "../http/principal.js";
import { defineRoute, type Route } from "../http/route.js";
import { errors } from "../platform/errors.js";
import type { SandboxMailbox } from "./mailer.js";
import type { UserRow } from "./repository.js";
import type { SecondFactor } from "./second-factor.js";
import type { AuthService } from "./service.js";
import type { TotpFactor } from "./totp.js";

/** The cookie that makes a browser a known device of its users. */
export const DEVICE_COOKIE = "wxgate_device";
/** How long a device stays known without signing in again there: the cookie's lifetime. */
const DEVICE_COOKIE_DAYS = 180;

/**
 * The device cookie's attributes: sent to the API only (the sign-in routes read it, and the
 * list of known devices, to tell which is the browser asking), never to scripts, never on a
 * cross-site request.
 */
export function deviceCookieOptions(secure: boolean) {
  return {
    path: "/api/v1",
    httpOnly: true,
    sameSite: "strict" as const,
    secure,
    maxAge: DEVICE_COOKIE_DAYS * 24 * 60 * 60,
  };
}

const code = z.string().regex(/^\d{6}$/, "six digits");

const sessionView = z.object({
  user: z.object({ id: z.string(), username: z.string() }),
  csrfToken: z.string(),
  expiresAt: z.number().int(),
});

const deviceView = z.object({
  id: z.string(),
  current: z.boolean().describe("The browser asking."),
  device: z.string().describe("Browser and system, read from the user agent."),
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
  firstSeenAt: z.number().int(),
  lastSeenAt: z.number().int(),
});

/** Options of {@link securityRoutes}. */
export interface SecurityRoutesOptions {
  secureCookie: boolean;
  secondFactor: SecondFactor;
  totp: TotpFactor;
  findUser(id: string): Promise<UserRow | undefined>;
  /** Sets the user's own e-mail address (where sign-in codes go). */
  setEmail(userId: string, email: string | null): Promise<void>;
  /** The sign-in limit per address, also for the second step (a code is guessed there). */
  perAddress: { max: number; windowMs: number };
}

/**
 * The second step of a sign-in from a new device, and the user's own security: TOTP, known
 * devices, and how their new-device sign-ins are protected.
 */
export function securityRoutes(service: AuthService, options: SecurityRoutesOptions): Route[] {
  const { secondFactor, totp, secureCookie } = options;
  const cookieOptions = sessionCookieOptions(secureCookie);
  const signedInUser = async (userId: string | null) => {
    const user = userId ? await options.findUser(userId) : undefined;
    if (!user) throw errors.unauthorized("the session has ended; sign in again");
    return user;
  };
  return [
    defineRoute({
      method: "POST",
      url: "/session/second-factor",
      action: "public",
      summary: "Complete a sign-in from a new device with its second factor",
      description: [
        "The `challenge` a sign-in answered with its `secondFactor`, and the code: of the authenticator app (TOTP), or the 6-digit code e-mailed (in sandbox mode: shown in the sandbox panel and the log).",
        "Sets the session cookie and the device cookie (the browser is then a known device: its next sign-ins need no second factor) and returns the CSRF token.",
        "A wrong code: 400 `invalid_code` (`details.attemptsLeft`), counted towards the login freeze (429 `login_frozen`); past its time or its attempts: 400 `second_factor_expired` (sign in again).",
      ].join(" "),
      body: z.object({ challenge: z.string().min(1).max(128), code }),
      response: sessionView,
      rateLimits: [
        {
          name: "second_factor_per_address",
          ...options.perAddress,
          message: "too many sign-in codes from this address; try again later",
        },
      ],
      async handler({ body, request, reply }) {
        const { sessionToken, deviceToken, ...view } = await service.completeSignIn({
          challenge: body.challenge,
          code: body.code,
          ip: request.ip ?? null,
          userAgent: request.headers["user-agent"] ?? null,
          previousSessionToken: request.cookies[SESSION_COOKIE],
          deviceToken: request.cookies[DEVICE_COOKIE],
        });
        reply.setCookie(SESSION_COOKIE, sessionToken, {
          ...cookieOptions,
          expires: new Date(view.expiresAt),
        });
        reply.setCookie(DEVICE_COOKIE, deviceToken, deviceCookieOptions(secureCookie));
        return view;
      },
    }),
    defineRoute({
      method: "POST",
      url: "/session/second-factor/resend",
      action: "public",
      summary: "E-mail a new sign-in code",
      description:
        "For a sign-in whose second factor is an e-mailed code; the previous code stops working. A few per sign-in (then 429 `rate_limited`, sign in again).",
      body: z.object({ challenge: z.string().min(1).max(128) }),
      response: z.object({ expiresAt: z.number().int() }),
      rateLimits: [
        {
          name: "second_factor_resend_per_address",
          ...options.perAddress,
          message: "too many codes asked from this address; try again later",
        },
      ],
      handler: ({ body }) => service.resendSignInCode(body.challenge),
    }),
    defineRoute({
      method: "GET",
      url: "/security",
      action: "auth.security.manage",
      summary: "Your sign-in protection: TOTP, e-mail, how new devices are verified",
      description:
        "`protection.method` is how a sign-in from a new device is verified: `totp`, `email`, or null when nothing can reach you (no TOTP, and no e-mail or no mail server): such sign-ins then go through unverified, and `protection.reason` says why.",
      response: z.object({
        username: z.string(),
        email: z.string().nullable(),
        totp: z.object({
          enabled: z.boolean(),
          enabledAt: z.number().int().nullable(),
          pending: z.boolean().describe("Enrolled, waiting for its first code."),
        }),
        protection: z.object({
          newDeviceVerification: z.boolean(),
          method: z.enum(["totp", "email"]).nullable(),
          reason: z.enum(["verification_off", "no_email", "no_mail_server"]).nullable(),
        }),
      }),
      async handler({ principal }) {
        const user = await signedInUser(principal.userId);
        return {
          username: user.username,
          email: user.email,
          totp: await totp.status(user.id),
          protection: await secondFactor.protection(user),
        };
      },
    }),
    defineRoute({
      method: "PUT",
      url: "/security/email",
      action: "auth.email.change",
      summary: "Set your e-mail address, where sign-in codes go (needs a fresh confirmation)",
      description:
        "A risk operation: whoever holds a session without the password must not send the codes of new devices elsewhere (403 `confirmation_required` unless confirmed within the confirmation window). `null` removes the address.",
      body: z.object({ email: z.email().max(254).nullable() }),
      response: z.object({ email: z.string().nullable() }),
      async handler({ principal, body }) {
        const user = await signedInUser(principal.userId);
        const email = body.email === null ? null : body.email.trim().toLowerCase();
        await options.setEmail(user.id, email);
        return { email };
      },
    }),
    defineRoute({
      method: "POST",
      url: "/security/totp",
      action: "auth.security.manage",
      summary: "Start enrolling TOTP (an authenticator app)",
      description:
        "Answers a new secret, its otpauth URI and a QR code of it — in this response only. TOTP is active once `POST /security/totp/activate` receives a first valid code. With TOTP active: 409 `conflict`, `details.reason = totp_enabled`.",
      response: z.object({
        secret: z.string().describe("Base32, for typing into the app; shown once."),
        otpauthUri: z.string(),
        qrCode: z.string().describe("`data:image/png;base64,…` of the otpauth URI."),
      }),
      status: 201,
      async handler({ principal }) {
        const user = await signedInUser(principal.userId);
        return totp.enrol(user);
      },
    }),
    defineRoute({
      method: "POST",
      url: "/security/totp/activate",
      action: "auth.security.manage",
      summary: "Activate TOTP with a first code of the app",
      description:
        "A wrong code: 400 `invalid_code`. Without an enrolment: 409 `conflict`, `details.reason = totp_not_enrolled`.",
      body: z.object({ code }),
      response: z.object({ enabledAt: z.number().int() }),
      async handler({ principal, body }) {
        const user = await signedInUser(principal.userId);
        return totp.activate(user.id, body.code);
      },
    }),
    defineRoute({
      method: "DELETE",
      url: "/security/totp",
      action: "auth.totp.disable",
      summary: "Turn TOTP off (needs a fresh confirmation)",
      description:
        "A risk operation: 403 `confirmation_required` unless confirmed within the confirmation window. New devices are then verified by e-mailed codes.",
      async handler({ principal }) {
        await totp.disable((await signedInUser(principal.userId)).id);
        return undefined;
      },
    }),
    defineRoute({
      method: "GET",
      url: "/security/devices",
      action: "auth.security.manage",
      summary: "Your known devices: browsers that passed a second factor",
      response: z.object({ devices: z.array(deviceView) }),
      async handler({ principal, request }) {
        const user = await signedInUser(principal.userId);
        return { devices: await secondFactor.devices(user.id, request.cookies[DEVICE_COOKIE]) };
      },
    }),
    defineRoute({
      method: "DELETE",
      url: "/security/devices/:id",
      action: "auth.security.manage",
      summary: "Forget a known device: its next sign-in asks the second factor again",
      params: z.object({ id: z.string().min(1).max(64) }),
      async handler({ principal, params }) {
        await secondFactor.forget((await signedInUser(principal.userId)).id, params.id);
        return undefined;
      },
    }),
  ];
}

/**
 * Sandbox mode only: the latest sign-in codes, for the sandbox panel (no mail server is needed
 * to try the sandbox). Public, as the person reading them has not signed in yet; the sandbox
 * listens on loopback only, as does its emulator's control API.
 */
export function sandboxMailRoutes(mailbox: SandboxMailbox): Route[] {
  return [
    defineRoute({
      method: "GET",
      url: "/sandbox/mail",
      action: "public",
      summary: "Sandbox: the latest sign-in codes e-mailed",
      tags: ["sandbox"],
      response: z.object({
        mails: z.array(
          z.object({
            to: z.string().nullable(),
            username: z.string(),
            code: z.string(),
            sentAt: z.number().int(),
            expiresAt: z.number().int(),
          }),
        ),
      }),
      handler: async () => ({ mails: mailbox.list() }),
    }),
  ];
}
