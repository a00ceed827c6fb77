import { type AccountReach, type ActionCatalog, type Actor, type Scope, scopes } from "../platform/policy.js";

export { type Scope, scopes };

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
  /**
   * The accounts the credential is limited to; every account when absent — as for every
   * session and API key today (roles and departments will set it).
   */
  reach?: AccountReach;
}

/** Scopes that include another: whoever may change accounts may read them. */
const implied: Partial<Record<Scope, Scope>> = { "accounts:read": "accounts:write" };

/**
 * True when `principal` holds `scope` (or a wider one). The edge checks actions; this answers
 * for clients of the package that still think in scopes.
 */
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

/**
 * The actor a principal acts as: a console session is its user's role (every user is an
 * administrator today); an API key takes the actions its scopes grant. Either reaches the
 * accounts its credential is limited to, or every account.
 */
export function actorOf(principal: Principal, catalog: ActionCatalog): Actor {
  const session = principal.kind === "session";
  return {
    via: principal.kind,
    id: principal.id,
    userId: principal.userId,
    name: principal.name,
    role: session ? "admin" : null,
    actions: session ? catalog.actionsOfRole("admin") : catalog.actionsOfScopes(principal.scopes),
    reach: principal.reach ?? { all: true },
  };
}
