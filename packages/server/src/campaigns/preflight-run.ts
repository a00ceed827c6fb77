import { createOfficialAccountApi, WeChatApiError } from "@wxgate/wechat";
import type { AccountClients, AccountDirectory } from "../accounts/index.js";
import type { FollowerLookup } from "../followers/index.js";
import type { MaterialDirectory } from "../materials/index.js";
import { type Actor, permits } from "../platform/policy.js";
import type { Clock } from "../platform/ports.js";
import type { ConsentsRepository } from "./consents.js";
import { CampaignError } from "./errors.js";
import {
  beijingDayStart,
  beijingMonthStart,
  MASS_PER_USER_MONTHLY,
  MASS_SEND_MIN,
  type MassBatchesRepository,
} from "./mass-batches.js";
import type { Audience, Channel, Content } from "./model.js";
import { accountChecks, type Check, contentProblems, materialCheck } from "./preflight.js";
import type { CampaignsRepository } from "./repository.js";
import type { CampaignsTable } from "./tables.js";
import { type AccountTemplate, templatesOf } from "./templates.js";

/** The pre-flight's answer. */
export interface Preflight {
  ok: boolean;
  checks: Check[];
  audience: { total: number; eligible: number; skipped: Array<{ reason: string; count: number }> };
}

/** Followers counted by the pre-flight before it stops counting (an estimate beyond). */
const COUNT_LIMIT = 100_000;

/** Runs a campaign's pre-flight: the account, the sender, the content, the quota, the audience. */
export class PreflightRunner {
  constructor(
    private readonly deps: {
      campaigns: CampaignsRepository;
      batches: MassBatchesRepository;
      followers: FollowerLookup;
      consents: ConsentsRepository;
      materials: MaterialDirectory;
      accounts: AccountDirectory;
      clients: AccountClients;
      clock: Clock;
    },
  ) {}

  /** Every pre-flight check of the contract, each with its reason, and the audience's size. */
  async run(row: CampaignsTable, actor: Actor): Promise<Preflight> {
    const channel = row.channel as Channel;
    const audience = JSON.parse(row.audience) as Audience;
    const content = JSON.parse(row.content) as Content;
    const facts = await this.deps.accounts.facts(row.appid);
    if (!facts) throw new CampaignError("campaign_not_found", `no account ${row.appid}`);
    const checks = accountChecks({
      channel,
      audience,
      facts,
      actor,
      maySend: permits(actor, "campaigns.send", row.appid),
    });
    checks.push(await this.templateCheck(row.appid, content));
    checks.push(await materialCheck(this.deps.materials, row.appid, content));
    // A service account's followers receive four mass messages a month each: counted per recipient.
    const perRecipientQuota = channel === "mass" && facts.kind === "service";
    const counted = await this.countAudience(row, audience, perRecipientQuota);
    checks.push(
      channel !== "mass"
        ? { check: "mass_quota", ok: true, reason: "not_a_mass_send" }
        : perRecipientQuota
          ? quotaPerRecipient(counted)
          : await this.dailyQuotaCheck(row.appid),
    );
    checks.push(
      channel === "custom"
        ? {
            check: "window_48h",
            ok: counted.eligible > 0,
            ...(counted.eligible > 0 ? {} : { reason: "nobody_within_48h" }),
          }
        : { check: "window_48h", ok: true, reason: "not_a_custom_message" },
    );
    if (!checks.some((c) => c.check === "consent")) {
      checks.push({
        check: "consent",
        ok: true,
        ...(channel === "subscribe" ? { reason: "checked_per_recipient" } : {}),
      });
    }
    if (counted.total === 0 && audience.kind === "subscribers") {
      checks.push({ check: "audience", ok: false, reason: "no_subscribers" });
    } else if (counted.total === 0) checks.push({ check: "audience", ok: false, reason: "audience_empty" });
    else if (
      channel === "mass" &&
      audience.kind !== "all" &&
      audience.kind !== "tag" &&
      counted.eligible < MASS_SEND_MIN
    ) {
      // message/mass/send takes two OpenIDs at least: a single reachable recipient could never be sent it.
      checks.push({
        check: "audience",
        ok: false,
        reason: "audience_too_small",
        details: { min: MASS_SEND_MIN, eligible: counted.eligible },
      });
    }
    return { ok: checks.every((c) => c.ok), checks, audience: counted };
  }

