/** The stable error codes of the HTTP API, each with its status. */
export const errorStatus = {
  bad_request: 400,
  malformed_json: 400,
  validation_failed: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  /** A wrong, expired or already used second-factor code (TOTP or e-mailed). */
  invalid_code: 400,
  /** A sign-in's second step past its time or its attempts: sign in again. */
  second_factor_expired: 400,
  forbidden: 403,
  csrf_failed: 403,
  /** A risk operation without a fresh confirmation of the user's identity (`POST /session/confirm`). */
  confirmation_required: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  /** Creating an administrator under a username another one has. */
  username_taken: 409,
  /** Deleting an account still in its cooling-off after a de-authorization. */
  cooling_off: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  login_frozen: 429,
  rate_limited: 429,
  internal_error: 500,
  upstream_error: 502,
  unavailable: 503,
} as const;

/** One of the API's stable error codes. */
export type ErrorCode = keyof typeof errorStatus;

/**
 * An error a service throws on purpose. The HTTP edge turns it into
 * `{ error: { code, message, details } }` with the code's status — services never touch HTTP.
 * `message` and `details` are shown to the caller: never put a secret in them.
 */
export class PlatformError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;
  /** When trying again may succeed, in whole seconds: the edge sends it as `retry-after`. */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, details?: unknown, options: { retryAfterMs?: number } = {}) {
    super(message);
    this.name = "PlatformError";
    this.code = code;
    this.status = errorStatus[code];
    this.details = details;
    this.retryAfterSeconds =
      options.retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(options.retryAfterMs / 1000));
  }
}

/** Named factories, so call sites read as the rule they enforce. */
export const errors = {
  notFound: (what: string) => new PlatformError("not_found", `${what} was not found`),
  conflict: (message: string, details?: unknown) => new PlatformError("conflict", message, details),
  unauthorized: (message = "authentication is required") => new PlatformError("unauthorized", message),
  forbidden: (message = "this credential may not do that") => new PlatformError("forbidden", message),
  validation: (message: string, details?: unknown) =>
    new PlatformError("validation_failed", message, details),
};
