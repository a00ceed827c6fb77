import { utf8ByteLength } from "@wxgate/wechat";
import type { AccountFacts } from "../accounts/index.js";
import type { MaterialDirectory } from "../materials/index.js";
import type { Actor } from "../platform/policy.js";
import type { Audience, Channel, Content } from "./model.js";

/** One check's result, as the pre-flight answers it. */
export interface Check {
  check: string;
  ok: boolean;
  reason?: string;
  details?: Record<string, unknown>;
}

/** A problem of a campaign's content (`content_invalid`'s `details.problems`). */
export interface ContentProblem {
  field: string;
  reason: string;
  limit?: number;
}

/** WeChat's limits the content is checked against before anything is sent. */
export const contentLimits = {
  /** Customer-service and mass text (UTF-8 bytes). */
  textBytes: 2048,
  /** A template field's value (characters; WeChat truncates longer ones). */
  templateValueChars: 200,
  /** A subscription message's `thing` field (characters). */
  subscribeValueChars: 20,
} as const;

/** Which account types may use each channel, and the permission set it needs (wechat-facts §2, §3, §7). */
const CHANNEL_RULES: Record<Channel, { kinds: AccountFacts["kind"][]; permissionSet: number }> = {
  mass: { kinds: ["subscription", "service"], permissionSet: 7 },
  template: { kinds: ["service"], permissionSet: 7 },
  custom: { kinds: ["subscription", "service"], permissionSet: 1 },
  subscribe: { kinds: ["miniprogram"], permissionSet: 17 },
};

/** The content's own problems (fields filled, within length), without asking anyone. */
export function contentProblems(
  channel: Channel,
  content: Content,
  templateFields?: readonly string[],
): ContentProblem[] {
  const problems: ContentProblem[] = [];
  if (content.channel !== channel) {
    return [{ field: "content.channel", reason: "channel_mismatch" }];
  }
  switch (content.channel) {
    case "template":
    case "subscribe": {
      const limit =
        content.channel === "template" ? contentLimits.templateValueChars : contentLimits.subscribeValueChars;
      if (Object.keys(content.data).length === 0)
        problems.push({ field: "content.data", reason: "fields_required" });
      for (const [key, field] of Object.entries(content.data)) {
        if (field.value.trim() === "") problems.push({ field: `content.data.${key}`, reason: "field_empty" });
        if ([...field.value].length > limit)
          problems.push({ field: `content.data.${key}`, reason: "field_too_long", limit });
      }
      for (const name of templateFields ?? []) {
        if (!(name in content.data))
          problems.push({ field: `content.data.${name}`, reason: "field_missing" });
      }
      break;
    }
    case "custom":
    case "mass": {
      if (content.type === "text") {
        const text = content.text ?? "";
        if (text.trim() === "") problems.push({ field: "content.text", reason: "text_required" });
        if (utf8ByteLength(text) > contentLimits.textBytes) {
          problems.push({ field: "content.text", reason: "text_too_long", limit: contentLimits.textBytes });
        }
      } else if (content.channel === "custom" && content.type === "news") {
        if (!content.title) problems.push({ field: "content.title", reason: "title_required" });
        if (!content.url) problems.push({ field: "content.url", reason: "url_required" });
      } else if (content.channel === "custom" && content.type === "miniprogrampage") {
        if (!content.appid) problems.push({ field: "content.appid", reason: "appid_required" });
        if (!content.pagepath) problems.push({ field: "content.pagepath", reason: "pagepath_required" });
        if (!content.thumbMediaId)
          problems.push({ field: "content.thumbMediaId", reason: "media_id_required" });
      } else if (!content.mediaId) {
        problems.push({ field: "content.mediaId", reason: "media_id_required" });
      }
      break;
    }
  }
  return problems;
}

/** The placeholders `{{name.DATA}}` of a template's content. */
export function templateFieldsOf(content: string): string[] {
  return [...content.matchAll(/\{\{\s*([A-Za-z0-9_]+)\.DATA\s*\}\}/g)].map((m) => m[1]!);
}

/** The checks about the account and the sender (the rest need WeChat or the store: `service.ts`). */
export function accountChecks(input: {
  channel: Channel;
  audience: Audience;
  facts: AccountFacts;
  actor: Actor;
  maySend: boolean;
}): Check[] {
  const { channel, facts } = input;
  const rule = CHANNEL_RULES[channel];
  // A mass send by OpenIDs (message/mass/send: a list, the 48-hour audience) is for service accounts.
  const byOpenIds = channel === "mass" && input.audience.kind !== "all" && input.audience.kind !== "tag";
  const kinds: AccountFacts["kind"][] = byOpenIds ? ["service"] : rule.kinds;
  const checks: Check[] = [];
  checks.push(
    kinds.includes(facts.kind)
      ? { check: "account_type", ok: true }
      : {
          check: "account_type",
          ok: false,
          reason: "channel_not_for_account_type",
          details: { kind: facts.kind, allowed: kinds },
        },
  );
  checks.push(
    facts.verified || channel === "subscribe"
      ? { check: "verified", ok: true }
      : { check: "verified", ok: false, reason: "account_not_verified" },
  );
  // Direct and external connections do not learn their permission sets: WeChat decides (48001).
  const granted = facts.connection !== "component" || facts.permissionSets.includes(rule.permissionSet);
  checks.push(
    granted
      ? { check: "permission_sets", ok: true }
      : {
          check: "permission_sets",
          ok: false,
          reason: "permission_set_missing",
          details: { missing: [rule.permissionSet] },
        },
  );
  checks.push(
    input.maySend
      ? { check: "sender_switch", ok: true }
      : { check: "sender_switch", ok: false, reason: "switch_off", details: { switch: "campaigns.send" } },
  );
  if (channel === "mass") {
    const fresh = input.actor.via !== "session" || input.actor.freshlyConfirmed === true;
    checks.push(
      fresh
        ? { check: "confirmation", ok: true }
        : { check: "confirmation", ok: false, reason: "confirmation_required" },
    );
  }
  if (channel === "subscribe" && input.audience.kind !== "subscribers" && input.audience.kind !== "list") {
    checks.push({ check: "consent", ok: true, reason: "checked_per_recipient" });
  }
  return checks;
}

/** Whether a material the content names exists (and is of a kind the message can carry). */
export async function materialCheck(
  materials: MaterialDirectory,
  appid: string,
  content: Content,
): Promise<Check> {
  const ids: string[] = [];
  if ((content.channel === "custom" || content.channel === "mass") && content.mediaId)
    ids.push(content.mediaId);
  if (content.channel === "custom" && content.thumbMediaId) ids.push(content.thumbMediaId);
  const missing: string[] = [];
  for (const id of ids) if (!(await materials.find(appid, id))) missing.push(id);
  return missing.length === 0
    ? { check: "content", ok: true }
    : { check: "content", ok: false, reason: "material_not_found", details: { mediaIds: missing } };
}
