import { generateSecret, generateURI, verify } from "otplib";
import QRCode from "qrcode";
import { errors, PlatformError } from "../platform/errors.js";
import type { Logger } from "../platform/logger.js";
import type { Clock } from "../platform/ports.js";
import type { SecretBox } from "../platform/secrets.js";
import type { SecondFactorRepository } from "./second-factor-repository.js";

/** The name authenticator apps show beside the account. */
const ISSUER = "wxgate";
/**
 * Codes of the step before and after the current one are accepted too: a phone's clock a few
 * seconds off, or a code typed as it changed, still works.
 */
const TOLERANCE_SECONDS = 30;

/** What a user sees while enrolling: the secret (this once), the otpauth URI and its QR code. */
export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
  /** `data:image/png;base64,…` of the otpauth URI, for the authenticator app to scan. */
  qrCode: string;
}

/** The associated data the secret is sealed with: a ciphertext moved to another user fails to open. */
function sealContext(userId: string): string {
  return `users.totp_secret:${userId}`;
}

/**
 * A user's TOTP (RFC 6238, 6 digits every 30 seconds, as authenticator apps make them): enrol
 * (a new secret, sealed with the master key), activate with a first valid code, check a code
 * (each time step is accepted once), disable.
 */
export class TotpFactor {
  constructor(
    private readonly options: {
      repository: SecondFactorRepository;
      secrets: SecretBox;
      clock: Clock;
      logger: Logger;
    },
  ) {}

  /** Whether the user has an active TOTP, and since when. */
  async status(userId: string): Promise<{ enabled: boolean; enabledAt: number | null; pending: boolean }> {
    const row = await this.options.repository.findTotp(userId);
    const enabledAt = row?.totp_enabled_at ?? null;
    return { enabled: enabledAt !== null, enabledAt, pending: enabledAt === null && !!row?.totp_secret };
  }

  /**
   * Starts an enrolment: a new secret, returned here only (and as the URI and QR code). Not
   * active until {@link activate}; an active TOTP is disabled first (409 `totp_enabled`).
   */
  async enrol(user: { id: string; username: string }): Promise<TotpEnrolment> {
    const { repository, secrets, clock, logger } = this.options;
    if ((await this.status(user.id)).enabled) {
      throw errors.conflict("TOTP is already active; disable it first", { reason: "totp_enabled" });
    }
    const secret = generateSecret();
    await repository.startTotp(user.id, secrets.seal(secret, sealContext(user.id)), clock.now());
    const otpauthUri = generateURI({ issuer: ISSUER, label: user.username, secret });
    logger.info({ user: { id: user.id } }, "TOTP enrolment started");
    const qrCode = await QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: "M", margin: 1, width: 240 });
    return { secret, otpauthUri, qrCode };
  }

  /** Activates the enrolled secret with a first valid code (400 `invalid_code` otherwise). */
  async activate(userId: string, code: string): Promise<{ enabledAt: number }> {
    const { repository, clock, logger } = this.options;
    const row = await repository.findTotp(userId);
    if (!row?.totp_secret) {
      throw errors.conflict("no TOTP enrolment is in progress", { reason: "totp_not_enrolled" });
    }
    if (row.totp_enabled_at !== null) {
      throw errors.conflict("TOTP is already active", { reason: "totp_enabled" });
    }
    const step = await this.matchingStep(userId, row.totp_secret, code, null);
    if (step === undefined) throw invalidCode();
    const now = clock.now();
    await repository.activateTotp(userId, step, now);
    logger.info({ user: { id: userId } }, "TOTP activated");
    return { enabledAt: now };
  }

  /** Turns TOTP off (the route needs a fresh confirmation: it weakens the sign-in). */
  async disable(userId: string): Promise<void> {
    const { repository, clock, logger } = this.options;
    if (!(await repository.findTotp(userId))?.totp_secret) {
      throw errors.conflict("TOTP is not active", { reason: "totp_not_enrolled" });
    }
    await repository.disableTotp(userId, clock.now());
    logger.warn({ user: { id: userId } }, "TOTP disabled");
  }

  /**
   * Whether `code` is a valid code of the user's active TOTP not used before. A code's time
   * step is recorded, so the same code (or an older one) never passes twice.
   */
  async check(userId: string, code: string): Promise<boolean> {
    const row = await this.options.repository.findTotp(userId);
    if (!row?.totp_secret || row.totp_enabled_at === null) return false;
    const step = await this.matchingStep(userId, row.totp_secret, code, row.totp_last_step);
    if (step === undefined) return false;
    return this.options.repository.useTotpStep(userId, step);
  }

  private async matchingStep(
    userId: string,
    sealed: string,
    code: string,
    lastStep: number | null,
  ): Promise<number | undefined> {
    const secret = this.options.secrets.open(sealed, sealContext(userId));
    const result = await verify({
      secret,
      token: code,
      epoch: Math.floor(this.options.clock.now() / 1000),
      epochTolerance: TOLERANCE_SECONDS,
      ...(lastStep === null ? {} : { afterTimeStep: lastStep }),
    });
    return result.valid && "timeStep" in result ? result.timeStep : undefined;
  }
}

/** A wrong or used code: 400 `invalid_code`. */
export function invalidCode(details?: Record<string, unknown>): PlatformError {
  return new PlatformError("invalid_code", "the code is wrong or was already used", details);
}
