import { createOfficialAccountApi } from "@wxgate/wechat";
import type { AccountClients, AccountDirectory } from "../accounts/index.js";
import type { FollowerLookup } from "../followers/index.js";
import type { MaterialDirectory } from "../materials/index.js";
import { newId } from "../platform/ids.js";
import { type Actor, permits } from "../platform/policy.js";
import type { Clock, Queue } from "../platform/ports.js";
import { customContentOf, massContentOf, sendTo } from "./channels.js";
import type { ConsentsRepository } from "./consents.js";
import type { CampaignEngine } from "./engine.js";
import { CampaignError } from "./errors.js";
import type { MassBatchesRepository } from "./mass-batches.js";
import type { Audience, CampaignStatus, Channel, Content } from "./model.js";
import { contentProblems } from "./preflight.js";
import { type Preflight, PreflightRunner } from "./preflight-run.js";
import type { RecipientsRepository } from "./recipients.js";
import type { CampaignsRepository } from "./repository.js";
import type { CampaignsTable } from "./tables.js";

/** An account's campaign settings. */
export interface CampaignSettings {
  approvalRequired: boolean;
  sendsPerSecond: number;
}

export const DEFAULT_SETTINGS: CampaignSettings = { approvalRequired: false, sendsPerSecond: 50 };

/** What a campaign is made of, as created or edited. */
export interface CampaignInput {
  name: string;
  channel: Channel;
  audience: Audience;
  content: Content;
  scheduledAt?: number | null;
}

/** Statuses each life-cycle action starts from. */
const FROM = {
  edit: ["draft"],
  submit: ["draft"],
  approve: ["awaiting_approval"],
  pause: ["sending", "scheduled"],
  resume: ["paused"],
  cancel: ["draft", "awaiting_approval", "scheduled", "sending", "paused"],
} as const satisfies Record<string, readonly CampaignStatus[]>;

/** Campaigns' life: drafts, pre-flight, submission and approval, pause, resume and cancel. */
export class CampaignsService {
  constructor(
    private readonly deps: {
      campaigns: CampaignsRepository;
      recipients: RecipientsRepository;
      batches: MassBatchesRepository;
      engine: CampaignEngine;
      followers: FollowerLookup;
      consents: ConsentsRepository;
      materials: MaterialDirectory;
      accounts: AccountDirectory;
      clients: AccountClients;
      queue: Queue;
      clock: Clock;
    },
  ) {
    this.preflights = new PreflightRunner(deps);
  }

  private readonly preflights: PreflightRunner;

  async settings(appid: string): Promise<CampaignSettings> {
    const row = await this.deps.campaigns.settings(appid);
    return row
      ? { approvalRequired: row.approval_required === 1, sendsPerSecond: row.sends_per_second }
      : DEFAULT_SETTINGS;
  }

  async saveSettings(appid: string, settings: CampaignSettings): Promise<CampaignSettings> {
    await this.deps.campaigns.saveSettings({
      appid,
      approval_required: settings.approvalRequired ? 1 : 0,
      sends_per_second: settings.sendsPerSecond,
      updated_at: this.deps.clock.now(),
    });
    return this.settings(appid);
  }

  /** The campaign, if the actor may take `action` on its account (otherwise it does not exist for them). */
  async campaign(id: string, actor: Actor, action: string): Promise<CampaignsTable> {
    const row = await this.deps.campaigns.campaign(id);
    if (!row || !permits(actor, action, row.appid)) {
      throw new CampaignError("campaign_not_found", `no campaign ${id}`);
    }
    return row;
  }

  private checkInput(input: CampaignInput): void {
    const problems = contentProblems(input.channel, input.content);
    if (problems.length > 0) {
      throw new CampaignError("content_invalid", "the content breaks WeChat's rules", { problems });
    }
    const { audience, channel } = input;
    if (audience.kind === "subscribers" && channel !== "subscribe") {
      throw new CampaignError(
        "audience_invalid",
        "subscribers of a template receive subscription messages only",
      );
    }
    if (
      audience.kind === "subscribers" &&
      input.content.channel === "subscribe" &&
      audience.templateId !== input.content.templateId
    ) {
      throw new CampaignError(
        "audience_invalid",
        "the subscribers are those of the template the campaign sends",
        { reason: "template_mismatch" },
      );
    }
    if (
      channel === "subscribe" &&
      audience.kind !== "subscribers" &&
      audience.kind !== "list" &&
      audience.kind !== "all"
    ) {
      throw new CampaignError(
        "audience_invalid",
        "a subscription message goes to a template's subscribers or a list",
      );
    }
  }

