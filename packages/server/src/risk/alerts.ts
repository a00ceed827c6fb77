import ipaddr from "ipaddr.js";
import type { SignInAnnouncement, UserDirectory } from "../auth/index.js";
import type { ApiRequestRecord } from "../http/observer.js";
import type { NotificationCenter } from "../notifications/index.js";
import { newId } from "../platform/ids.js";
import type { Logger } from "../platform/logger.js";
import type { Clock } from "../platform/ports.js";
import type { TeamRoster } from "../team/index.js";
import type { NoticeInput } from "../webhooks/index.js";
import type { RiskRepository } from "./repository.js";
import type { RiskSettings } from "./settings.js";

const HOUR_MS = 60 * 60 * 1000;
/** Signals older than this are no longer counted by any window, and are purged. */
export const SIGNAL_RETENTION_MS = 24 * HOUR_MS;

/** A sign-in as the auth module announces it on the bus (`auth.sign_in`). */
export type SignInNotice = SignInAnnouncement;

/** The thresholds of the abnormal-operation alerts (`config.risk`). */
export interface AlertThresholds {
  riskOperationsPerHour: number;
  failedSignIns: number;
  failedSignInMinutes: number;
}

/**
 * The address range a sign-in came from: an IPv4 /16 or an IPv6 /48 (an IPv4 address mapped
 * into IPv6 is its IPv4 range); undefined for an address that cannot be read.
 */
export function addressRange(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return undefined;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  if (parsed.kind() === "ipv4") {
    const [a, b] = (parsed as ipaddr.IPv4).octets;
    return `${a}.${b}.0.0/16`;
  }
  const parts = (parsed as ipaddr.IPv6).parts;
  return `${ipaddr.IPv6.networkAddressFromCIDR(`${parts.map((p) => p.toString(16)).join(":")}/48`).toString()}/48`;
}

/**
 * The alerts (seed 000: 微信卫士). Each risk operation taken — a changing request whose action
 * is a risk one, answered with success — notifies the account's administrators (its super
 * admin, the owner and the administrators reaching it) in the console and every webhook listing
 * `risk_operation`, when the account's alerts are on; one by an API key always does (a key
 * cannot confirm, so what it does is told), and so does one about no account (the platform's),
 * to the owner and the administrators of the whole platform. Besides: more than N risk
 * operations by one user or key within an hour, a burst of failed sign-ins for one username or
 * from one address, and a sign-in from an address range the user never signed in from notify the
 * administrators. Work is done off the request (the edge does not wait for it); {@link settle}
 * waits for what is under way.
 */
