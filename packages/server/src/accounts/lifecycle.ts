import type { Config } from "../platform/config.js";
import type { AccountRow } from "./repository.js";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** A platform authorization lasts at most a year (seed: 授权有效期1年以内). */
export const MAX_VALIDITY_DAYS = 365;
/** The reminder comes this many days before an authorization ends. */
export const REMINDER_DAYS = 30;

/** The lifecycle rules in force, from the configuration. */
export interface LifecyclePolicy {
  /** How long a new authorization lasts. */
  validityMs: number;
  /** How long before the end the account counts as expiring. */
  reminderMs: number;
  /** How long a de-authorized account stays frozen. */
  coolingOffMs: number;
}

export function lifecyclePolicy(
  config: Pick<Config["lifecycle"], "authorizationValidityDays" | "deauthorizationCoolingOffHours">,
): LifecyclePolicy {
  return {
    validityMs: Math.min(config.authorizationValidityDays, MAX_VALIDITY_DAYS) * DAY_MS,
    reminderMs: REMINDER_DAYS * DAY_MS,
    coolingOffMs: config.deauthorizationCoolingOffHours * HOUR_MS,
  };
}

/** The latest end an authorization that began at `startedAt` may have. */
export function latestExpiry(startedAt: number): number {
  return startedAt + MAX_VALIDITY_DAYS * DAY_MS;
}

/**
 * Where an account stands: `active`; `expiring` from 30 days before its authorization ends;
 * `lapsed` once it ended (no tokens, cannot be enabled, until authorized again); `cooling_off`
 * for the hours after a de-authorization (frozen: no deletion, no enabling, no tokens); then
 * `unauthorized`. Direct and external connections have no authorization to lapse: `active`.
 */
export type LifecycleState = "active" | "expiring" | "lapsed" | "cooling_off" | "unauthorized";

export interface Lifecycle {
  state: LifecycleState;
  /** End of the platform authorization; null when there is none (direct, external, de-authorized). */
  expiresAt: number | null;
  /** When the account starts counting as expiring. */
  remindFrom: number | null;
  /** End of the cooling-off after a de-authorization (past once it is over); null while authorized. */
  coolingOffUntil: number | null;
}

type LifecycleFields = Pick<
  AccountRow,
  "connection" | "authorization_state" | "authorization_expires_at" | "unauthorized_at"
>;

/** The end of the cooling-off of a de-authorized account; undefined when it is not de-authorized. */
export function coolingOffEnd(row: LifecycleFields, policy: LifecyclePolicy): number | undefined {
  if (row.authorization_state !== "unauthorized" || row.unauthorized_at === null) return undefined;
  return row.unauthorized_at + policy.coolingOffMs;
}

/** True when the account's platform authorization has ended at `now`. */
export function isLapsed(row: LifecycleFields, now: number): boolean {
  return (
    row.authorization_state === "authorized" &&
    row.authorization_expires_at !== null &&
    now >= row.authorization_expires_at
  );
}

/** The lifecycle at `now`, computed from the row alone so it is right whether or not a sweep ran. */
export function lifecycleOf(row: LifecycleFields, now: number, policy: LifecyclePolicy): Lifecycle {
  const until = coolingOffEnd(row, policy);
  if (row.authorization_state === "unauthorized") {
    return {
      state: until !== undefined && now < until ? "cooling_off" : "unauthorized",
      expiresAt: null,
      remindFrom: null,
      coolingOffUntil: until ?? null,
    };
  }
  const expiresAt = row.connection === "component" ? row.authorization_expires_at : null;
  if (expiresAt === null)
    return { state: "active", expiresAt: null, remindFrom: null, coolingOffUntil: null };
  const remindFrom = expiresAt - policy.reminderMs;
  const state = now >= expiresAt ? "lapsed" : now >= remindFrom ? "expiring" : "active";
  return { state, expiresAt, remindFrom, coolingOffUntil: null };
}
