/** What an API key may be allowed to do. `admin` implies every other scope. */
export const scopes = [
  "token:read",
  "events:read",
  "accounts:read",
  "accounts:write",
  "webhooks:write",
  "admin",
] as const;
export type Scope = (typeof scopes)[number];

/**
 * Who a route requires:
 * - `public`: anyone;
 * - `authenticated`: every valid session or API key;
 * - `session`: a signed-in console user (not an API key);
 * - a {@link Scope}: a session user (who holds every scope) or an API key with that scope.
 */
export type Access = "public" | "authenticated" | "session" | Scope;

/** The caller of a request, once authenticated. */
export interface Principal {
  kind: "session" | "api_key";
  /** The session's user id, or the API key's id. */
  id: string;
  /** The user acting: the signed-in user, or the user who created the key. */
  userId: string | null;
  /** Username or key name, for audit lines. */
  name: string;
  scopes: readonly Scope[];
  /** Sessions only: the double-submit token unsafe requests must echo in `x-csrf-token`. */
  csrfToken?: string;
  /** Sessions only: the stored (hashed) session id. */
  sessionId?: string;
}

/** Scopes that include another: whoever may change accounts may read them. */
const implied: Partial<Record<Scope, Scope>> = { "accounts:read": "accounts:write" };

/** True when `principal` may act with `scope`. */
export function hasScope(principal: Principal, scope: Scope): boolean {
  if (principal.scopes.includes("admin") || principal.scopes.includes(scope)) return true;
  const wider = implied[scope];
  return wider !== undefined && principal.scopes.includes(wider);
}

/** The credentials a request presented, as the HTTP edge extracted them. */
export interface PresentedCredentials {
  /** The raw `Authorization` header. */
  authorization: string | undefined;
  /** The session cookie's value. */
  sessionToken: string | undefined;
}

/**
 * Turns presented credentials into a principal. Implemented by the auth module; the HTTP
 * edge only calls it.
 */
export interface Authenticator {
  /**
   * @returns undefined when no credentials were presented
   * @throws {PlatformError} `unauthorized` when credentials were presented but are not valid
   */
  authenticate(credentials: PresentedCredentials): Promise<Principal | undefined>;
}

/** The session cookie's name. */
export const SESSION_COOKIE = "wxgate_session";
/** The header carrying the CSRF token on cookie-authenticated unsafe requests. */
export const CSRF_HEADER = "x-csrf-token";
