import {
  type AccountReach,
  type ActionCatalog,
  type Actor,
  type Membership,
  type PolicySubject,
  type Role,
  type Scope,
  scopes,
} from "../platform/policy.js";

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
   * The accounts the credential is limited to; every account when absent. A department's admin
   * reaches the department's accounts; a member's reach follows from their memberships.
   */
  reach?: AccountReach;
  /** Sessions only: the user's platform role (an administrator when absent). */
  role?: Role;
  /** Sessions of members only: their active memberships, by appid. */
  memberships?: ReadonlyMap<string, Membership>;
  /** Sessions only: when the user last confirmed their identity (the password again). */
  confirmedAt?: number | null;
  /** Sessions only: that confirmation still admits risk operations. */
  freshlyConfirmed?: boolean;
  /**
   * Sessions only: the session continues under a new id (the user's privileges changed); the
   * edge sends the new cookie with the answer.
   */
  renewedSession?: { token: string; expiresAt: number };
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
/** The session cookie's attributes: never readable by scripts, not sent on cross-site requests that change things. */
export function sessionCookieOptions(secure: boolean) {
  return { path: "/", httpOnly: true, sameSite: "lax" as const, secure };
}
/** The header carrying the CSRF token on cookie-authenticated unsafe requests. */
export const CSRF_HEADER = "x-csrf-token";

/** What the policy reads of a principal (see `decide` in platform/policy.ts). */
export function subjectOf(principal: Principal, catalog: ActionCatalog): PolicySubject {
  if (principal.kind === "api_key") {
    return {
      via: "api_key",
      role: null,
      reach: principal.reach ?? { all: true },
      memberships: null,
      actions: catalog.actionsOfScopes(principal.scopes),
    };
  }
  const role = principal.role ?? "admin";
  return {
    via: "session",
    role,
    reach: principal.reach ?? { all: true },
    memberships: role === "member" ? (principal.memberships ?? new Map()) : null,
  };
}

/**
 * The actor a principal acts as: its actions and a member's grants per account, by the one
 * policy. With `action` (the route's), a member reaches only the accounts where they may take
 * it, so every list shows them only those — as a department's admin sees only the
 * department's.
 */
export function actorOf(principal: Principal, catalog: ActionCatalog, action?: string): Actor {
  const subject = subjectOf(principal, catalog);
  const actions = subject.actions ?? catalog.actionsOf(subject);
  const grants = catalog.grantsOf(subject);
  let reach = subject.reach;
  if (grants !== null) {
    const appIds = [...grants].filter(([, allowed]) => action === undefined || allowed.has(action));
    reach = { all: false, appIds: new Set(appIds.map(([appId]) => appId)) };
  }
  return {
    via: principal.kind,
    id: principal.id,
    userId: principal.userId,
    name: principal.name,
    role: subject.role,
    actions,
    reach,
    grants,
    freshlyConfirmed: principal.freshlyConfirmed === true,
  };
}