  async create(appid: string, actor: Actor, input: CampaignInput): Promise<CampaignsTable> {
    this.checkInput(input);
    if (!(await this.deps.accounts.exists(appid)))
      throw new CampaignError("campaign_not_found", `no account ${appid}`);
    const now = this.deps.clock.now();
    const row: CampaignsTable = {
      id: newId(now),
      appid,
      name: input.name,
      channel: input.channel,
      audience: JSON.stringify(input.audience),
      content: JSON.stringify(input.content),
      scheduled_at: input.scheduledAt ?? null,
      status: "draft",
      created_by_id: actor.userId,
      created_by_name: actor.name,
      approved_by_id: null,
      approved_by_name: null,
      reject_reason: null,
      expand_cursor: null,
      expanded: 0,
      mass_msgid: null,
      mass_attempts: 0,
      mass_sent: null,
      mass_errors: null,
      mass_filtered: null,
      created_at: now,
      submitted_at: null,
      started_at: null,
      finished_at: null,
      updated_at: now,
    };
    await this.deps.campaigns.insert(row);
    return row;
  }

  async update(id: string, actor: Actor, input: Partial<CampaignInput>): Promise<CampaignsTable> {
    const row = await this.campaign(id, actor, "campaigns.create");
    const merged: CampaignInput = {
      name: input.name ?? row.name,
      channel: input.channel ?? (row.channel as Channel),
      audience: input.audience ?? (JSON.parse(row.audience) as Audience),
      content: input.content ?? (JSON.parse(row.content) as Content),
      scheduledAt: input.scheduledAt === undefined ? row.scheduled_at : input.scheduledAt,
    };
    this.checkInput(merged);
    await this.transition(row, "edit", {
      name: merged.name,
      channel: merged.channel,
      audience: JSON.stringify(merged.audience),
      content: JSON.stringify(merged.content),
      scheduled_at: merged.scheduledAt ?? null,
    });
    return this.campaign(id, actor, "campaigns.read");
  }

  async remove(id: string, actor: Actor): Promise<void> {
    const row = await this.campaign(id, actor, "campaigns.create");
    if (row.status !== "draft") throw stateError(row);
    await this.deps.campaigns.delete(id);
  }

  /** Moves a campaign from one of the action's statuses, or refuses with `campaign_state`. */
  private async transition(
    row: CampaignsTable,
    action: keyof typeof FROM,
    changes: Partial<CampaignsTable>,
  ): Promise<void> {
    const from: readonly string[] = FROM[action];
    if (!from.includes(row.status)) throw stateError(row);
    const moved = await this.deps.campaigns.update(row.id, from, {
      ...changes,
      updated_at: this.deps.clock.now(),
    });
    if (!moved) {
      const current = await this.deps.campaigns.campaign(row.id);
      throw stateError(current ?? row);
    }
  }

  /** Every pre-flight check of the contract, each with its reason, and the audience's size. */
  async preflight(id: string, actor: Actor): Promise<Preflight> {
    return this.preflights.run(await this.campaign(id, actor, "campaigns.read"), actor);
  }

  /** Sends the campaign's message to one follower (mass: mass/preview). */
  async preview(id: string, actor: Actor, openId: string): Promise<{ sent: true; msgid?: string }> {
    const row = await this.campaign(id, actor, "campaigns.create");
    const content = JSON.parse(row.content) as Content;
    const api = createOfficialAccountApi(await this.deps.clients.clientFor(row.appid));
    if (content.channel === "mass") {
      await api.message.mass.preview({ touser: openId }, massContentOf(content));
      return { sent: true };
    }
    if (content.channel === "custom") {
      await api.message.custom.sendTo(openId, customContentOf(content));
      return { sent: true };
    }
    const { msgid } = await sendTo(api, content, openId);
    return msgid === null ? { sent: true } : { sent: true, msgid };
  }

  async submit(id: string, actor: Actor): Promise<CampaignsTable> {
    const row = await this.campaign(id, actor, "campaigns.send");
    this.refuseAwaiting(row, actor);
    if (row.status !== "draft") throw stateError(row);
    const preflight = await this.preflight(id, actor);
    if (!preflight.ok) {
      throw new CampaignError("preflight_failed", "the campaign did not pass its pre-flight checks", {
        checks: preflight.checks.filter((c) => !c.ok),
      });
    }
    const now = this.deps.clock.now();
    const settings = await this.settings(row.appid);
    if (settings.approvalRequired && !permits(actor, "campaigns.approve", row.appid)) {
      await this.transition(row, "submit", { status: "awaiting_approval", submitted_at: now });
    } else {
      await this.transition(row, "submit", { submitted_at: now });
      await this.begin(row.id, ["draft"]);
    }
    return this.campaign(id, actor, "campaigns.read");
  }

