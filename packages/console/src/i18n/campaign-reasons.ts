/**
 * The campaigns' words for what the API names by code: its refusals (`campr.error.*`), the
 * pre-flight checks and their reasons, why a recipient was skipped, why a row of an uploaded
 * list was not matched, and the problems of refused content. zh-CN is the reference.
 */
export const campaignReasonsZhCN = {
  "campr.error.campaign_not_found": "找不到该运营计划。",
  "campr.error.campaign_state": "运营计划当前的状态（{status}）不允许此操作。",
  "campr.error.preflight_failed": "发送前检查未通过，未发送。",
  "campr.error.audience_invalid": "受众设置不正确（标签、名单或模板不存在）。",
  "campr.error.content_invalid": "内容不符合微信的要求，请看各项旁的说明。",
  "campr.error.list_invalid": "名单无法读取：需要 CSV 文本，首行为表头。",
  "campr.error.approval_required": "该计划需要管理员审批后才能发送。",

  "campr.check.account_type": "账号类型支持该渠道",
  "campr.check.verified": "账号已通过微信认证",
  "campr.check.permission_sets": "已授予所需的权限集",
  "campr.check.mass_quota": "群发次数",
  "campr.check.window_48h": "48 小时互动窗口",
  "campr.check.consent": "订阅授权",
  "campr.check.template": "模板存在且字段已填写",
  "campr.check.content": "内容与素材",
  "campr.check.sender_switch": "你有“发送运营计划”权限",
  "campr.check.confirmation": "群发前已验证身份",
  "campr.check.audience": "受众",

  "campr.reason.channel_not_allowed": "该类型的账号不能使用此渠道。",
  "campr.reason.not_verified": "账号未通过微信认证。",
  "campr.reason.permission_missing": "授权时未授予所需的权限集。",
  "campr.reason.quota_exhausted": "群发次数已用完（订阅号每天 1 次，服务号每人每月 4 次）。",
  "campr.reason.outside_48h": "有粉丝超过 48 小时未互动，将跳过。",
  "campr.reason.no_consent": "有用户未同意订阅，将跳过。",
  "campr.reason.template_not_found": "模板不存在或已删除。",
  "campr.reason.field_missing": "模板有字段未填写。",
  "campr.reason.field_too_long": "模板字段超出长度限制。",
  "campr.reason.material_not_found": "素材不存在。",
  "campr.reason.content_limit": "内容超出微信的限制。",
  "campr.reason.switch_off": "你没有“发送运营计划”权限。",
  "campr.reason.confirmation_required": "群发是风险操作，发送时需要再次输入密码。",
  "campr.reason.audience_empty": "受众为空。",

  "campr.skip.outside_48h": "超过 48 小时未互动",
  "campr.skip.no_consent": "未同意订阅（43101）",
  "campr.skip.unknown_id": "未匹配的 ID",
  "campr.skip.quota": "群发次数已用完",
  "campr.skip.unsubscribed": "已取消关注",
  "campr.skip.blocked": "已拒收消息",
  "campr.skip.cancelled": "计划已取消",

  "campr.list.unknown_id": "找不到该客户 ID",
  "campr.list.not_follower": "不是该账号的粉丝",
  "campr.list.duplicate": "重复的行",
  "campr.list.empty": "ID 为空",
  "campr.list.invalid_openid": "不是有效的 OpenID",

  "campr.problem.required": "必填。",
  "campr.problem.too_long": "最多 {limit} 个字。",
  "campr.problem.unknown_field": "模板没有这个字段。",
  "campr.problem.invalid": "格式不正确。",
  "campr.problem.url_invalid": "请输入 http(s) 链接。",
  "campr.problem.not_found": "不存在。",
} as const;

export type CampaignReasonKey = keyof typeof campaignReasonsZhCN;

export const campaignReasonsEnUS: Record<CampaignReasonKey, string> = {
  "campr.error.campaign_not_found": "This campaign was not found.",
  "campr.error.campaign_state": "The campaign's state ({status}) does not allow this.",
  "campr.error.preflight_failed": "The pre-flight checks failed: nothing was sent.",
  "campr.error.audience_invalid": "The audience is not valid (its tag, list or template does not exist).",
  "campr.error.content_invalid": "The content breaks a WeChat rule: see the notes beside the fields.",
  "campr.error.list_invalid": "The list cannot be read: CSV text with a header row is needed.",
  "campr.error.approval_required": "This campaign is sent once an administrator approves it.",

  "campr.check.account_type": "The account type allows this channel",
  "campr.check.verified": "The account is verified by WeChat",
  "campr.check.permission_sets": "The permission sets needed are granted",
  "campr.check.mass_quota": "Mass-send quota",
  "campr.check.window_48h": "48-hour interaction window",
  "campr.check.consent": "Subscription consent",
  "campr.check.template": "The template exists and its fields are filled",
  "campr.check.content": "Content and materials",
  "campr.check.sender_switch": "You hold the “send campaigns” switch",
  "campr.check.confirmation": "Identity confirmed for a mass send",
  "campr.check.audience": "Audience",

  "campr.reason.channel_not_allowed": "This kind of account cannot use this channel.",
  "campr.reason.not_verified": "The account is not verified by WeChat.",
  "campr.reason.permission_missing": "A permission set this needs was not granted.",
  "campr.reason.quota_exhausted":
    "No mass send left (a subscription account 1 a day, a service account 4 a month per user).",
  "campr.reason.outside_48h": "Some followers have not interacted within 48 hours: they are skipped.",
  "campr.reason.no_consent": "Some users have not consented: they are skipped.",
  "campr.reason.template_not_found": "The template does not exist or was deleted.",
  "campr.reason.field_missing": "A template field is empty.",
  "campr.reason.field_too_long": "A template field is too long.",
  "campr.reason.material_not_found": "The material does not exist.",
  "campr.reason.content_limit": "The content is past a WeChat limit.",
  "campr.reason.switch_off": "You do not hold the “send campaigns” switch.",
  "campr.reason.confirmation_required":
    "A mass send is a risk operation: you enter your password again to send.",
  "campr.reason.audience_empty": "The audience is empty.",

  "campr.skip.outside_48h": "No interaction within 48 hours",
  "campr.skip.no_consent": "No consent (43101)",
  "campr.skip.unknown_id": "Unknown id",
  "campr.skip.quota": "No mass send left",
  "campr.skip.unsubscribed": "Unfollowed",
  "campr.skip.blocked": "Refuses messages",
  "campr.skip.cancelled": "Campaign cancelled",

  "campr.list.unknown_id": "No customer has this id",
  "campr.list.not_follower": "Not a follower of this account",
  "campr.list.duplicate": "Duplicate row",
  "campr.list.empty": "Empty id",
  "campr.list.invalid_openid": "Not a valid OpenID",

  "campr.problem.required": "Required.",
  "campr.problem.too_long": "At most {limit} characters.",
  "campr.problem.unknown_field": "The template has no such field.",
  "campr.problem.invalid": "Not in the right form.",
  "campr.problem.url_invalid": "Enter an http(s) link.",
  "campr.problem.not_found": "Does not exist.",
};
