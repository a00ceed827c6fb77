import type { Authenticator, PresentedCredentials, Principal, Scope } from "../http/principal.js";
import { scopes as knownScopes } from "../http/principal.js";
import type { EventBus } from "../platform/bus.js";
import { LruCache } from "../platform/cache.js";
import { errors } from "../platform/errors.js";
import { newId } from "../platform/ids.js";
import type { Logger } from "../platform/logger.js";
import {
  type AccountReach,
  type Actor,
  confirmationRequired,
  type Membership,
  needsConfirmation,
  type Role,
} from "../platform/policy.js";
import type { Clock } from "../platform/ports.js";
import { randomToken, sha256Hex } from "../platform/secrets.js";
import { Administrators, type GivenRole, type PasswordHasher } from "./admins.js";
import { defaultScryptCost, hashPassword, type ScryptCost, verifyPassword } from "./password.js";
import type { ApiKeyRow, AuthRepository } from "./repository.js";
import type { SecondFactor } from "./second-factor.js";
import { ConsoleSessions, defaultSessionPolicy, type SessionPolicy } from "./sessions.js";
import {
  type LoginFreezePolicy,
  type SessionView,
  type SignInRequest,
  type SignInResult,
  SignIns,
} from "./sign-in.js";
import type { TotpFactor } from "./totp.js";

export { normalizeUsername, type PasswordHasher } from "./admins.js";
export type { LoginFreezePolicy, SessionView, SignInRequest, SignInResult } from "./sign-in.js";

/** API keys start with this, so a leaked one is recognizable (and scannable) as ours. */
export const API_KEY_PREFIX = "wxg_";
/**
 * How long the old cookie of a renewed session still works: the requests a page sent with it
 * before the new cookie came back (parallel requests) are answered, not signed out.
 */
const RENEWAL_GRACE_MS = 30_000;
/** Bookkeeping writes (last seen / last used) at most this often per session or key. */
const TOUCH_INTERVAL_MS = 60_000;
/**
 * How long a verified API key is trusted without reading its row again. Revocation in this
 * process takes effect at once; another process of a cluster sees it within this time.
 */
const API_KEY_CACHE_TTL_MS = 5_000;

interface CachedApiKey {
  principal: Principal;
  lastUsedAt: number | null;
}

const scryptHasher: PasswordHasher = { hash: hashPassword, verify: verifyPassword };

/**
 * What limits a signed-in user beyond their role, asked on every request of theirs (so a
 * change takes effect at the next one): a department's accounts, a member's memberships.
 * Filled by the team module; without it, administrators reach every account and members none.
 */
export interface AccessSource {
  accessOf(user: { id: string; role: Role }): Promise<{
    reach?: AccountReach;
    memberships?: ReadonlyMap<string, Membership>;
  }>;
}

/** Options of {@link AuthService}. */
export interface AuthServiceOptions {
  repository: AuthRepository;
  clock: Clock;
  logger: Logger;
  /** How long console sessions live, idle or not, and how long a confirmation lasts. */
  sessionPolicy?: SessionPolicy;
  scryptCost?: ScryptCost;
  /** Required, so that no server can be built with the freeze forgotten. */
  loginFreeze: LoginFreezePolicy;
  passwords?: PasswordHasher;
  /**
   * The second factor of sign-ins from new devices, and TOTP. Without it (tests of other rules)
   * a right password opens a session at once and confirmations take the password only.
   */
  secondFactor?: { gate: SecondFactor; totp: TotpFactor };
  /** Where sign-ins are announced (`auth.sign_in`). */
  bus?: EventBus;
}

/** An API key as listed: never the key itself. */
export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

function toScopes(json: string): Scope[] {
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed)) return [];
  return parsed.filter((s): s is Scope => (knownScopes as readonly unknown[]).includes(s));
}

