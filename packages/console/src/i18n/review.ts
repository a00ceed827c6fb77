import type { SectionDictionary, SectionTranslate } from "./index.js";

/**
 * The texts of the review screen: loaded with that screen only, not in the first load.
 * zh-CN is the reference; the English half is typed against it.
 */
const zhCN = {
  "pages.review.intro":
    "定期审查授权列表：每个账号的超级管理员和运营者，及其权限、到期时间和最近活动。长期未活动、即将到期和未启用双重验证的会被标出。",
  "pages.review.export": "导出 CSV",
  "pages.review.account": "账号",
  "pages.review.member": "成员",
  "pages.review.kind": "身份",
  "pages.review.kinds.owner": "所有者（全部账号）",
  "pages.review.kinds.admin": "管理员（全部账号）",
  "pages.review.everyAccount": "全部账号",
  "pages.review.kinds.super_admin": "超级管理员",
  "pages.review.kinds.long_term": "长期运营者",
  "pages.review.kinds.short_term": "短期运营者",
  "pages.review.state": "状态",
  "pages.review.states.invited": "已邀请",
  "pages.review.states.active": "有效",
  "pages.review.states.expired": "已到期",
  "pages.review.switches": "权限开关",
  "pages.review.allSwitches": "全部",
  "pages.review.departments": "部门",
  "pages.review.expires": "到期",
  "pages.review.lastActive": "最近活动",
  "pages.review.flags": "提示",
  "pages.review.flag.idle": "长期未活动",
  "pages.review.flag.expiring": "即将到期",
  "pages.review.flag.no_totp": "未启用双重验证",
  "pages.review.noFlags": "无",
  "pages.review.empty": "还没有成员。",
};

type ReviewKey = keyof typeof zhCN;

const enUS: Record<ReviewKey, string> = {
  "pages.review.intro":
    "Review the authorizations regularly: each account's super admin and operators, their permissions, when their access ends and when they were last active. Those idle for long, ending soon or without two-step verification are flagged.",
  "pages.review.export": "Export CSV",
  "pages.review.account": "Account",
  "pages.review.member": "Member",
  "pages.review.kind": "Role",
  "pages.review.kinds.owner": "Owner (every account)",
  "pages.review.kinds.admin": "Administrator (every account)",
  "pages.review.everyAccount": "Every account",
  "pages.review.kinds.super_admin": "Super admin",
  "pages.review.kinds.long_term": "Long-term operator",
  "pages.review.kinds.short_term": "Short-term operator",
  "pages.review.state": "State",
  "pages.review.states.invited": "Invited",
  "pages.review.states.active": "Active",
  "pages.review.states.expired": "Expired",
  "pages.review.switches": "Switches",
  "pages.review.allSwitches": "All",
  "pages.review.departments": "Departments",
  "pages.review.expires": "Ends",
  "pages.review.lastActive": "Last active",
  "pages.review.flags": "Flags",
  "pages.review.flag.idle": "Idle for long",
  "pages.review.flag.expiring": "Ending soon",
  "pages.review.flag.no_totp": "No two-step verification",
  "pages.review.noFlags": "None",
  "pages.review.empty": "No members yet.",
};

export const reviewDictionary: SectionDictionary<ReviewKey> = { "zh-CN": zhCN, "en-US": enUS };

/** A translator of the review screen's texts (and the console's). */
export type ReviewTranslate = SectionTranslate<ReviewKey>;
