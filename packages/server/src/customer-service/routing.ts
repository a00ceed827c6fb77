import type { FollowerTags, KfRouter, RoutingQuestion } from "./ports.js";
import type { CustomerServiceRepository, RoutingRuleRow } from "./repository.js";

/** Whether one rule matches; tags are asked for at most once per question, and only if needed. */
function matches(rule: RoutingRuleRow, question: RoutingQuestion, tags: () => Promise<readonly number[]>) {
  if (rule.kind === "menu_key") return question.menuKey !== undefined && question.menuKey === rule.value;
  if (rule.kind === "keyword") {
    if (question.keyword === undefined) return false;
    const text = question.keyword.trim().toLowerCase();
    const word = rule.value.toLowerCase();
    return rule.match === "contains" ? text.includes(word) : text === word;
  }
  return tags().then((ids) => ids.includes(Number(rule.value)));
}

/**
 * The router the auto-reply module calls for `transfer_customer_service` replies: the
 * account's rules in order, the first match wins; no match leaves the choice to WeChat.
 */
export function kfRouter(repository: CustomerServiceRepository, followerTags: FollowerTags): KfRouter {
  return async (question) => {
    const rules = await repository.rulesOf(question.appid);
    let known: Promise<readonly number[]> | undefined;
    const tags = () => {
      known ??= followerTags.tagIdsOf(question.appid, question.openid);
      return known;
    };
    for (const rule of rules) {
      if (await matches(rule, question, tags)) return rule.kf_account;
    }
    return undefined;
  };
}
