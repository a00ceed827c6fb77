import type { SectionDictionary, SectionTranslate } from "./index.js";

/**
 * The texts of the mini-program screen: loaded with that screen only, not in the first load.
 * zh-CN is the reference; the English half is typed against it.
 */
const zhCN = {
  "pages.miniProgram.intro":
    "发送配置决定 wxgate 如何获取小程序的令牌；回执配置是小程序消息推送的 Token 与加密方式。密钥保存后不再显示，每次保存都会替换整项配置。",
  "pages.miniProgram.current": "当前：{value}",
  "pages.miniProgram.mode": "获取令牌的方式",
  "pages.miniProgram.sendSaved": "已保存发送配置。",
  "pages.miniProgram.receiptSaved": "已保存回执配置。",
  "pages.miniProgram.appSecretLength": "AppSecret 为 16 到 64 个字符。",
  "pages.miniProgram.headerFormat": "请求头为一行“名称: 值”。",
  "pages.miniProgram.encryption": "消息加密方式",
  "pages.miniProgram.tokenFormat": "Token 为 3 到 32 个英文字母或数字。",
  "pages.miniProgram.aesKeyFormat": "EncodingAESKey 为 43 个英文字母或数字。",
  "pages.miniProgram.generate": "随机生成",
};

type MiniProgramKey = keyof typeof zhCN;

const enUS: Record<MiniProgramKey, string> = {
  "pages.miniProgram.intro":
    "The send configuration is how wxgate gets the mini program's token; the receipt configuration is the Token and encryption of its message push. Secrets are never shown again once saved, and each save replaces the whole configuration.",
  "pages.miniProgram.current": "Now: {value}",
  "pages.miniProgram.mode": "How to get the token",
  "pages.miniProgram.sendSaved": "The send configuration is saved.",
  "pages.miniProgram.receiptSaved": "The receipt configuration is saved.",
  "pages.miniProgram.appSecretLength": "An AppSecret is 16 to 64 characters.",
  "pages.miniProgram.headerFormat": "A header is one line, “Name: value”.",
  "pages.miniProgram.encryption": "Message encryption",
  "pages.miniProgram.tokenFormat": "A Token is 3 to 32 letters or digits.",
  "pages.miniProgram.aesKeyFormat": "An EncodingAESKey is 43 letters or digits.",
  "pages.miniProgram.generate": "Generate",
};

export const miniProgramDictionary: SectionDictionary<MiniProgramKey> = { "zh-CN": zhCN, "en-US": enUS };

/** A translator of the mini-program screen's texts (and the console's). */
export type MiniProgramTranslate = SectionTranslate<MiniProgramKey>;
