import { createHmac, randomInt } from "node:crypto";
import { errors, PlatformError } from "../platform/errors.js";
import { newId } from "../platform/ids.js";
import type { Logger } from "../platform/logger.js";
import type { Clock } from "../platform/ports.js";
import { randomToken, safeEqual, sha256Hex } from "../platform/secrets.js";
import type { CodeMail } from "./mailer.js";
import type { ChallengeRow, KnownDeviceRow, SecondFactorRepository } from "./second-factor-repository.js";
import { deviceOf } from "./sessions.js";
import { invalidCode, type TotpFactor } from "./totp.js";

/** Wrong codes one sign-in may enter before it has to start again with the password. */
export const MAX_CODE_ATTEMPTS = 5;
/** E-mailed codes one sign-in may ask for (the first and the resends). */
const MAX_SENDS = 5;

/** The user of a sign-in, as the second factor reads it. */
export interface SignInUser {
  id: string;
  username: string;
  email: string | null;
}

/** Where a sign-in comes from. */
export interface SignInOrigin {
  ip: string | null;
  userAgent: string | null;
  /** The device cookie the browser presented, if any. */
  deviceToken: string | undefined;
}

/** A sign-in waiting for its second factor, as its client sees it. */
export interface ChallengeView {
  /** Presented with the code; stored as a digest only. */
  challenge: string;
  method: "totp" | "email";
  expiresAt: number;
  /** The e-mail address the code went to, partly hidden; null for TOTP (and a sandbox user without one). */
  sentTo: string | null;
  /** Sandbox mode: the code is in the sandbox panel and the log. */
  sandbox: boolean;
}

/** What a sign-in whose password was right needs before its session exists. */
export type Gate = { kind: "open"; newDevice: boolean } | { kind: "challenge"; view: ChallengeView };

/** A known device as listed to its user: never its cookie. */
export interface DeviceView {
  id: string;
  current: boolean;
  device: string;
  userAgent: string | null;
  ip: string | null;
  firstSeenAt: number;
  lastSeenAt: number;
}

/** Options of {@link SecondFactor}. */
export interface SecondFactorOptions {
  repository: SecondFactorRepository;
  totp: TotpFactor;
  mail: CodeMail;
  clock: Clock;
  logger: Logger;
  /** `WXGATE_NEW_DEVICE_VERIFICATION`: false lets every right password through at once. */
  newDeviceVerification: boolean;
  /** How long an e-mailed code (and a challenge) lasts. */
  codeMs: number;
  sandbox: boolean;
}

/** `o***@example.com`: enough for the user to recognise the address, little for anyone else. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at <= 0) return "***";
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

/** The stored form of an e-mailed code: keyed by the challenge token, which is itself stored as a digest. */
function codeDigest(challenge: string, code: string): string {
  return createHmac("sha256", challenge).update(code).digest("hex");
}

function sixDigits(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, "0");
}

function expired(): PlatformError {
  return new PlatformError(
    "second_factor_expired",
    "this sign-in has expired or had too many wrong codes; sign in again",
  );
}

/**
 * The second factor of a sign-in from a new device (a browser without a known device cookie):
 * TOTP when the user enrolled it, otherwise a 6-digit code by e-mail (sandbox: in the sandbox's
 * mailbox and the log). Codes last {@link SecondFactorOptions.codeMs}, are single-use, stored
 * keyed-hashed, and a sign-in gets {@link MAX_CODE_ATTEMPTS} tries. A verified factor makes the
 * device known (a long-lived cookie whose digest is kept per user).
 *
 * When no factor can reach the user (no TOTP, and no e-mail address or no mail server outside
 * the sandbox) the sign-in goes through: refusing would lock out every user of a server without
 * mail. It is logged as a warning, and the user's security page says the account is unprotected.
 */
export class SecondFactor {
  constructor(private readonly options: SecondFactorOptions) {}

  /** What a sign-in with the right password needs: nothing (a known device), or a second factor. */
  async gate(user: SignInUser, origin: SignInOrigin): Promise<Gate> {
    const { repository, clock, logger, newDeviceVerification, codeMs } = this.options;
    const now = clock.now();
    if (origin.deviceToken) {
      const known = await repository.findDevice(user.id, sha256Hex(origin.deviceToken));
      if (known) {
        await repository.touchDevice(known.id, now, origin.ip, origin.userAgent);
        return { kind: "open", newDevice: false };
      }
    }
    if (!newDeviceVerification) return { kind: "open", newDevice: true };
    const totp = (await this.options.totp.status(user.id)).enabled;
    if (!totp && !this.options.mail.reaches(user.email)) {
      logger.warn(
        { user: { id: user.id } },
        "a sign-in from a new device without a second factor: no TOTP, and no e-mail can reach the user",
      );
      return { kind: "open", newDevice: true };
    }
    const challenge = randomToken(32);
    const expiresAt = now + codeMs;
    const code = totp ? undefined : sixDigits();
    await repository.insertChallenge({
      id: sha256Hex(challenge),
      userId: user.id,
      method: totp ? "totp" : "email",
      codeHash: code === undefined ? null : codeDigest(challenge, code),
      now,
      expiresAt,
      ip: origin.ip,
      userAgent: origin.userAgent?.slice(0, 300) ?? null,
    });
    if (code !== undefined) {
      try {
        await this.options.mail.send({ to: user.email, username: user.username, code, expiresAt });
      } catch (error) {
        // No code went out: the sign-in waits for nothing.
        await repository.consumeChallenge(sha256Hex(challenge));
        throw error;
      }
    }
    logger.info(
      { user: { id: user.id }, method: totp ? "totp" : "email" },
      "a new device: second factor asked",
    );
    return {
      kind: "challenge",
      view: {
        challenge,
        method: totp ? "totp" : "email",
        expiresAt,
        sentTo: totp || !user.email ? null : maskEmail(user.email),
        sandbox: this.options.sandbox,
      },
    };
  }

