import { PlatformError } from "./errors.js";

/**
 * Permissions as actions. Each module's `policy.ts` declares the actions it offers, named
 * `<domain>.<verb>` (`accounts.enable`, `webhooks.manage`), and which API-key scopes grant
 * them; `src/policies.ts` lists every module's policy. Routes name their action, the HTTP edge
 * checks it before the handler, and services receive the {@link Actor} the edge made.
 */

/** The API-key scopes: what a key was given when it was made. `admin` grants every action. */
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
 * Platform roles of console users: the owner (the first user) and admins take every action; a
 * member takes only actions on the accounts they are an active member of, as their membership
 * there allows (see {@link decide}).
 */
export const roles = ["owner", "admin", "member"] as const;
export type Role = (typeof roles)[number];

/**
 * The permission switches a member holds per account (seed 000: eleven independent switches).
 * An action about one account names the switch that lets an operator take it
 * ({@link ActionSpec.switch}); an account's super admin holds every switch of it.
 */
export const permissionSwitches = [
  "account.view",
  "messages.reply",
  "replies.auto",
  "menus",
  "qrcodes",
  "followers",
  "campaigns.create",
  "campaigns.send",
  "statistics",
  "materials",
  "account.settings",
] as const;
export type PermissionSwitch = (typeof permissionSwitches)[number];

/** How a member holds an account: its one super admin, or an operator (long or short term). */
export type MemberKind = "super_admin" | "long_term" | "short_term";

/** A member's active membership of one account (accepted, not expired), as the policy reads it. */
export interface Membership {
  kind: MemberKind;
  switches: ReadonlySet<PermissionSwitch>;
}

/**
 * Every action's name, filled by the modules' `policy.ts` through declaration merging
 * (`interface Actions extends Record<"accounts.read" | …, true> {}`), so routes name actions
 * that exist without the platform knowing any module.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by the modules through declaration merging
export interface Actions {}

/** An action's name: `<domain>.<verb>`, declared by a module's policy. */
export type Action = keyof Actions & string;

/** One action as a module declares it. */
export interface ActionSpec {
  /** What it lets the actor do, for the docs and the console. */
  summary: string;
  /**
   * The API-key scopes that grant it besides `admin`, narrowest first: the first is the one a
   * refusal names and the OpenAPI document shows. Empty when only `admin` grants it.
   */
  scopes: readonly Exclude<Scope, "admin">[];
  /** Granted to every authenticated caller: it concerns only the caller itself. */
  everyone?: boolean;
  /** Only a console session may take it, never an API key (signing out, the session's CSRF token). */
  sessionOnly?: boolean;
  /**
   * The permission switch that lets a member take it on an account. An action without one
   * (and neither `everyone` nor `sessionOnly`) is an administrator's: a member's only if
   * `superAdmin` says their account's super admin takes it.
   */
  switch?: PermissionSwitch;
  /** A risk operation: an operator never takes it, only the account's super admin or an administrator. */
  risk?: true;
  /** Taken by a member on an account they are the super admin of (managing its members). */
  superAdmin?: true;
  /**
   * Concerns the whole platform (users, API keys, departments, wxgate's own settings): the owner
   * and administrators not limited to a department only.
   */
  platform?: true;
}

/** A module's actions, keyed by their full name. */
export interface ModulePolicy<A extends string = string> {
  /** The first segment of every action's name. */
  domain: string;
  actions: Readonly<Record<A, ActionSpec>>;
}

/** Declares a module's policy; the names are checked to start with the domain. */
export function definePolicy<const D extends string, A extends `${D}.${string}`>(
  domain: D,
  actions: Readonly<Record<A, ActionSpec>>,
): ModulePolicy<A> {
  for (const name of Object.keys(actions)) {
    if (!name.startsWith(`${domain}.`)) throw new Error(`action ${name} is not in the ${domain} domain`);
  }
  return { domain, actions };
}

/**
 * Which accounts an actor may act on. Console sessions and API keys reach every account today;
 * a credential limited to some accounts (a team member's department, say) carries their appids.
 * Lists show only the accounts in reach (and what belongs to them), and an operation on an
 * account out of reach — named in the path, a query or a body, or owning the object — is
 * refused with {@link outOfReach}.
 */
