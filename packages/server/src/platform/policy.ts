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
 * Roles of console users. Every console user is an administrator today; the team module will
 * add roles (a role is a set of actions) without changing what services receive.
 */
export type Role = "admin";

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
  /** The actions it may take, by name. */
  actions: ReadonlySet<string>;
  reach: AccountReach;
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

/** Whether an action is allowed, and why not: a stable reason code. */
export type Ability = { allowed: true } | { allowed: false; reason: string };

/** Why an actor may not take an action at all (before any object rule). */
export type PermissionRefusal = "not_permitted" | "session_required" | "out_of_reach";

/** Every action of a set of policies, by name. */
export class ActionCatalog {
  readonly #specs = new Map<string, ActionSpec>();

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

  /** The actions a role grants: an administrator takes every action. */
  actionsOfRole(_role: Role): Set<string> {
    return new Set(this.#specs.keys());
  }

  /** The actions an API key's scopes grant: never a session-only one. */
  actionsOfScopes(given: readonly Scope[]): Set<string> {
    const granted = new Set<string>();
    for (const [name, spec] of this.#specs) {
      if (spec.sessionOnly) continue;
      if (spec.everyone || given.includes("admin") || spec.scopes.some((s) => given.includes(s))) {
        granted.add(name);
      }
    }
    return granted;
  }

  /** Whether the actor may take the action (on this account, when the action is about one). */
  check(actor: Actor, action: string, appId?: string): PermissionRefusal | undefined {
    const spec = this.#specs.get(action);
    if (!spec) throw new Error(`unknown action ${action}`);
    if (spec.sessionOnly && actor.via !== "session") return "session_required";
    if (!actor.actions.has(action)) return "not_permitted";
    if (appId !== undefined && !reaches(actor, appId)) return "out_of_reach";
    return undefined;
  }
}
