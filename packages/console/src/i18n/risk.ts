import type { SectionDictionary, SectionTranslate } from "./index.js";

/**
 * The texts of the risk screen: loaded with that screen only, not in the first load.
 * zh-CN is the reference; the English half is typed against it.
 */
const zhCN = {
  "pages.risk.title": "风险操作",
  "pages.risk.protection": "风险操作保护",
  "pages.risk.protectionHelp": "开启时，风险操作需在 5 分钟内验证过身份。关闭它本身也是风险操作。",
  "pages.risk.alerts": "风险操作提醒",
  "pages.risk.alertsHelp": "每次风险操作通知本账号的管理员，并发送 Webhook 事件 risk_operation。",
  "pages.risk.saved": "已保存。",
  "pages.risk.secrets": "密钥",
  "pages.risk.view": "查看 {name}",
  "pages.risk.secret.appSecret": "AppSecret",
  "pages.risk.secret.token": "Token",
  "pages.risk.secret.encodingAesKey": "EncodingAESKey",
  "pages.risk.secret.sendAppSecret": "发送配置 AppSecret",
};

type RiskKey = keyof typeof zhCN;

const enUS: Record<RiskKey, string> = {
  "pages.risk.title": "Risk operations",
  "pages.risk.protection": "Risk-operation protection",
  "pages.risk.protectionHelp":
    "When on, risk operations need your identity confirmed within 5 minutes. Turning it off is itself a risk operation.",
  "pages.risk.alerts": "Risk-operation alerts",
  "pages.risk.alertsHelp":
    "Each risk operation notifies this account's administrators and sends the webhook event risk_operation.",
  "pages.risk.saved": "Saved.",
  "pages.risk.secrets": "Secrets",
  "pages.risk.view": "View {name}",
  "pages.risk.secret.appSecret": "AppSecret",
  "pages.risk.secret.token": "Token",
  "pages.risk.secret.encodingAesKey": "EncodingAESKey",
  "pages.risk.secret.sendAppSecret": "Send config AppSecret",
};

export const riskDictionary: SectionDictionary<RiskKey> = { "zh-CN": zhCN, "en-US": enUS };

/** A translator of the risk screen's texts (and the console's). */
export type RiskTranslate = SectionTranslate<RiskKey>;
