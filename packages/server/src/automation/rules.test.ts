import { describe, expect, it } from "vitest";
import { PlatformError } from "../platform/errors.js";
import { activeAt, checkRule, type RuleInput, ruleProblems } from "./rules.js";

const base: RuleInput = {
  name: "价格",
  kind: "keyword",
  keywords: [{ text: "价格", match: "contains" }],
  menuKey: null,
  priority: 0,
  schedule: null,
  mode: "all",
  replies: [{ type: "text", content: "见菜单" }],
  enabled: true,
};
const reasons = (rule: RuleInput) => ruleProblems(rule).map((p) => `${p.reason}@${p.field}`);

describe("reply rules, checked locally against WeChat's rules", () => {
  it("accepts a well-formed rule of each kind", () => {
    expect(ruleProblems(base)).toEqual([]);
    expect(ruleProblems({ ...base, kind: "follow", keywords: [] })).toEqual([]);
    expect(ruleProblems({ ...base, kind: "click", keywords: [], menuKey: "V1001" })).toEqual([]);
    expect(ruleProblems({ ...base, kind: "default", keywords: [] })).toEqual([]);
  });

  it("counts text in UTF-8 bytes: 682 Chinese characters fit, 683 do not", () => {
    expect(reasons({ ...base, replies: [{ type: "text", content: "字".repeat(682) }] })).toEqual([]);
    const over = ruleProblems({ ...base, replies: [{ type: "text", content: "字".repeat(683) }] });
    expect(over).toEqual([{ reason: "text_too_long", field: "replies.0.content", limit: 2048 }]);
  });

  it("limits keywords, and replies to what the customer-service window allows after the trigger", () => {
    const many = Array.from({ length: 11 }, (_, i) => ({ text: `k${i}`, match: "exact" as const }));
    expect(reasons({ ...base, keywords: many })).toEqual(["too_many_keywords@keywords"]);
    expect(reasons({ ...base, keywords: [{ text: "x".repeat(31), match: "exact" }] })).toEqual([
      "keyword_too_long@keywords.0.text",
    ]);
    const five = Array.from({ length: 5 }, () => ({ type: "text" as const, content: "hi" }));
    expect(reasons({ ...base, replies: five })).toEqual([]);
    expect(reasons({ ...base, kind: "follow", keywords: [], replies: five })).toEqual([
      "too_many_replies_for_window@replies",
    ]);
    expect(reasons({ ...base, kind: "follow", keywords: [], replies: five, mode: "random" })).toEqual([]);
    expect(reasons({ ...base, replies: [...five, ...five] })).toEqual(["too_many_replies@replies"]);
  });

  it("allows a transfer only alone and only as the answer to a message", () => {
    const transfer = { type: "transfer_customer_service" as const };
    expect(reasons({ ...base, replies: [transfer] })).toEqual([]);
    expect(reasons({ ...base, kind: "follow", keywords: [], replies: [transfer] })).toEqual([
      "transfer_only_for_messages@replies.0.type",
    ]);
    expect(reasons({ ...base, replies: [transfer, { type: "text", content: "hi" }] })).toEqual([
      "transfer_alone@replies.0.type",
    ]);
  });

  it("checks media ids, news articles, video thumbnails for follow-ups, menu keys and schedules", () => {
    expect(
      reasons({
        ...base,
        menuKey: "K",
        replies: [
          { type: "image", mediaId: " " },
          { type: "video", mediaId: "m" },
          { type: "news", title: "", url: "ftp://x" },
        ],
        schedule: { days: [7], from: "25:00", to: "09:00", utcOffsetMinutes: 480 },
      }),
    ).toEqual([
      "menu_key_not_allowed@menuKey",
      "media_id_required@replies.0.mediaId",
      "video_thumb_required@replies.1.thumbMediaId",
      "news_title_required@replies.2.title",
      "url_invalid@replies.2.url",
      "schedule_invalid@schedule.days",
      "schedule_invalid@schedule.from",
    ]);
    expect(reasons({ ...base, kind: "click", keywords: [], menuKey: "k".repeat(129) })).toEqual([
      "menu_key_too_long@menuKey",
    ]);
  });

  it("refuses with validation_failed naming the first reason and every problem", () => {
    try {
      checkRule({ ...base, keywords: [], replies: [] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PlatformError);
      const refusal = error as PlatformError;
      expect(refusal.code).toBe("validation_failed");
      expect(refusal.details).toMatchObject({
        reason: "keywords_required",
        problems: [{ reason: "keywords_required" }, { reason: "replies_required" }],
      });
    }
  });

  it("reads a window spanning midnight as the evening of its day and the morning after", () => {
    const friNight = { days: [5], from: "22:00", to: "02:00", utcOffsetMinutes: 480 };
    const friday23 = Date.UTC(2025, 5, 6, 15, 0); // Friday 23:00 in Beijing
    expect(activeAt(friNight, friday23)).toBe(true);
    expect(activeAt(friNight, friday23 + 2 * 3600_000)).toBe(true); // Saturday 01:00
    expect(activeAt(friNight, friday23 + 4 * 3600_000)).toBe(false); // Saturday 03:00
    expect(activeAt(friNight, friday23 - 7 * 86_400_000 + 2 * 3600_000)).toBe(true);
    expect(activeAt(friNight, friday23 + 86_400_000)).toBe(false); // Saturday 23:00
  });
});
