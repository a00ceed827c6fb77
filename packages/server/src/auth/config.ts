import { z } from "zod";
import { defineSection, flag, type SectionValue, wholeNumber } from "../platform/config-kit.js";

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

/** Sign-in protection: `config.auth`. */
export const authConfig = defineSection("auth", {
  // 5 wrong passwords in a row freeze a login for 2 hours; a right one resets the count.
  loginMaxFailures: {
    key: "loginMaxFailures",
    env: "LOGIN_MAX_FAILURES",
    schema: wholeNumber(1, 100, 5),
    help: "consecutive wrong passwords that freeze a login",
  },
  loginFreezeMinutes: {
    key: "loginFreezeMinutes",
    env: "LOGIN_FREEZE_MINUTES",
    schema: wholeNumber(1, 10_080, 120),
    help: "how long a frozen login stays frozen, in minutes",
  },
  // Every attempt counts, right or wrong: parallel guesses cannot slip in between a check
  // and the count. Generous enough for people sharing an office's address.
  signInIpLimit: {
    key: "signInIpLimit",
    env: "SIGN_IN_IP_LIMIT",
    schema: wholeNumber(1, 10_000, 20),
    help: "sign-in attempts one client address may make per window",
  },
  signInIpWindowMinutes: {
    key: "signInIpWindowMinutes",
    env: "SIGN_IN_IP_WINDOW_MINUTES",
    schema: wholeNumber(1, 1440, 1),
    help: "the window of WXGATE_SIGN_IN_IP_LIMIT, in minutes",
  },
  // Guessing one login from many addresses; unknown usernames count alike.
  signInUsernameLimit: {
    key: "signInUsernameLimit",
    env: "SIGN_IN_USERNAME_LIMIT",
    schema: wholeNumber(1, 10_000, 10),
    help: "sign-in attempts for one username (from any address) per window",
  },
  signInUsernameWindowMinutes: {
    key: "signInUsernameWindowMinutes",
    env: "SIGN_IN_USERNAME_WINDOW_MINUTES",
    schema: wholeNumber(1, 1440, 15),
    help: "the window of WXGATE_SIGN_IN_USERNAME_LIMIT, in minutes",
  },
  // A console session ends after this long without a request, and in any case this long after
  // it began; a risk operation needs the password (or TOTP) again within the confirmation window.
  sessionIdleMinutes: {
    key: "sessionIdleMinutes",
    env: "SESSION_IDLE_MINUTES",
    schema: wholeNumber(5, 10_080, 60),
    help: "a console session ends after this many minutes without a request",
  },
  sessionMaxHours: {
    key: "sessionMaxHours",
    env: "SESSION_MAX_HOURS",
    schema: wholeNumber(1, 720, 12),
    help: "a console session ends this many hours after sign-in, however active",
  },
  confirmationMinutes: {
    key: "confirmationMinutes",
    env: "CONFIRMATION_MINUTES",
    schema: wholeNumber(1, 60, 5),
    help: "how long a confirmation (password again) admits risk operations, in minutes",
  },
  // A sign-in from a browser without a known device cookie needs a second factor: TOTP when
  // the user enrolled it, else a code by e-mail. Off only where no one can receive a code.
  newDeviceVerification: {
    key: "newDeviceVerification",
    env: "NEW_DEVICE_VERIFICATION",
    schema: flag(true),
    help: "ask a second factor (TOTP or an e-mailed code) at a sign-in from a new device",
  },
  secondFactorMinutes: {
    key: "secondFactorMinutes",
    env: "SECOND_FACTOR_MINUTES",
    schema: wholeNumber(1, 60, 10),
    help: "how long an e-mailed sign-in code (and a sign-in waiting for its second factor) lasts, in minutes",
  },
  // The password inside the URL is a secret: it is never logged nor shown.
  smtpUrl: {
    key: "smtpUrl",
    env: "SMTP_URL",
    schema: optionalText.pipe(
      z
        .string()
        .regex(/^smtps?:\/\/[^\s]+$/, "must be smtp://[user:password@]host[:port] or smtps://…")
        .optional(),
    ),
    help: "where sign-in codes are e-mailed from: smtp://user:password@host:587 or smtps://…:465",
  },
  mailFrom: {
    key: "mailFrom",
    env: "MAIL_FROM",
    schema: optionalText.pipe(z.string().max(254).optional()),
    help: 'the From of wxgate\'s e-mails, e.g. "wxgate <wxgate@example.com>"',
  },
});

declare module "../platform/config.js" {
  interface ConfigSections {
    auth: SectionValue<typeof authConfig.settings>;
  }
}