  /** The live challenge of a token, or 400 `second_factor_expired`. */
  async pending(challenge: string): Promise<ChallengeRow> {
    const row = await this.options.repository.findChallenge(sha256Hex(challenge));
    if (!row || row.expires_at <= this.options.clock.now()) throw expired();
    return row;
  }

  /**
   * Checks the code of a pending sign-in: true uses the challenge up; false counts a wrong code
   * (the challenge ends at the last allowed one). Returns the attempts left after a wrong code.
   */
  async check(
    row: ChallengeRow,
    challenge: string,
    code: string,
  ): Promise<{ ok: true } | { ok: false; attemptsLeft: number }> {
    const { repository } = this.options;
    const right =
      row.method === "totp"
        ? await this.options.totp.check(row.user_id, code)
        : row.code_hash !== null && safeEqual(codeDigest(challenge, code), row.code_hash);
    if (right) {
      // Single use: of two requests with the same code, one wins.
      if (!(await repository.consumeChallenge(row.id))) throw expired();
      return { ok: true };
    }
    const attempts = await repository.countAttempt(row.id, MAX_CODE_ATTEMPTS);
    if (attempts === undefined) throw expired();
    if (attempts >= MAX_CODE_ATTEMPTS) await repository.consumeChallenge(row.id);
    return { ok: false, attemptsLeft: MAX_CODE_ATTEMPTS - attempts };
  }

  /** A new e-mailed code for a pending sign-in (the previous one stops working). */
  async resend(challenge: string, user: SignInUser): Promise<{ expiresAt: number }> {
    const row = await this.pending(challenge);
    if (row.method !== "email" || row.user_id !== user.id) {
      throw errors.conflict("this sign-in's second factor is not an e-mailed code", { reason: "not_email" });
    }
    const code = sixDigits();
    const expiresAt = this.options.clock.now() + this.options.codeMs;
    if (
      !(await this.options.repository.replaceCode(row.id, codeDigest(challenge, code), expiresAt, MAX_SENDS))
    ) {
      throw new PlatformError("rate_limited", "no more codes for this sign-in; sign in again", {
        reason: "second_factor_sends",
      });
    }
    await this.options.mail.send({ to: user.email, username: user.username, code, expiresAt });
    return { expiresAt };
  }

  /**
   * Makes the browser a known device of the user after a verified second factor: always a new
   * cookie, never the one presented — a cookie planted in the browser beforehand (one the
   * planter holds too) must not become known. Returns the cookie to set. A browser shared by two
   * users is known to the last one verified there.
   */
  async remember(userId: string, origin: Pick<SignInOrigin, "ip" | "userAgent">): Promise<string> {
    const token = randomToken(32);
    const now = this.options.clock.now();
    await this.options.repository.rememberDevice({
      id: newId(now),
      userId,
      tokenHash: sha256Hex(token),
      now,
      ip: origin.ip,
      userAgent: origin.userAgent?.slice(0, 300) ?? null,
    });
    return token;
  }

  async devices(userId: string, deviceToken: string | undefined): Promise<DeviceView[]> {
    const current = deviceToken ? sha256Hex(deviceToken) : undefined;
    return (await this.options.repository.listDevices(userId)).map((row: KnownDeviceRow) => ({
      id: row.id,
      current: row.token_hash === current,
      device: deviceOf(row.user_agent),
      userAgent: row.user_agent,
      ip: row.ip,
      firstSeenAt: row.first_seen_at,
      lastSeenAt: row.last_seen_at,
    }));
  }

  /** Forgets a device: its next sign-in asks the second factor again. */
  async forget(userId: string, id: string): Promise<void> {
    if (!(await this.options.repository.forgetDevice(userId, id))) throw errors.notFound("the device");
    this.options.logger.info({ user: { id: userId } }, "a known device was forgotten");
  }

  /**
   * How a user's new-device sign-ins are protected: by TOTP, by e-mailed codes, or not at all
   * (`unprotected`, with why) — what their security page reports.
   */
  async protection(user: SignInUser): Promise<{
    newDeviceVerification: boolean;
    method: "totp" | "email" | null;
    reason: "verification_off" | "no_email" | "no_mail_server" | null;
  }> {
    const enabled = this.options.newDeviceVerification;
    if ((await this.options.totp.status(user.id)).enabled)
      return { newDeviceVerification: enabled, method: "totp", reason: enabled ? null : "verification_off" };
    if (this.options.mail.reaches(user.email))
      return { newDeviceVerification: enabled, method: "email", reason: enabled ? null : "verification_off" };
    return {
      newDeviceVerification: enabled,
      method: null,
      reason: !enabled ? "verification_off" : user.email ? "no_mail_server" : "no_email",
    };
  }

  /** Housekeeping: deletes the challenges past their time. */
  purgeExpired(): Promise<number> {
    return this.options.repository.deleteExpiredChallenges(this.options.clock.now());
  }
}

export { invalidCode };
