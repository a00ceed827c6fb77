import type { SectionDictionary, SectionTranslate } from "./index.js";

/**
 * The customer-service screen's texts, loaded with it only. zh-CN is the reference; the English
 * half is typed against it.
 */
const zhCN = {
  "kf.title": "多客服",
  "kf.intro":
    "客服帐号在微信中管理（格式：前缀@公众号微信号）。转接规则决定“转客服”回复交给哪个客服：按消息关键词、菜单按钮的 key 或粉丝标签，从上到下，第一条匹配的生效；都不匹配时由微信分配。",
  "kf.back": "返回账号",
  "kf.accounts": "客服帐号",
  "kf.account": "帐号",
  "kf.nickname": "昵称",
  "kf.bound": "绑定的微信号",
  "kf.unbound": "未绑定",
  "kf.add": "添加客服",
  "kf.added": "已添加客服“{name}”。",
  "kf.rename": "改昵称",
  "kf.renamed": "已更新“{name}”的昵称。",
  "kf.delete": "删除",
  "kf.deleteConfirm": "删除客服“{name}”？指向它的转接规则会一并删除。",
  "kf.deleted": "已删除“{name}”，并删除了 {rules} 条转接规则。",
  "kf.accountHint": "前缀 1–10 个英文字母、数字或下划线，@ 后是公众号微信号。",
  "kf.nicknameHint": "1–16 个字。",
  "kf.rules": "转接规则",
  "kf.rulesEmpty": "还没有规则：转客服时由微信分配。",
  "kf.addRule": "添加规则",
  "kf.saveRules": "保存规则",
  "kf.rulesSaved": "已保存 {count} 条转接规则。",
  "kf.ruleKind": "条件",
  "kf.kind.keyword": "关键词",
  "kf.kind.menu_key": "菜单 key",
  "kf.kind.tag": "粉丝标签 ID",
  "kf.match.exact": "完全匹配",
  "kf.match.contains": "包含",
  "kf.ruleValue": "值",
  "kf.ruleTarget": "转给",
  "kf.up": "上移",
  "kf.down": "下移",
  "kf.remove": "移除",
  "errors.reason.kf_account_invalid":
    "客服帐号格式不对：前缀 1–10 个英文字母、数字或下划线，@ 后不超过 30 个字符。",
  "errors.reason.nickname_invalid": "昵称须为 1–16 个字。",
  "errors.reason.kf_account_limit": "客服帐号已达上限 {limit} 个。",
  "errors.reason.kf_account_exists": "这个客服帐号已存在。",
  "errors.reason.kf_account_unknown": "第 {index} 条规则指向不存在的客服帐号。",
  "errors.reason.rule_invalid": "有规则的值为空或过长。",
  "errors.reason.rules_limit": "最多 {limit} 条规则。",
};

type KfKey = keyof typeof zhCN;

const enUS: Record<KfKey, string> = {
  "kf.title": "Customer service",
  "kf.intro":
    "Customer-service accounts live at WeChat (prefix@the account's WeChat id). Routing rules pick the one a “transfer to customer service” reply names: by a keyword of the message, a menu button's key or a follower's tag, top to bottom, the first match wins; with no match WeChat chooses.",
  "kf.back": "Back to the account",
  "kf.accounts": "Customer-service accounts",
  "kf.account": "Account",
  "kf.nickname": "Nickname",
  "kf.bound": "Bound WeChat id",
  "kf.unbound": "Not bound",
  "kf.add": "Add an account",
  "kf.added": "Added “{name}”.",
  "kf.rename": "Rename",
  "kf.renamed": "Renamed “{name}”.",
  "kf.delete": "Delete",
  "kf.deleteConfirm": "Delete “{name}”? The routing rules naming it are deleted too.",
  "kf.deleted": "Deleted “{name}” and {rules} routing rules.",
  "kf.accountHint": "A prefix of 1–10 letters, digits or underscores, then @ and the account's WeChat id.",
  "kf.nicknameHint": "1–16 characters.",
  "kf.rules": "Routing rules",
  "kf.rulesEmpty": "No rules yet: WeChat chooses who takes a transfer.",
  "kf.addRule": "Add a rule",
  "kf.saveRules": "Save the rules",
  "kf.rulesSaved": "Saved {count} routing rules.",
  "kf.ruleKind": "When",
  "kf.kind.keyword": "Keyword",
  "kf.kind.menu_key": "Menu key",
  "kf.kind.tag": "Follower tag id",
  "kf.match.exact": "Exactly",
  "kf.match.contains": "Contains",
  "kf.ruleValue": "Value",
  "kf.ruleTarget": "Transfer to",
  "kf.up": "Move up",
  "kf.down": "Move down",
  "kf.remove": "Remove",
  "errors.reason.kf_account_invalid":
    "The account is not valid: a prefix of 1–10 letters, digits or underscores, at most 30 characters after the @.",
  "errors.reason.nickname_invalid": "The nickname must be 1–16 characters.",
  "errors.reason.kf_account_limit": "The account has its limit of {limit} customer-service accounts.",
  "errors.reason.kf_account_exists": "This customer-service account exists already.",
  "errors.reason.kf_account_unknown": "Rule {index} names a customer-service account that does not exist.",
  "errors.reason.rule_invalid": "A rule's value is empty or too long.",
  "errors.reason.rules_limit": "At most {limit} rules.",
};

export const kfDictionary: SectionDictionary<KfKey> = { "zh-CN": zhCN, "en-US": enUS };

export type KfTranslate = SectionTranslate<KfKey>;
