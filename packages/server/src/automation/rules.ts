import { menuLimits, sendingLimits, utf8ByteLength } from "@wxgate/wechat";
import { PlatformError } from "../platform/errors.js";

/** What starts a rule: a follower's text, a follow, any message nothing else answered, a menu click. */
export const ruleKinds = ["keyword", "follow", "default", "click"] as const;
export type RuleKind = (typeof ruleKinds)[number];

/** `exact`: the whole message (trimmed, case-folded); `contains`: anywhere in it. */
export const keywordMatches = ["exact", "contains"] as const;
export type KeywordMatch = (typeof keywordMatches)[number];

export interface Keyword {
  text: string;
  match: KeywordMatch;
}

/** `all`: every reply (the first passively, the rest as customer-service messages); `random`: one of them. */
export const replyModes = ["all", "random"] as const;
export type ReplyMode = (typeof replyModes)[number];

/** One reply of a rule, in WeChat's passive-reply types. */
export type RuleReply =
  | { type: "text"; content: string }
  | { type: "image"; mediaId: string }
  | { type: "voice"; mediaId: string }
  | { type: "video"; mediaId: string; thumbMediaId?: string; title?: string; description?: string }
  | { type: "news"; title: string; description?: string; url: string; picUrl?: string }
  | { type: "transfer_customer_service"; kfAccount?: string };
export type RuleReplyType = RuleReply["type"];
export const ruleReplyTypes = [
  "text",
  "image",
  "voice",
  "video",
  "news",
  "transfer_customer_service",
] as const;

/**
 * When a rule is active: on these weekdays (0 Sunday … 6 Saturday), from `from` to `to`
 * ("HH:MM", `to` excluded; `from` after `to` spans midnight), in local time at `utcOffsetMinutes`
 * (default +08:00, China Standard Time).
 */
export interface Schedule {
  days: number[];
  from: string;
  to: string;
  utcOffsetMinutes: number;
}

/** A rule as the operator writes it. */
export interface RuleInput {
  name: string;
  kind: RuleKind;
  keywords: Keyword[];
  menuKey: string | null;
  priority: number;
  schedule: Schedule | null;
  mode: ReplyMode;
  replies: RuleReply[];
  enabled: boolean;
}

/**
 * The limits checked before a rule is saved. The reply limits are WeChat's (message API); the
 * rule-shape limits are those of WeChat's own auto-reply console (mp.weixin.qq.com), so rules
 * move between the two unchanged.
 */
export const automationLimits = {
  nameChars: 60,
  keywordsPerRule: 10,
  keywordChars: 30,
  repliesPerRule: 5,
  /** A text message's content, UTF-8 bytes (more: WeChat's 45002). */
  textBytes: 2048,
  menuKeyBytes: menuLimits.keyBytes,
  urlBytes: 1024,
  newsTitleChars: 64,
  newsDescriptionChars: 120,
  kfAccountChars: 64,
  /** Rules per account: matching is measured at this size (bench/automation). */
  rulesPerAccount: 10_000,
  /** Replies a rule may send after a follower's message: one passive + the 48-hour window's 5. */
  repliesAfterMessage: 1 + sendingLimits.customAfterMessage.count,
  /** After a follow or a menu click: one passive + the one-minute window's 3. */
  repliesAfterEvent: 1 + sendingLimits.customAfterEvent.count,
} as const;

/** Why a rule is refused; `details.problems[].reason` and the console's message key. */
export type AutomationRefusal =
  | "name_too_long"
  | "keywords_required"
  | "too_many_keywords"
  | "keyword_empty"
  | "keyword_too_long"
  | "keyword_duplicate"
  | "keywords_not_allowed"
  | "menu_key_required"
  | "menu_key_too_long"
  | "menu_key_not_allowed"
  | "replies_required"
  | "too_many_replies"
  | "too_many_replies_for_window"
  | "text_empty"
  | "text_too_long"
  | "media_id_required"
  | "video_thumb_required"
  | "news_title_required"
  | "news_title_too_long"
  | "news_description_too_long"
  | "url_invalid"
  | "url_too_long"
  | "kf_account_too_long"
  | "transfer_only_for_messages"
  | "transfer_alone"
  | "schedule_invalid"
  | "too_many_rules";

