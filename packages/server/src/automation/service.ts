import type { AccountDirectory } from "../accounts/index.js";
import { errors } from "../platform/errors.js";
import { newId } from "../platform/ids.js";
import type { Logger } from "../platform/logger.js";
import { type Actor, actorLabel } from "../platform/policy.js";
import type { Clock } from "../platform/ports.js";
import type { HitLog } from "./hits.js";
import { RuleMatcher, type Trigger } from "./matcher.js";
import type { AutomationRepository, RuleRow } from "./repository.js";
import {
  automationLimits,
  checkRule,
  type Keyword,
  type ReplyMode,
  type RuleInput,
  type RuleKind,
  type RuleReply,
  ruleRefused,
  type Schedule,
} from "./rules.js";

/** A saved rule. */
export interface Rule extends RuleInput {
  id: string;
  appId: string;
  position: number;
  createdAt: number;
  updatedAt: number;
  updatedBy: string | null;
}

function ruleOf(row: RuleRow): Rule {
  return {
    id: row.id,
    appId: row.appid,
    name: row.name,
    kind: row.kind as RuleKind,
    keywords: JSON.parse(row.keywords) as Keyword[],
    menuKey: row.menu_key,
    priority: row.priority,
    position: row.position,
    schedule: row.schedule === null ? null : (JSON.parse(row.schedule) as Schedule),
    mode: row.mode as ReplyMode,
    replies: JSON.parse(row.replies) as RuleReply[],
    enabled: row.enabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

function rowOf(rule: Rule): RuleRow {
  return {
    id: rule.id,
    appid: rule.appId,
    name: rule.name,
    kind: rule.kind,
    keywords: JSON.stringify(rule.keywords),
    menu_key: rule.menuKey,
    priority: rule.priority,
    position: rule.position,
    schedule: rule.schedule === null ? null : JSON.stringify(rule.schedule),
    mode: rule.mode,
    replies: JSON.stringify(rule.replies),
    enabled: rule.enabled ? 1 : 0,
    created_at: rule.createdAt,
    updated_at: rule.updatedAt,
    updated_by: rule.updatedBy,
  };
}

/** A push a rule answered. */
export interface Hit {
  eventId: string;
  ruleId: string;
  openId: string;
  /** Replies queued as customer-service messages after the passive one. */
  followUps: number;
  at: number;
}

/** A rule's changed fields; absent or undefined fields stay as they are. */
export type RuleChanges = { [K in keyof RuleInput]?: RuleInput[K] | undefined };

/** What {@link AutomationService.test} answers: the rule that would answer, and with what. */
export interface TestOutcome {
  rule: Rule | undefined;
  /** Of a keyword rule: matched by a keyword; otherwise how the trigger reached the rule. */
  via: "keyword" | "default" | "follow" | "click" | "none";
}

/**
 * An account's reply rules: saved after WeChat's rules are checked, and compiled into one
 * {@link RuleMatcher} per account that every push shares until the rules change.
 */
export class AutomationService {
  /** Compiled matchers (or their compilation under way), by appid. */
  private readonly matchers = new Map<string, Promise<RuleMatcher<Rule>>>();

  constructor(
    private readonly deps: {
      repository: AutomationRepository;
      /** Where the gateway's hits wait for their write: flushed before they are read. */
      hits?: HitLog;
      accounts: AccountDirectory;
      clock: Clock;
      logger: Logger;
    },
  ) {}

  async list(appId: string): Promise<Rule[]> {
    await this.existing(appId);
    return (await this.deps.repository.rules(appId)).map(ruleOf);
  }

  async get(appId: string, id: string): Promise<Rule> {
    const row = await this.deps.repository.rule(appId, id);
    if (!row) throw errors.notFound("the rule");
    return ruleOf(row);
  }

  async create(actor: Actor, appId: string, input: RuleInput): Promise<Rule> {
    await this.existing(appId);
    return (await this.createMany(actor, appId, [input]))[0]!;
  }

  /** Saves several rules at once (imports, the bench's 10,000); each is checked first. */
  async createMany(actor: Actor | null, appId: string, inputs: readonly RuleInput[]): Promise<Rule[]> {
    for (const input of inputs) checkRule(input);
    const count = await this.deps.repository.count(appId);
    if (count + inputs.length > automationLimits.rulesPerAccount) {
      throw ruleRefused([{ reason: "too_many_rules", field: "", limit: automationLimits.rulesPerAccount }]);
    }
    const now = this.deps.clock.now();
    let position = await this.deps.repository.nextPosition(appId);
    const rules = inputs.map(
      (input): Rule => ({
        ...input,
        id: newId(now),
        appId,
        position: position++,
        createdAt: now,
        updatedAt: now,
        updatedBy: actor ? actorLabel(actor) : null,
      }),
    );
    await this.deps.repository.insert(rules.map(rowOf));
    this.changed(appId);
    return rules;
  }

  async update(actor: Actor, appId: string, id: string, patch: RuleChanges): Promise<Rule> {
    const current = await this.get(appId, id);
    const changes = Object.fromEntries(
      Object.entries(patch).filter(([, value]) => value !== undefined),
    ) as Partial<RuleInput>;
    const next: Rule = {
      ...current,
      ...changes,
      updatedAt: this.deps.clock.now(),
      updatedBy: actorLabel(actor),
    };
    // A rule changing kind leaves behind what its old kind needed.
    if (changes.kind && changes.kind !== current.kind) {
      if (next.kind !== "keyword" && changes.keywords === undefined) next.keywords = [];
      if (next.kind !== "click" && changes.menuKey === undefined) next.menuKey = null;
    }
    checkRule(next);
    await this.deps.repository.update(rowOf(next));
    this.changed(appId);
    return next;
  }

  async remove(appId: string, id: string): Promise<void> {
    if (!(await this.deps.repository.delete(appId, id))) throw errors.notFound("the rule");
    this.changed(appId);
  }

  /** Puts the account's rules in this order: every rule named once. */
  async reorder(appId: string, ids: readonly string[]): Promise<Rule[]> {
    const current = await this.list(appId);
    const known = new Set(current.map((r) => r.id));
    if (new Set(ids).size !== ids.length || ids.length !== known.size || ids.some((id) => !known.has(id))) {
      throw errors.validation("name every rule of the account once", { reason: "order_incomplete" });
    }
    await this.deps.repository.reorder(appId, ids, this.deps.clock.now());
    this.changed(appId);
    return this.list(appId);
  }

  /** Which rule would answer this trigger at `at` (now by default), without sending anything. */
  async test(appId: string, trigger: Trigger, at = this.deps.clock.now()): Promise<TestOutcome> {
    await this.existing(appId);
    const matcher = await this.matcherFor(appId);
    if (trigger.kind === "text") {
      const keyword = matcher.matchText(trigger.content, at);
      if (keyword) return { rule: keyword, via: "keyword" };
      const fallback = matcher.match({ kind: "message" }, at);
      return { rule: fallback, via: fallback ? "default" : "none" };
    }
    const rule = matcher.match(trigger, at);
    const via = trigger.kind === "message" ? "default" : trigger.kind;
    return { rule, via: rule ? via : "none" };
  }

  /** The account's latest answered pushes: which rule answered which event. */
  async hits(appId: string, limit: number): Promise<Hit[]> {
    await this.existing(appId);
    await this.deps.hits?.flush();
    return (await this.deps.repository.recentHits(appId, limit)).map((row) => ({
      eventId: row.event_id,
      ruleId: row.rule_id,
      openId: row.openid,
      followUps: row.follow_ups,
      at: row.at,
    }));
  }

  /**
   * The account's compiled rules: built on first use and after each change, then shared by
   * every push (concurrent first pushes wait for the same build).
   */
  matcherFor(appId: string): Promise<RuleMatcher<Rule>> {
    let matcher = this.matchers.get(appId);
    if (!matcher) {
      matcher = this.deps.repository.rules(appId).then((rows) => new RuleMatcher(rows.map(ruleOf)));
      // A failed load is not kept: the next push tries again.
      matcher.catch(() => this.matchers.delete(appId));
      this.matchers.set(appId, matcher);
    }
    return matcher;
  }

  /** Forgets an account's compiled rules (they changed, or the account went away). */
  changed(appId: string): void {
    this.matchers.delete(appId);
  }

  private async existing(appId: string): Promise<void> {
    if (!(await this.deps.accounts.exists(appId))) throw errors.notFound("the account");
  }
}
