import { KeywordAutomaton } from "./automaton.js";
import { activeAt, type Keyword, normalizeKeyword, type RuleKind, type Schedule } from "./rules.js";

/** What the matcher reads of a rule. */
export interface MatchableRule {
  id: string;
  kind: RuleKind;
  keywords: readonly Keyword[];
  menuKey: string | null;
  priority: number;
  position: number;
  schedule: Schedule | null;
  enabled: boolean;
}

/** What a push asks the rules: a follower's text, another message, a follow, a menu click. */
export type Trigger =
  | { kind: "text"; content: string }
  | { kind: "message" }
  | { kind: "follow" }
  | { kind: "click"; key: string };

/** Priority first (higher wins), then the operator's order, then the id: one total order. */
export function byRank(a: MatchableRule, b: MatchableRule): number {
  return b.priority - a.priority || a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function push(map: Map<string, number[]>, key: string, rank: number): void {
  const list = map.get(key);
  if (list) list.push(rank);
  else map.set(key, [rank]);
}

/**
 * An account's enabled rules, compiled once when they change: a Map for exact keywords, an
 * Aho–Corasick automaton for "contains" keywords, a Map for menu keys. A rule is known by its
 * rank (its index in rank order), so among several matches the smallest active rank wins
 * without sorting anything per message.
 */
export class RuleMatcher<R extends MatchableRule> {
  private readonly ranked: R[];
  private readonly exact = new Map<string, number[]>();
  private readonly contains: KeywordAutomaton;
  private readonly clicks = new Map<string, number[]>();
  private readonly follows: number[] = [];
  private readonly defaults: number[] = [];

  constructor(rules: readonly R[]) {
    this.ranked = rules.filter((r) => r.enabled).sort(byRank);
    const patterns: { text: string; value: number }[] = [];
    this.ranked.forEach((rule, rank) => {
      if (rule.kind === "keyword") {
        for (const keyword of rule.keywords) {
          const text = normalizeKeyword(keyword.text);
          if (keyword.match === "exact") push(this.exact, text, rank);
          else patterns.push({ text, value: rank });
        }
      } else if (rule.kind === "click" && rule.menuKey !== null) push(this.clicks, rule.menuKey, rank);
      else if (rule.kind === "follow") this.follows.push(rank);
      else if (rule.kind === "default") this.defaults.push(rank);
    });
    this.contains = new KeywordAutomaton(patterns);
  }

  /** How many enabled rules it holds. */
  get size(): number {
    return this.ranked.length;
  }

  /** The rule that answers `trigger` at `at` (epoch ms), or undefined. */
  match(trigger: Trigger, at: number): R | undefined {
    switch (trigger.kind) {
      case "text": {
        const keyword = this.matchText(trigger.content, at);
        return keyword ?? this.first(this.defaults, at);
      }
      case "message":
        return this.first(this.defaults, at);
      case "follow":
        return this.first(this.follows, at);
      case "click":
        return this.first(this.clicks.get(trigger.key) ?? [], at);
    }
  }

  /** The best active keyword rule for a text, default rules aside. */
  matchText(content: string, at: number): R | undefined {
    const text = normalizeKeyword(content);
    let best = Number.POSITIVE_INFINITY;
    const consider = (rank: number) => {
      if (rank < best && activeAt(this.ranked[rank]!.schedule, at)) best = rank;
    };
    for (const rank of this.exact.get(text) ?? []) consider(rank);
    this.contains.forEachMatch(text, consider);
    return this.ranked[best];
  }

  /** The first active rule of a list in rank order. */
  private first(ranks: readonly number[], at: number): R | undefined {
    for (const rank of ranks) {
      const rule = this.ranked[rank]!;
      if (activeAt(rule.schedule, at)) return rule;
    }
    return undefined;
  }
}

/**
 * The naive way: every rule, every keyword, in rank order, per message. The reference the
 * tests check the matcher against, and the bench's baseline.
 */
export function linearMatch<R extends MatchableRule>(
  ranked: readonly R[],
  content: string,
  at: number,
): R | undefined {
  const text = normalizeKeyword(content);
  for (const rule of ranked) {
    if (!rule.enabled || rule.kind !== "keyword" || !activeAt(rule.schedule, at)) continue;
    for (const keyword of rule.keywords) {
      const key = normalizeKeyword(keyword.text);
      if (keyword.match === "exact" ? text === key : key !== "" && text.includes(key)) return rule;
    }
  }
  return undefined;
}