  /** A subscription account sends one mass message a (Beijing) day. */
  private async dailyQuotaCheck(appid: string): Promise<Check> {
    const today = await this.deps.campaigns.massStartedSince(appid, beijingDayStart(this.deps.clock.now()));
    return today >= 1
      ? { check: "mass_quota", ok: false, reason: "daily_quota_used", details: { limit: 1, used: today } }
      : { check: "mass_quota", ok: true, details: { limit: 1, used: today } };
  }

  /**
   * The template exists (a mini program's subscription templates, `wxaapi/newtmpl/gettemplate`;
   * an official account's, `get_all_private_template`) and every field is filled. Whether a
   * subscription template is long-term is written on its consents (sends do not use those up).
   */
  private async templateCheck(appid: string, content: Content): Promise<Check> {
    if (content.channel !== "template" && content.channel !== "subscribe")
      return { check: "template", ok: true, reason: "not_a_template" };
    let list: AccountTemplate[];
    try {
      const api = createOfficialAccountApi(await this.deps.clients.clientFor(appid));
      list = await templatesOf(api, content.channel === "subscribe");
    } catch (error) {
      const errcode = error instanceof WeChatApiError ? error.errcode : null;
      return { check: "template", ok: false, reason: "templates_unavailable", details: { errcode } };
    }
    const template = list.find((t) => t.templateId === content.templateId);
    if (!template) return { check: "template", ok: false, reason: "template_not_found" };
    if (content.channel === "subscribe")
      await this.deps.consents.markLongTerm(
        appid,
        template.templateId,
        template.subscription === "long_term",
      );
    const problems = contentProblems(content.channel, content, template.fields);
    return problems.length === 0
      ? { check: "template", ok: true }
      : { check: "template", ok: false, reason: problems[0]!.reason, details: { problems } };
  }

  /** Counts the audience (and, for a customer-service message, who is within the 48-hour window). */
  private async countAudience(
    row: CampaignsTable,
    audience: Audience,
    perRecipientQuota: boolean,
  ): Promise<Preflight["audience"]> {
    const now = this.deps.clock.now();
    const filter =
      audience.kind === "tag"
        ? { tagId: audience.tagId }
        : audience.kind === "active48h"
          ? { activeSince: now - 48 * 60 * 60_000 }
          : {};
    let total = 0;
    let eligible = 0;
    let atQuota = 0;
    const monthStart = beijingMonthStart(now);
    let cursor: string | undefined;
    const custom = row.channel === "custom";
    for (;;) {
      const page =
        audience.kind === "list"
          ? await this.deps.campaigns.listPage(audience.listId, cursor, 1000).then((openIds) => ({
              openIds,
              next: openIds.length < 1000 ? null : openIds[openIds.length - 1]!,
            }))
          : audience.kind === "subscribers"
            ? await this.deps.consents.page(row.appid, audience.templateId, cursor, 1000)
            : await this.deps.followers.openIdsPage(row.appid, filter, cursor, 1000);
      total += page.openIds.length;
      if (custom) {
        // One query for the page's window (the followers module's named service), not one per follower.
        const last = await this.deps.followers.lastInteractionsOf(row.appid, page.openIds);
        for (const openid of page.openIds) {
          const message = last.get(openid)?.message;
          if (message != null && now - message <= 48 * 60 * 60_000) eligible++;
        }
      } else if (perRecipientQuota) {
        const full = await this.deps.batches.atQuota(
          row.appid,
          page.openIds,
          monthStart,
          MASS_PER_USER_MONTHLY,
        );
        atQuota += full.size;
        eligible += page.openIds.length - full.size;
      } else {
        eligible += page.openIds.length;
      }
      if (page.next === null || total >= COUNT_LIMIT) break;
      cursor = page.next;
    }
    const outside = total - eligible - atQuota;
    const skipped = [
      ...(outside > 0 ? [{ reason: "outside_48h", count: outside }] : []),
      ...(atQuota > 0 ? [{ reason: "quota", count: atQuota }] : []),
    ];
    return { total, eligible, skipped };
  }
}

/**
 * A service account's mass quota, per recipient: followers who received four mass messages
 * this month are filtered out by WeChat (and skipped as `quota` here); it fails only when
 * nobody of a non-empty audience is left.
 */
function quotaPerRecipient(counted: Preflight["audience"]): Check {
  const atLimit = counted.skipped.find((s) => s.reason === "quota")?.count ?? 0;
  const details = { limit: MASS_PER_USER_MONTHLY, perRecipient: true, atLimit };
  return counted.total > 0 && counted.eligible === 0
    ? { check: "mass_quota", ok: false, reason: "recipients_at_quota", details }
    : { check: "mass_quota", ok: true, details };
}
