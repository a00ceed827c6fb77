/**
 * What the HTTP edge tells about each API request that changes something (POST, PUT, PATCH,
 * DELETE), once it is answered: who, on what, and how it ended. Domain-free: a module that
 * keeps a record of it (the audit log) declares an observer; the edge knows nothing of it.
 */
export interface ApiRequestRecord {
  requestId: string;
  method: string;
  /** The route's URL pattern under the API prefix, e.g. `/api/v1/accounts/:appid/enable`. */
  route: string;
  /** The action the route takes, or `public`. */
  action: string;
  /** Who acted, when the request carried a valid credential. */
  actor: { kind: "session" | "api_key" | "cli"; id: string; name: string } | undefined;
  /** The account acted on, when the route names one. */
  appid: string | undefined;
  /** The validated path parameters, or the raw ones when validation failed. */
  params: Record<string, unknown>;
  /** The request body as received (observers redact what they keep). */
  body: unknown;
  status: number;
  /** The error's stable code when the request was refused or failed. */
  errorCode: string | undefined;
  ip: string;
  userAgent: string | undefined;
  /**
   * A risk operation: the route's action is flagged `risk` in its policy, or the request was
   * refused for want of a fresh confirmation (a service deciding that this call is risky).
   */
  risk: boolean;
}

/** Told of every changing API request once it is answered; must not throw, must not wait. */
export type ApiRequestObserver = (record: ApiRequestRecord) => void;

/**
 * Whether risk operations on one account need a fresh confirmation: a module keeping each
 * account's risk protection (on by default) answers; the edge asks only about a risk action on
 * a route naming an account, taken by a console session without a fresh confirmation.
 */
export interface ConfirmationPolicy {
  requiredOn(appid: string): Promise<boolean>;
}