export class RiskAlerts {
  private readonly pending = new Set<Promise<void>>();
  private last: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: {
      repository: RiskRepository;
      settings: RiskSettings;
      users: UserDirectory;
      roster: TeamRoster;
      notifications: NotificationCenter;
      announce: (notice: NoticeInput) => Promise<number>;
      clock: Clock;
      logger: Logger;
      thresholds: AlertThresholds;
    },
  ) {}

  /** The request observer: a risk operation that went through. */
  readonly observe = (record: ApiRequestRecord): void => {
    if (!record.risk || record.status >= 400 || !record.actor) return;
    const actor = record.actor;
    this.track(() => this.riskOperation(record, actor));
  };

  /** The `auth.sign_in` handler. */
  readonly signedIn = (notice: SignInNotice): void => {
    this.track(() => this.signIn(notice));
  };

  /** Waits for the alerts under way; answers how many there were. */
  async settle(): Promise<number> {
    let settled = 0;
    while (this.pending.size > 0) {
      const batch = [...this.pending];
      settled += batch.length;
      await Promise.all(batch);
    }
    return settled;
  }

  /**
   * Runs one piece of alert work after the ones before it: a count and the alert it may call
   * for are then never interleaved with another's, so a threshold is crossed exactly once.
   */
  private track(work: () => Promise<void>): void {
    const previous = this.last;
    const tracked = previous
      .then(work)
      .catch((error: unknown) => {
        this.options.logger.error({ err: error }, "a risk alert could not be made");
      })
      .finally(() => this.pending.delete(tracked));
    this.last = tracked;
    this.pending.add(tracked);
  }

  private async riskOperation(record: ApiRequestRecord, actor: NonNullable<ApiRequestRecord["actor"]>) {
    const { repository, settings, clock, thresholds } = this.options;
    const at = clock.now();
    const appid = record.appid ?? null;
    const data = {
      action: record.action,
      method: record.method,
      route: record.route,
      actor: { kind: actor.kind, name: actor.name },
      ip: record.ip,
      requestId: record.requestId,
      at,
    };
    const alerts = appid === null || actor.kind === "api_key" || (await settings.alertsOn(appid));
    if (alerts) {
      await this.options.notifications.notify(await this.administrators(appid), {
        kind: "risk_operation",
        appid,
        data,
      });
      await this.options.announce({ kind: "risk_operation", appId: appid, data });
    }
    const count = await repository.signal(
      { id: newId(at), kind: "risk_operation", subject: `${actor.kind}:${actor.id}`, at },
      at - HOUR_MS,
    );
    // Told once, when the hour's count first goes past the threshold.
    if (count === thresholds.riskOperationsPerHour + 1) {
      await this.options.notifications.notify(await this.administrators(null), {
        kind: "risk_operations_burst",
        appid,
        data: { actor: data.actor, count, perHour: thresholds.riskOperationsPerHour, at },
      });
    }
  }

  private async signIn(notice: SignInNotice): Promise<void> {
    const { repository, clock, thresholds } = this.options;
    const at = clock.now();
    if (notice.outcome !== "success") {
      const since = at - thresholds.failedSignInMinutes * 60_000;
      const subjects = [`user:${notice.username}`, ...(notice.ip ? [`ip:${notice.ip}`] : [])];
      for (const subject of subjects) {
        const count = await repository.signal({ id: newId(at), kind: "sign_in_failure", subject, at }, since);
        if (count !== thresholds.failedSignIns) continue;
        const [by, value] = subject.startsWith("user:")
          ? (["username", notice.username] as const)
          : (["ip", notice.ip ?? ""] as const);
        await this.options.notifications.notify(await this.administrators(null), {
          kind: "sign_in_failures",
          appid: null,
          data: { by, [by]: value, count, minutes: thresholds.failedSignInMinutes, at },
        });
      }
      return;
    }
    if (notice.userId === null || notice.ip === null) return;
    const range = addressRange(notice.ip);
    if (range === undefined) return;
    const { known, history } = await repository.noteRange(notice.userId, range, at);
    // The first sign-in anyone makes is from somewhere new: only a change is told.
    if (known || !history) return;
    const recipients = await this.administrators(null);
    recipients.add(notice.userId);
    await this.options.notifications.notify(recipients, {
      kind: "new_sign_in_range",
      appid: null,
      data: { username: notice.username, ip: notice.ip, range, userAgent: notice.userAgent, at },
    });
  }

  /**
   * Who is told about an account (or, for null, the platform): the owner, the administrators
   * not limited to a department or whose department holds the account, and its super admin.
   */
  private async administrators(appid: string | null): Promise<Set<string>> {
    const { users, roster } = this.options;
    const [everyone, limited] = await Promise.all([users.all(), roster.limitedAdmins()]);
    const told = new Set<string>();
    for (const user of everyone) {
      if (user.disabled) continue;
      if (user.role === "owner") told.add(user.id);
      if (user.role !== "admin") continue;
      const department = limited.get(user.id);
      if (department === undefined || (appid !== null && department.has(appid))) told.add(user.id);
    }
    if (appid !== null) {
      for (const entry of await roster.entries([appid])) {
        if (entry.kind === "super_admin" && entry.state === "active") told.add(entry.userId);
      }
    }
    return told;
  }
}