function viewOf(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: toScopes(row.scopes),
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/** Scopes that let a key read tokens (or do anything): making such a key is a risk operation. */
export function scopesReadTokens(given: readonly Scope[]): boolean {
  return given.some((scope) => scope === "token:read" || scope === "admin");
}

/**
 * Admin users, console sessions and API keys; also the {@link Authenticator} the HTTP edge
 * asks who a request comes from. Session ids and API keys are stored only as SHA-256
 * digests (they are random and long, so a fast hash suffices); passwords with scrypt.
 */
export class AuthService implements Authenticator {
  private readonly repository: AuthRepository;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly sessionPolicy: SessionPolicy;
  private readonly scryptCost: ScryptCost;
  private readonly loginFreeze: LoginFreezePolicy;
  private readonly passwords: PasswordHasher;
  private readonly secondFactor: AuthServiceOptions["secondFactor"];
  /** Verified API keys by key digest: the token endpoint is hot, a row read per call is not. */
  private readonly apiKeys: LruCache<CachedApiKey>;
  /** Signing in, and checking a signed-in user's password or code again. */
  private readonly signIns: SignIns;
  /** The administrators: listing, adding, resetting passwords. */
  readonly admins: Administrators;
  /** The signed-in user's own sessions, and confirming their identity before risk operations. */
  readonly sessions: ConsoleSessions;

  constructor(options: AuthServiceOptions) {
    this.repository = options.repository;
    this.clock = options.clock;
    this.logger = options.logger;
    this.sessionPolicy = options.sessionPolicy ?? defaultSessionPolicy;
    this.scryptCost = options.scryptCost ?? defaultScryptCost;
    this.loginFreeze = options.loginFreeze;
    this.passwords = options.passwords ?? scryptHasher;
    this.secondFactor = options.secondFactor;
    this.apiKeys = new LruCache({ maxEntries: 1_000, defaultTtlMs: API_KEY_CACHE_TTL_MS, clock: this.clock });
    this.signIns = new SignIns({
      repository: this.repository,
      clock: this.clock,
      logger: this.logger,
      loginFreeze: this.loginFreeze,
      passwords: this.passwords,
      scryptCost: this.scryptCost,
      sessionMaxMs: this.sessionPolicy.maxMs,
      secondFactor: options.secondFactor,
      bus: options.bus,
    });
    this.admins = new Administrators({
      repository: this.repository,
      clock: this.clock,
      logger: this.logger,
      passwords: this.passwords,
      scryptCost: this.scryptCost,
      privilegesChanged: (userId) => this.privilegesChanged(userId),
    });
    this.sessions = new ConsoleSessions({
      repository: this.repository,
      clock: this.clock,
      logger: this.logger,
      policy: this.sessionPolicy,
      passwords: {
        verifySignedIn: (user, password) => this.signIns.verifySignedIn(user, password),
        verifyTotp: (user, code) => this.signIns.verifyTotp(user, code),
      },
    });
  }

  #access: AccessSource | undefined;

  /** Sets what limits signed-in users beyond their role (the team module's memberships and departments). */
  useAccess(source: AccessSource): void {
    this.#access = source;
  }

  /**
   * A user's role, department or grants changed. Every request reads them afresh, so the
   * change holds from the user's next request; this is the one place told of it, where the
   * user's sessions are rotated (the sessions' rotation is wired here).
   */
  async privilegesChanged(userId: string): Promise<void> {
    // Each session of the user gets a new id (its cookie) at its next request: whoever held the
    // old cookie before the change does not hold the new privileges with it.
    await this.repository.markRenewal(userId);
    this.logger.info({ user: { id: userId } }, "privileges changed; the user's sessions are renewed");
  }

  /**
   * Creates an admin user. Without a password, one is generated and returned — the only
   * time it exists in clear.
   */
  async createAdmin(input: {
    username: string;
    password?: string;
    role?: GivenRole;
    displayName?: string;
    email?: string;
  }): Promise<{
    user: { id: string; username: string; role: Role };
    generatedPassword: string | undefined;
  }> {
    const { admin, generatedPassword } = await this.admins.create(input);
    return { user: { id: admin.id, username: admin.username, role: admin.role }, generatedPassword };
  }

  /** On first start: creates `admin` with a generated password when no user exists yet. */
  async ensureFirstAdmin(): Promise<{ username: string; password: string } | undefined> {
    if ((await this.repository.countUsers()) > 0) return undefined;
    const { user, generatedPassword } = await this.createAdmin({ username: "admin" });
    return { username: user.username, password: generatedPassword! };
  }

  /** Checks the password; a session, or the second step a new device needs first (see {@link SignIns.login}). */
  login(input: { username: string; password: string } & SignInRequest): Promise<SignInResult> {
    return this.signIns.login(input);
  }

  /** The second step of a sign-in from a new device (see {@link SignIns.complete}). */
  completeSignIn(
    input: { challenge: string; code: string } & SignInRequest,
  ): Promise<SessionView & { sessionToken: string; deviceToken: string }> {
    return this.signIns.complete(input);
  }

  /** Sends a new e-mailed code to a sign-in waiting for it. */
  resendSignInCode(challenge: string): Promise<{ expiresAt: number }> {
    return this.signIns.resendCode(challenge);
  }

  /** Ends the session of `principal`. */
  async logout(principal: Principal): Promise<void> {
    if (principal.kind === "session" && principal.sessionId)
      await this.repository.deleteSession(principal.sessionId);
  }

  /** The session of `principal`, as shown to its owner. */
  async session(principal: Principal): Promise<SessionView> {
    if (principal.kind !== "session" || !principal.sessionId) throw errors.unauthorized();
    const now = this.clock.now();
    const session = await this.repository.findLiveSession(
      principal.sessionId,
      now,
      this.sessions.idleSince(now),
    );
    if (!session) throw errors.unauthorized("the session has ended; sign in again");
    return {
      user: { id: session.userId, username: session.username },
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt,
    };
  }

  async authenticate(credentials: PresentedCredentials): Promise<Principal | undefined> {
    if (credentials.authorization !== undefined) return this.authenticateApiKey(credentials.authorization);
    if (credentials.sessionToken) return this.authenticateSession(credentials.sessionToken);
    return undefined;
  }

  private async authenticateApiKey(header: string): Promise<Principal> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match || !match[1]!.startsWith(API_KEY_PREFIX)) {
      throw errors.unauthorized(`the Authorization header must be "Bearer ${API_KEY_PREFIX}…"`);
    }
    const digest = sha256Hex(match[1]!);
    const now = this.clock.now();
    const cached = this.apiKeys.get(digest);
    if (cached) {
      if (cached.lastUsedAt === null || now - cached.lastUsedAt >= TOUCH_INTERVAL_MS) {
        cached.lastUsedAt = now;
        await this.repository.touchApiKey(cached.principal.id, now);
      }
      return cached.principal;
    }
    const row = await this.repository.findApiKeyByHash(digest);
    if (!row || row.revoked_at !== null) throw errors.unauthorized("the API key is not valid");
    let lastUsedAt = row.last_used_at;
    if (lastUsedAt === null || now - lastUsedAt >= TOUCH_INTERVAL_MS) {
      await this.repository.touchApiKey(row.id, now);
      lastUsedAt = now;
    }
    const principal: Principal = {
      kind: "api_key",
      id: row.id,
      userId: row.created_by,
      name: row.name,
      scopes: toScopes(row.scopes),
    };
    this.apiKeys.set(digest, { principal, lastUsedAt });
    return principal;
  }

  private async authenticateSession(token: string): Promise<Principal> {
    const now = this.clock.now();
    const session = await this.repository.findLiveSession(
      sha256Hex(token),
      now,
      this.sessions.idleSince(now),
    );
    if (!session) throw errors.unauthorized("the session has ended; sign in again");
    let renewed: Principal["renewedSession"];
    if (session.renew) {
      // The user's privileges changed: the session continues under a new id, sent as a new cookie.
      const fresh = randomToken(32);
      if (await this.repository.renewSession(session.id, sha256Hex(fresh), now, now + RENEWAL_GRACE_MS)) {
        session.id = sha256Hex(fresh);
        renewed = { token: fresh, expiresAt: session.expiresAt };
      }
    } else if (now - session.lastSeenAt >= TOUCH_INTERVAL_MS) {
      await this.repository.touchSession(session.id, now);
    }
    const access = await this.#access?.accessOf({ id: session.userId, role: session.role });
    return {
      kind: "session",
      id: session.userId,
      userId: session.userId,
      name: session.username,
      // What a session may do follows from its role (see `decide`), not from scopes.
      scopes: session.role === "member" ? [] : ["admin"],
      csrfToken: session.csrfToken,
      sessionId: session.id,
      role: session.role,
      confirmedAt: session.confirmedAt,
      freshlyConfirmed: this.sessions.fresh(session.confirmedAt, now),
      ...(renewed ? { renewedSession: renewed } : {}),
      ...(access?.reach ? { reach: access.reach } : {}),
      ...(session.role === "member" ? { memberships: access?.memberships ?? new Map() } : {}),
    };
  }

  /** Creates an API key, made by the acting `creator`; the key is returned here and never again. */
  async createApiKey(
    /** Without `via`, a caller on the server's host itself (the CLI, set-up code). */
    creator: Pick<Actor, "userId" | "name"> & Partial<Pick<Actor, "via" | "freshlyConfirmed">>,
    input: { name: string; scopes: readonly Scope[] },
  ): Promise<ApiKeyView & { key: string }> {
    // A key that reads tokens (or does anything) is a risk operation of its own (seed 002).
    const powerful = scopesReadTokens(input.scopes);
    if (powerful && needsConfirmation({ risk: true }, { via: "cli", ...creator }, true)) {
      throw confirmationRequired("auth.keys.manage");
    }
    const now = this.clock.now();
    const key = API_KEY_PREFIX + randomToken(32);
    const id = newId(now);
    const scopes = [...new Set(input.scopes)];
    const prefix = key.slice(0, API_KEY_PREFIX.length + 8);
    await this.repository.insertApiKey({
      id,
      name: input.name,
      prefix,
      keyHash: sha256Hex(key),
      scopes,
      createdBy: creator.userId,
      now,
    });
    this.logger.info(
      { apiKey: { id, name: input.name, prefix, scopes }, by: creator.name },
      "API key created",
    );
    return { id, name: input.name, prefix, scopes, createdAt: now, lastUsedAt: null, revokedAt: null, key };
  }

  async listApiKeys(): Promise<ApiKeyView[]> {
    return (await this.repository.listApiKeys()).map(viewOf);
  }

  /** Revokes a key; revoking twice is harmless. */
  async revokeApiKey(actor: Pick<Actor, "name">, id: string): Promise<void> {
    const row = await this.repository.findApiKey(id);
    if (!row) throw errors.notFound("the API key");
    await this.repository.revokeApiKey(id, this.clock.now());
    this.apiKeys.clear();
    this.logger.info({ apiKey: { id, prefix: row.prefix }, by: actor.name }, "API key revoked");
  }

  /** Housekeeping: deletes expired sessions (and sign-ins that waited past their time for a code). */
  async purgeExpiredSessions(): Promise<number> {
    const now = this.clock.now();
    await this.secondFactor?.gate.purgeExpired();
    return this.repository.deleteExpiredSessions(now, this.sessions.idleSince(now));
  }
}
