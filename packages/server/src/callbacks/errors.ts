/** The gateway's own refusals, each with a stable code (crypto and XML errors come from the SDK). */
export type GatewayErrorCode = "account_not_found" | "nonce_reused" | "bad_query" | "method_not_allowed";

const statusOf: Record<GatewayErrorCode, number> = {
  account_not_found: 404,
  nonce_reused: 409,
  bad_query: 400,
  method_not_allowed: 405,
};

/** A push the gateway refuses on purpose. */
export class GatewayError extends Error {
  readonly code: GatewayErrorCode;
  readonly status: number;

  constructor(code: GatewayErrorCode, message: string) {
    super(message);
    this.name = "GatewayError";
    this.code = code;
    this.status = statusOf[code];
  }
}