export type AccountReach = { all: true } | { all: false; appIds: ReadonlySet<string> };

/**
 * Who is acting, as services see it: never the HTTP credential itself. Made by the HTTP edge
 * from the authenticated caller (or by the CLI and background work for themselves).
 */
export interface Actor {
  /** How the actor came in: a console user's session, an API key, or the CLI on the server's host. */
  via: "session" | "api_key" | "cli";
  /** The user's id for a session, the key's id for an API key. */
  id: string;
  /** The user acting: the signed-in user, or the user who made the key. */
  userId: string | null;
  /** Username or key name, for audit lines. */
  name: string;
  /** The console user's role; an API key has none (its scopes grant its actions). */
  role: Role | null;
  /** The actions it may take (for a member: on at least one of their accounts), by name. */
  actions: ReadonlySet<string>;
  reach: AccountReach;
  /**
   * A member's grants: for each account they are an active member of, the actions they may
   * take on it. Null for everyone else (the owner, admins, API keys, the CLI), whose actions do
   * not depend on the account.
   */
  grants: ReadonlyMap<string, ReadonlySet<string>> | null;
  /**
   * A console user who confirmed their identity within the confirmation window: risk
   * operations are admitted (see {@link needsConfirmation}). False or absent otherwise.
   */
  freshlyConfirmed?: boolean;
}

/**
 * Who asks, as {@link decide} reads it: how they came in, their role and reach, a member's
 * memberships, and an API key's actions (its scopes').
 */
export interface PolicySubject extends Pick<Actor, "via" | "role" | "reach"> {
  memberships: ReadonlyMap<string, Membership> | null;
  /** An API key's actions, from its scopes; unused for sessions and the CLI. */
  actions?: ReadonlySet<string>;
}

/** How an actor appears in records (`session:alice`, `api_key:deploy`). */
export function actorLabel(actor: Pick<Actor, "via" | "name">): string {
  return `${actor.via}:${actor.name}`;
}

/** True when the actor may act on this account. */
export function reaches(actor: Pick<Actor, "reach">, appId: string): boolean {
  return actor.reach.all || actor.reach.appIds.has(appId);
}

/** The appids an actor is limited to, sorted; `undefined` when it reaches every account. */
export function reachedAppIds(actor: Pick<Actor, "reach">): string[] | undefined {
  return actor.reach.all ? undefined : [...actor.reach.appIds].sort();
}

/**
 * The answer to an operation on an account outside the actor's reach: 403 `forbidden`, with
 * `details.reason = out_of_reach` and the action. The same answer whether the edge refuses the
 * account a route names in its path, before the handler, or a service refuses one it found: an
 * event's, a webhook's, one a query or a body names. It is not a 404: for an account the request
 * names, the answer is the same whether the account exists or not.
 */
export function outOfReach(action: Action): PlatformError {
  return new PlatformError("forbidden", "this operation is on an account outside the caller's reach", {
    reason: "out_of_reach" satisfies PermissionRefusal,
    action,
  });
}

/** Refuses with {@link outOfReach} unless the actor reaches every one of these accounts. */
export function requireReach(actor: Pick<Actor, "reach">, action: Action, ...appIds: string[]): void {
  if (appIds.some((appId) => !reaches(actor, appId))) throw outOfReach(action);
}

/**
 * Whether a request must be refused for want of a fresh confirmation: a risk action (see
 * {@link ActionSpec.risk}) taken by a console session — a changing request, or a secret's
 * reveal, which is a POST — whose user has not confirmed their identity within the window. An
 * API key cannot confirm: its scope is its authorization (making a key with a scope that grants
 * risk actions is itself a risk operation), and what it does is audited like any request.
 */
export function needsConfirmation(
  spec: Pick<ActionSpec, "risk">,
  actor: Pick<Actor, "via" | "freshlyConfirmed">,
  changing: boolean,
): boolean {
  return spec.risk === true && changing && actor.via === "session" && actor.freshlyConfirmed !== true;
}

/** The refusal of a risk operation taken without a fresh confirmation: 403 `confirmation_required`. */
export function confirmationRequired(action: Action): PlatformError {
  return new PlatformError(
    "confirmation_required",
    "this is a risk operation: confirm your identity (your password again) first",
    { action },
  );
}

