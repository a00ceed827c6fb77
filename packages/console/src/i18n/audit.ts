import type { SectionDictionary, SectionTranslate } from "./index.js";

/**
 * The texts of the audit screen: loaded with that screen only, not in the first load.
 * zh-CN is the reference; the English half is typed against it.
 */
const zhCN = {
  "pages.audit.title": "审计日志",
  "pages.audit.intro":
    "每一次变更操作：谁、何时、从哪个地址、对哪个账号、做了什么、结果如何。提交的内容中的密钥一律不记录。保留 180 天。",
  "pages.audit.anonymous": "未登录",
  "pages.audit.onlyThisActor": "只看此人的操作",
  "pages.audit.byActor": "操作人：{name}",
  "pages.audit.actionPlaceholder": "操作，如 accounts.enable",
  "pages.audit.anyOutcome": "全部结果",
  "pages.audit.timeRange": "时间范围",
  "pages.audit.export": "导出 CSV",
};

type AuditKey = keyof typeof zhCN;

const enUS: Record<AuditKey, string> = {
  "pages.audit.title": "Audit log",
  "pages.audit.intro":
    "Every change: who, when, from which address, on which account, what, and how it ended. Secrets in what was sent are never kept. Entries are kept 180 days.",
  "pages.audit.anonymous": "Not signed in",
  "pages.audit.onlyThisActor": "Only this person's operations",
  "pages.audit.byActor": "By {name}",
  "pages.audit.actionPlaceholder": "Action, e.g. accounts.enable",
  "pages.audit.anyOutcome": "Any outcome",
  "pages.audit.timeRange": "Time range",
  "pages.audit.export": "Export CSV",
};

export const auditDictionary: SectionDictionary<AuditKey> = { "zh-CN": zhCN, "en-US": enUS };

/** A translator of the audit screen's texts (and the console's). */
export type AuditTranslate = SectionTranslate<AuditKey>;
