import { describe, expect, it } from "vitest";
import { KeywordAutomaton } from "./automaton.js";
import { byRank, linearMatch, type MatchableRule, RuleMatcher } from "./matcher.js";
import type { Keyword, Schedule } from "./rules.js";

let ids = 0;
function rule(partial: Partial<MatchableRule> & Pick<MatchableRule, "kind">): MatchableRule {
  ids += 1;
  return {
    id: `r${String(ids).padStart(5, "0")}`,
    keywords: [],
    menuKey: null,
    priority: 0,
    position: ids,
    schedule: null,
    enabled: true,
    ...partial,
  };
}
const keyword = (text: string, match: Keyword["match"] = "contains"): Keyword => ({ text, match });
// 2025-06-02 is a Monday; 10:00 in Beijing is 02:00 UTC.
const MONDAY_10_BEIJING = Date.UTC(2025, 5, 2, 2, 0);

describe("KeywordAutomaton", () => {
  it("finds every pattern, overlapping ones and suffixes of others included", () => {
    const automaton = new KeywordAutomaton(
      ["he", "she", "his", "hers", "优惠", "优惠券"].map((text, value) => ({ text, value })),
    );
    const found: number[] = [];
    automaton.forEachMatch("ushers 领优惠券", (v) => found.push(v));
    expect(found.sort()).toEqual([0, 1, 3, 4, 5]);
    const none: number[] = [];
    automaton.forEachMatch("nothing here? h-e", (v) => none.push(v));
    expect(none).toEqual([0]);
  });
});

describe("RuleMatcher", () => {
  it("prefers the higher priority, then the earlier position, among several matches", () => {
    const low = rule({ kind: "keyword", keywords: [keyword("价格")], priority: 1 });
    const high = rule({ kind: "keyword", keywords: [keyword("价")], priority: 5 });
    const exact = rule({
      kind: "keyword",
      keywords: [keyword("价格表", "exact")],
      priority: 5,
      position: -1,
    });
    const matcher = new RuleMatcher([low, high, exact]);
    expect(matcher.match({ kind: "text", content: "请问价格" }, 0)?.id).toBe(high.id);
    expect(matcher.match({ kind: "text", content: " 价格表 " }, 0)?.id).toBe(exact.id);
    expect(matcher.match({ kind: "text", content: "价格表呢" }, 0)?.id).toBe(high.id);
  });

  it("matches exact keywords whole and case-folded, contains keywords anywhere", () => {
    const hello = rule({ kind: "keyword", keywords: [keyword("Hello", "exact")] });
    const matcher = new RuleMatcher([hello]);
    expect(matcher.match({ kind: "text", content: "  hELLo " }, 0)?.id).toBe(hello.id);
    expect(matcher.match({ kind: "text", content: "hello there" }, 0)).toBeUndefined();
  });

  it("falls back to the default rule; follows and clicks find their own rules; disabled rules never answer", () => {
    const fallback = rule({ kind: "default" });
    const follow = rule({ kind: "follow" });
    const click = rule({ kind: "click", menuKey: "V1001_TODAY" });
    const off = rule({ kind: "keyword", keywords: [keyword("hi")], enabled: false });
    const matcher = new RuleMatcher([fallback, follow, click, off]);
    expect(matcher.size).toBe(3);
    expect(matcher.match({ kind: "text", content: "hi" }, 0)?.id).toBe(fallback.id);
    expect(matcher.match({ kind: "message" }, 0)?.id).toBe(fallback.id);
    expect(matcher.match({ kind: "follow" }, 0)?.id).toBe(follow.id);
    expect(matcher.match({ kind: "click", key: "V1001_TODAY" }, 0)?.id).toBe(click.id);
    expect(matcher.match({ kind: "click", key: "OTHER" }, 0)).toBeUndefined();
  });

  it("skips a rule outside its time window for the next one inside", () => {
    const office: Schedule = { days: [1, 2, 3, 4, 5], from: "09:00", to: "18:00", utcOffsetMinutes: 480 };
    const night: Schedule = {
      days: [0, 1, 2, 3, 4, 5, 6],
      from: "22:00",
      to: "06:00",
      utcOffsetMinutes: 480,
    };
    const staffed = rule({ kind: "keyword", keywords: [keyword("客服")], priority: 9, schedule: office });
    const late = rule({ kind: "keyword", keywords: [keyword("客服")], priority: 5, schedule: night });
    const always = rule({ kind: "keyword", keywords: [keyword("客服")], priority: 1 });
    const matcher = new RuleMatcher([staffed, late, always]);
    const ask = (at: number) => matcher.match({ kind: "text", content: "找客服" }, at)?.id;
    expect(ask(MONDAY_10_BEIJING)).toBe(staffed.id);
    expect(ask(MONDAY_10_BEIJING + 8.5 * 3600_000)).toBe(always.id); // 18:30
    expect(ask(MONDAY_10_BEIJING + 13 * 3600_000)).toBe(late.id); // 23:00
    expect(ask(MONDAY_10_BEIJING + 17 * 3600_000)).toBe(late.id); // 03:00 the next day
    expect(ask(MONDAY_10_BEIJING + 5 * 86_400_000)).toBe(always.id); // Saturday 10:00
  });

  it("answers as the linear scan does on thousands of random rules", () => {
    const alphabet = ["优", "惠", "券", "a", "b", "c", "价", "格"];
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const word = (length: number) => Array.from({ length }, () => alphabet[next(alphabet.length)]).join("");
    const rules = Array.from({ length: 3000 }, () =>
      rule({
        kind: "keyword",
        priority: next(20),
        keywords: Array.from({ length: 1 + next(3) }, () =>
          keyword(word(2 + next(4)), next(4) === 0 ? "exact" : "contains"),
        ),
        enabled: next(10) !== 0,
        schedule: next(5) === 0 ? { days: [1], from: "09:00", to: "12:00", utcOffsetMinutes: 480 } : null,
      }),
    );
    const matcher = new RuleMatcher(rules);
    const ranked = [...rules].sort(byRank);
    for (let i = 0; i < 500; i++) {
      const text = word(1 + next(12));
      const at = next(2) === 0 ? MONDAY_10_BEIJING : MONDAY_10_BEIJING + 3600_000 * 5;
      expect(matcher.matchText(text, at)?.id, text).toBe(linearMatch(ranked, text, at)?.id);
    }
  });
});