  /**
   * Someone who may not approve asks to start (submit again, resume) a campaign that waits for
   * approval: only an approval starts it (`approval_required`; an approver is told the state).
   */
  private refuseAwaiting(row: CampaignsTable, actor: Actor): void {
    if (row.status === "awaiting_approval" && !permits(actor, "campaigns.approve", row.appid)) {
      throw new CampaignError("approval_required", "the campaign waits for an administrator's approval", {
        status: row.status,
      });
    }
  }

  /** Schedules the campaign or starts it now. */
  private async begin(id: string, from: readonly string[]): Promise<void> {
    const now = this.deps.clock.now();
    const row = (await this.deps.campaigns.campaign(id))!;
    if (row.scheduled_at !== null && row.scheduled_at > now) {
      if (await this.deps.campaigns.update(id, from, { status: "scheduled", updated_at: now })) {
        await this.deps.queue.enqueue(
          "campaigns.start",
          { campaignId: id },
          { delayMs: row.scheduled_at - now },
        );
      }
      return;
    }
    if (await this.deps.campaigns.update(id, from, { status: "sending", started_at: now, updated_at: now })) {
      await this.deps.engine.launch(id);
    }
  }

  async approve(id: string, actor: Actor): Promise<CampaignsTable> {
    const row = await this.campaign(id, actor, "campaigns.approve");
    await this.transition(row, "approve", { approved_by_id: actor.userId, approved_by_name: actor.name });
    // Still awaiting approval: `begin` moves it on (scheduled or sending).
    await this.begin(id, ["awaiting_approval"]);
    return this.campaign(id, actor, "campaigns.read");
  }

  async reject(id: string, actor: Actor, reason: string | undefined): Promise<CampaignsTable> {
    const row = await this.campaign(id, actor, "campaigns.approve");
    await this.transition(row, "approve", {
      status: "draft",
      reject_reason: reason ?? null,
      submitted_at: null,
    });
    return this.campaign(id, actor, "campaigns.read");
  }

  async pause(id: string, actor: Actor): Promise<CampaignsTable> {
    const row = await this.campaign(id, actor, "campaigns.send");
    await this.transition(row, "pause", { status: "paused" });
    this.deps.engine.halt(id);
    return this.campaign(id, actor, "campaigns.read");
  }

  async resume(id: string, actor: Actor): Promise<CampaignsTable> {
    const row = await this.campaign(id, actor, "campaigns.send");
    this.refuseAwaiting(row, actor);
    const now = this.deps.clock.now();
    // A campaign paused before it started goes back to its schedule.
    const started = row.started_at !== null;
    await this.transition(row, "resume", { status: started ? "sending" : "scheduled" });
    if (started) {
      await this.deps.engine.wake(id);
      if (row.expanded === 0) await this.deps.engine.launch(id);
    } else {
      const due = Math.max(0, (row.scheduled_at ?? now) - now);
      await this.deps.queue.enqueue("campaigns.start", { campaignId: id }, { delayMs: due });
    }
    return this.campaign(id, actor, "campaigns.read");
  }

  async cancel(id: string, actor: Actor): Promise<CampaignsTable> {
    const row = await this.campaign(id, actor, "campaigns.send");
    const now = this.deps.clock.now();
    await this.transition(row, "cancel", { status: "cancelled", finished_at: now });
    this.deps.engine.halt(id);
    await this.deps.recipients.skipPending(id, "cancelled", now);
    // Mass batches by OpenIDs wait for a retry in `sending`: they are not called any more.
    await this.deps.batches.cancelWaiting(id, "cancelled", now);
    return this.campaign(id, actor, "campaigns.read");
  }
}

function stateError(row: CampaignsTable): CampaignError {
  return new CampaignError("campaign_state", `not allowed while the campaign is ${row.status}`, {
    status: row.status,
  });
}

/** The actions the actor may take on the campaign now (the console's buttons). */
export function abilitiesOf(row: CampaignsTable, actor: Actor): string[] {
  const may = (action: string) => permits(actor, action, row.appid);
  const out: string[] = [];
  if (row.status === "draft" && may("campaigns.create")) out.push("edit", "preview");
  if (row.status === "draft" && may("campaigns.send")) out.push("submit");
  if (row.status === "awaiting_approval" && may("campaigns.approve")) out.push("approve");
  if ((FROM.pause as readonly string[]).includes(row.status) && may("campaigns.send")) out.push("pause");
  if (row.status === "paused" && may("campaigns.send")) out.push("resume");
  if ((FROM.cancel as readonly string[]).includes(row.status) && may("campaigns.send")) out.push("cancel");
  return out;
}