/** Whether an action is allowed, and why not: a stable reason code. */
export type Ability = { allowed: true } | { allowed: false; reason: string };

/**
 * Why an actor may not take an action at all (before any object rule): `role_required` for a
 * member (or a department's admin) taking an action of the whole platform, `switch_off` for a
 * member whose switch on the account is off (the refusal names it), `risk_not_permitted` for an
 * operator taking a risk operation, `super_admin_required` for an operator taking an action of
 * the account's super admin.
 */
export type PermissionRefusal =
  | "not_permitted"
  | "session_required"
  | "out_of_reach"
  | "role_required"
  | "switch_off"
  | "risk_not_permitted"
  | "super_admin_required";

/** The verdict of {@link decide}: allowed, or why not (and the switch that is off). */
export type Decision =
  | { allowed: true }
  | { allowed: false; reason: PermissionRefusal; switch?: PermissionSwitch };

const ALLOWED: Decision = { allowed: true };

/** Every action of a set of policies, by name. */
/** Lists of scopes whose actions are kept (see {@link ActionCatalog.actionsOfScopes}). */
const SCOPE_SETS_KEPT = 256;

export class ActionCatalog {
  readonly #specs = new Map<string, ActionSpec>();
  /** The actions each list of scopes grants, by the list's sorted names. */
  readonly #byScopes = new Map<string, ReadonlySet<string>>();