/** One thing wrong with a rule, and where (`replies.1.content`), for the form's inline errors. */
export interface RuleProblem {
  reason: AutomationRefusal;
  field: string;
  limit?: number;
}

/** The refusal of a rule: 400 `validation_failed`, `details.reason` the first problem's, every problem listed. */
export function ruleRefused(problems: RuleProblem[]): PlatformError {
  const first = problems[0];
  return new PlatformError("validation_failed", `the rule breaks ${problems.length} rule(s) of WeChat`, {
    reason: first?.reason,
    problems,
  });
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Minutes since midnight of "HH:MM". */
export function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/** Keywords compare trimmed and case-folded, so "Hello " and "hello" are one keyword. */
export function normalizeKeyword(text: string): string {
  return text.trim().toLowerCase();
}

function checkUrl(problems: RuleProblem[], url: string, field: string): void {
  if (utf8ByteLength(url) > automationLimits.urlBytes) {
    problems.push({ reason: "url_too_long", field, limit: automationLimits.urlBytes });
  } else if (!/^https?:\/\/[^\s/]+/i.test(url)) problems.push({ reason: "url_invalid", field });
}

function checkReply(problems: RuleProblem[], reply: RuleReply, index: number, rule: RuleInput): void {
  const at = `replies.${index}`;
  switch (reply.type) {
    case "text":
      if (reply.content.trim() === "") problems.push({ reason: "text_empty", field: `${at}.content` });
      else if (utf8ByteLength(reply.content) > automationLimits.textBytes)
        problems.push({ reason: "text_too_long", field: `${at}.content`, limit: automationLimits.textBytes });
      return;
    case "image":
    case "voice":
      if (reply.mediaId.trim() === "") problems.push({ reason: "media_id_required", field: `${at}.mediaId` });
      return;
    case "video":
      if (reply.mediaId.trim() === "") problems.push({ reason: "media_id_required", field: `${at}.mediaId` });
      // Sent as a customer-service message (every reply after the first of "reply all"),
      // a video needs its thumbnail: WeChat's custom/send requires thumb_media_id.
      if (rule.mode === "all" && index > 0 && !reply.thumbMediaId?.trim())
        problems.push({ reason: "video_thumb_required", field: `${at}.thumbMediaId` });
      return;
    case "news":
      if (reply.title.trim() === "") problems.push({ reason: "news_title_required", field: `${at}.title` });
      else if ([...reply.title].length > automationLimits.newsTitleChars)
        problems.push({
          reason: "news_title_too_long",
          field: `${at}.title`,
          limit: automationLimits.newsTitleChars,
        });
      if (reply.description && [...reply.description].length > automationLimits.newsDescriptionChars)
        problems.push({
          reason: "news_description_too_long",
          field: `${at}.description`,
          limit: automationLimits.newsDescriptionChars,
        });
      checkUrl(problems, reply.url, `${at}.url`);
      if (reply.picUrl) checkUrl(problems, reply.picUrl, `${at}.picUrl`);
      return;
    case "transfer_customer_service":
      // WeChat accepts the transfer only as the answer to a follower's message, and only
      // passively: it cannot be a customer-service message itself.
      if (rule.kind === "follow" || rule.kind === "click")
        problems.push({ reason: "transfer_only_for_messages", field: `${at}.type` });
      if (rule.replies.length > 1) problems.push({ reason: "transfer_alone", field: `${at}.type` });
      if (reply.kfAccount && [...reply.kfAccount].length > automationLimits.kfAccountChars)
        problems.push({
          reason: "kf_account_too_long",
          field: `${at}.kfAccount`,
          limit: automationLimits.kfAccountChars,
        });
      return;
  }
}

function checkSchedule(problems: RuleProblem[], schedule: Schedule): void {
  const days = new Set(schedule.days);
  const daysValid =
    schedule.days.length > 0 &&
    days.size === schedule.days.length &&
    schedule.days.every((d) => Number.isInteger(d) && d >= 0 && d <= 6);
  if (!daysValid) problems.push({ reason: "schedule_invalid", field: "schedule.days" });
  if (!TIME.test(schedule.from)) problems.push({ reason: "schedule_invalid", field: "schedule.from" });
  if (!TIME.test(schedule.to) || schedule.to === schedule.from)
    problems.push({ reason: "schedule_invalid", field: "schedule.to" });
  if (!Number.isInteger(schedule.utcOffsetMinutes) || Math.abs(schedule.utcOffsetMinutes) > 14 * 60)
    problems.push({ reason: "schedule_invalid", field: "schedule.utcOffsetMinutes" });
}

/** Every WeChat rule a reply rule breaks; empty when it may be saved. */
export function ruleProblems(rule: RuleInput): RuleProblem[] {
  const problems: RuleProblem[] = [];
  if ([...rule.name].length > automationLimits.nameChars)
    problems.push({ reason: "name_too_long", field: "name", limit: automationLimits.nameChars });
  if (rule.kind === "keyword") {
    if (rule.keywords.length === 0) problems.push({ reason: "keywords_required", field: "keywords" });
    if (rule.keywords.length > automationLimits.keywordsPerRule)
      problems.push({
        reason: "too_many_keywords",
        field: "keywords",
        limit: automationLimits.keywordsPerRule,
      });
    const seen = new Set<string>();
    rule.keywords.forEach((keyword, i) => {
      const text = normalizeKeyword(keyword.text);
      if (text === "") problems.push({ reason: "keyword_empty", field: `keywords.${i}.text` });
      else if ([...text].length > automationLimits.keywordChars)
        problems.push({
          reason: "keyword_too_long",
          field: `keywords.${i}.text`,
          limit: automationLimits.keywordChars,
        });
      const key = `${keyword.match}:${text}`;
      if (seen.has(key)) problems.push({ reason: "keyword_duplicate", field: `keywords.${i}.text` });
      seen.add(key);
    });
  } else if (rule.keywords.length > 0) {
    problems.push({ reason: "keywords_not_allowed", field: "keywords" });
  }
  if (rule.kind === "click") {
    if (!rule.menuKey) problems.push({ reason: "menu_key_required", field: "menuKey" });
    else if (utf8ByteLength(rule.menuKey) > automationLimits.menuKeyBytes)
      problems.push({ reason: "menu_key_too_long", field: "menuKey", limit: automationLimits.menuKeyBytes });
  } else if (rule.menuKey) {
    problems.push({ reason: "menu_key_not_allowed", field: "menuKey" });
  }
  if (rule.replies.length === 0) problems.push({ reason: "replies_required", field: "replies" });
  if (rule.replies.length > automationLimits.repliesPerRule) {
    problems.push({ reason: "too_many_replies", field: "replies", limit: automationLimits.repliesPerRule });
  } else if (rule.mode === "all") {
    // Replies after the first go out as customer-service messages, within the window the
    // push opened: 3 within a minute after a follow or click, 5 after a message.
    const limit =
      rule.kind === "follow" || rule.kind === "click"
        ? automationLimits.repliesAfterEvent
        : automationLimits.repliesAfterMessage;
    if (rule.replies.length > limit)
      problems.push({ reason: "too_many_replies_for_window", field: "replies", limit });
  }
  for (const [i, reply] of rule.replies.entries()) checkReply(problems, reply, i, rule);
  if (rule.schedule) checkSchedule(problems, rule.schedule);
  return problems;
}

/** Refuses a rule that breaks any rule, naming them all. */
export function checkRule(rule: RuleInput): void {
  const problems = ruleProblems(rule);
  if (problems.length > 0) throw ruleRefused(problems);
}

/** True when a scheduled rule is active at `at` (epoch ms); a rule without a schedule always is. */
export function activeAt(schedule: Schedule | null, at: number): boolean {
  if (!schedule) return true;
  const local = new Date(at + schedule.utcOffsetMinutes * 60_000);
  const day = local.getUTCDay();
  const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
  const from = minutesOf(schedule.from);
  const to = minutesOf(schedule.to);
  if (from < to) return schedule.days.includes(day) && minute >= from && minute < to;
  // Spans midnight: the evening belongs to the listed day, the early morning to the day before.
  if (minute >= from) return schedule.days.includes(day);
  if (minute < to) return schedule.days.includes((day + 6) % 7);
  return false;
}
