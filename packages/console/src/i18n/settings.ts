import type { SectionDictionary, SectionTranslate } from "./index.js";

/**
 * The texts of the settings screen: loaded with that screen only, not in the first load.
 * zh-CN is the reference; the English half is typed against it.
 */
const zhCN = {
  "pages.settings.intro":
    "账号开启前必须授予的最小权限集；单个账号可以另行设置。修改后，各账号的开启校验随之更新。",
  "pages.settings.official": "公众号的最小权限集",
  "pages.settings.miniprogram": "小程序的最小权限集",
  "pages.settings.saved": "已保存最小权限集。",
};

type SettingsKey = keyof typeof zhCN;

const enUS: Record<SettingsKey, string> = {
  "pages.settings.intro":
    "The permission sets an account must grant before it can be enabled (an account may have its own). The accounts' enable checks follow a change.",
  "pages.settings.official": "Minimum permission sets of Official Accounts",
  "pages.settings.miniprogram": "Minimum permission sets of Mini Programs",
  "pages.settings.saved": "The minimum permission sets are saved.",
};

export const settingsDictionary: SectionDictionary<SettingsKey> = { "zh-CN": zhCN, "en-US": enUS };

/** A translator of the settings screen's texts (and the console's). */
export type SettingsTranslate = SectionTranslate<SettingsKey>;