  constructor(policies: readonly ModulePolicy[]) {
    for (const policy of policies) {
      for (const [name, spec] of Object.entries<ActionSpec>(policy.actions)) {
        if (this.#specs.has(name)) throw new Error(`action ${name} is declared twice`);
        this.#specs.set(name, spec);
      }
    }
  }

  get names(): string[] {
    return [...this.#specs.keys()];
  }

  spec(action: string): ActionSpec | undefined {
    return this.#specs.get(action);
  }

  /** The scope a refusal names and the OpenAPI document shows: the narrowest that grants it. */
  scopeOf(action: string): Scope | "authenticated" | "session" {
    const spec = this.#specs.get(action);
    if (!spec) throw new Error(`unknown action ${action}`);
    if (spec.sessionOnly) return "session";
    if (spec.everyone) return "authenticated";
    return spec.scopes[0] ?? "admin";
  }

  /** The actions a role grants: the owner and an administrator take every action. */
  actionsOfRole(_role: Role): Set<string> {
    return new Set(this.#specs.keys());
  }

  /** The actions {@link decide} allows the subject somewhere (for a member: on at least one account). */
  actionsOf(subject: PolicySubject): Set<string> {
    const allowed = new Set<string>();
    for (const name of this.#specs.keys()) {
      if (decide(this, subject, name).allowed) allowed.add(name);
    }
    return allowed;
  }

  /** A member's grants (see {@link Actor.grants}); null for a subject that is not a member. */
  grantsOf(subject: PolicySubject): Map<string, Set<string>> | null {
    if (subject.memberships === null) return null;
    const grants = new Map<string, Set<string>>();
    for (const appId of subject.memberships.keys()) {
      const allowed = new Set<string>();
      for (const name of this.#specs.keys()) {
        if (decide(this, subject, name, appId).allowed) allowed.add(name);
      }
      grants.set(appId, allowed);
    }
    return grants;
  }

  /**
   * The actions an API key's scopes grant: never a session-only one. Every request made with a
   * key asks; the answer depends on the scopes alone, so each set of scopes is worked out once
   * (walking every action cost a token read a tenth of its CPU).
   */
  actionsOfScopes(given: readonly Scope[]): ReadonlySet<string> {
    const key = given.length === 1 ? given[0]! : [...given].sort().join(" ");
    const known = this.#byScopes.get(key);
    if (known) return known;
    const granted = new Set<string>();
    for (const [name, spec] of this.#specs) {
      if (spec.sessionOnly) continue;
      if (spec.everyone || given.includes("admin") || spec.scopes.some((s) => given.includes(s))) {
        granted.add(name);
      }
    }
    // Scope lists are few (one per kind of key); the bound only guards against a flood of odd ones.
    if (this.#byScopes.size >= SCOPE_SETS_KEPT) this.#byScopes.clear();
    this.#byScopes.set(key, granted);
    return granted;
  }

  /**
   * Whether an actor made by hand (tests, the CLI) may take the action: by its actions and
   * reach, and a member's grants. The edge decides with {@link decide}.
   */
  check(actor: Actor, action: string, appId?: string): PermissionRefusal | undefined {
    const spec = this.#specs.get(action);
    if (!spec) throw new Error(`unknown action ${action}`);
    if (spec.sessionOnly && actor.via !== "session") return "session_required";
    if (!actor.actions.has(action)) return "not_permitted";
    if (appId !== undefined && !permits(actor, action, appId)) return "out_of_reach";
    return undefined;
  }
}

/**
 * The one policy every route is decided by (at the HTTP edge, before the handler), and the
 * abilities a console is shown: role × department × switch × risk.
 *
 * - An API key takes the actions its scopes grant; the CLI every action; either on every
 *   account its reach holds.
 * - A session takes `everyone` and `sessionOnly` actions. The owner and an admin take every
 *   action on the accounts in their reach (a department's admin: the department's accounts),
 *   and the whole platform's (`platform`) only when not limited to a department.
 * - A member takes an action only on an account they are an active member of: its super admin
 *   every action that names a switch (or `superAdmin`); an operator those whose switch is on,
 *   never a risk operation nor a super admin's. Without an account (a list), a member may take
 *   the action when some membership allows it; the list then shows only those accounts.
 */
export function decide(
  catalog: Pick<ActionCatalog, "spec">,
  actor: PolicySubject,
  action: string,
  appId?: string,
): Decision {
  const spec = catalog.spec(action);
  if (!spec) throw new Error(`unknown action ${action}`);
  if (spec.sessionOnly && actor.via !== "session") return { allowed: false, reason: "session_required" };
  const inReach = appId === undefined || reaches(actor, appId);
  if (actor.via !== "session") {
    if (actor.via === "api_key" && !actor.actions?.has(action))
      return { allowed: false, reason: "not_permitted" };
    return inReach ? ALLOWED : { allowed: false, reason: "out_of_reach" };
  }
  if (spec.everyone || spec.sessionOnly)
    return inReach ? ALLOWED : { allowed: false, reason: "out_of_reach" };
  if (actor.role !== "member") {
    if (spec.platform && !actor.reach.all) return { allowed: false, reason: "role_required" };
    return inReach ? ALLOWED : { allowed: false, reason: "out_of_reach" };
  }
  const memberAction = spec.switch !== undefined || spec.superAdmin === true;
  if (!memberAction) return { allowed: false, reason: "role_required" };
  const memberships = actor.memberships ?? new Map<string, Membership>();
  if (appId === undefined) {
    let first: Decision | undefined;
    for (const membership of memberships.values()) {
      const decision = decideMembership(spec, membership);
      if (decision.allowed) return decision;
      first ??= decision;
    }
    return first ?? membershipRefusal(spec);
  }
  const membership = memberships.get(appId);
  if (!membership || !inReach) return { allowed: false, reason: "out_of_reach" };
  return decideMembership(spec, membership);
}

/** A member's verdict on one of their accounts. */
function decideMembership(spec: ActionSpec, membership: Membership): Decision {
  if (membership.kind === "super_admin") return ALLOWED;
  if (spec.risk) return { allowed: false, reason: "risk_not_permitted" };
  if (spec.switch === undefined) return { allowed: false, reason: "super_admin_required" };
  if (!membership.switches.has(spec.switch))
    return { allowed: false, reason: "switch_off", switch: spec.switch };
  return ALLOWED;
}

/** A member of no account: refused as an operator whose switch is off would be. */
function membershipRefusal(spec: ActionSpec): Decision {
  if (spec.switch === undefined) return { allowed: false, reason: "super_admin_required" };
  return { allowed: false, reason: "switch_off", switch: spec.switch };
}

/**
 * Whether the actor may take the action on this account: its actions and reach, and a
 * member's grants there. What services and abilities ask about an account other than the one
 * the edge decided.
 */
export function permits(actor: Actor, action: string, appId: string): boolean {
  if (!actor.actions.has(action) || !reaches(actor, appId)) return false;
  return actor.grants === null || actor.grants.get(appId)?.has(action) === true;
}
