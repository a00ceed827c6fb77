import type { SectionDictionary, SectionTranslate } from "./index.js";

/**
 * The texts of the api-keys screen: loaded with that screen only, not in the first load.
 * zh-CN is the reference; the English half is typed against it.
 */
const zhCN = {
  "pages.apiKeys.intro":
    "其他系统用 API 密钥调用 wxgate 的 HTTP API（Authorization: Bearer …），每个密钥只有所选的权限。",
  "pages.apiKeys.create": "新建 API 密钥",
  "pages.apiKeys.secretTitle": "新的 API 密钥",
  "pages.apiKeys.revoke": "吊销",
  "pages.apiKeys.revokeConfirm": "吊销 API 密钥“{name}”？使用它的系统将立即无法调用。",
  "pages.apiKeys.revoked": "已吊销“{name}”。",
  "pages.apiKeys.scopeRequired": "至少选择一项权限",
};

type ApiKeysKey = keyof typeof zhCN;

const enUS: Record<ApiKeysKey, string> = {
  "pages.apiKeys.intro":
    "Other systems call wxgate's HTTP API with an API key (Authorization: Bearer …); each key may do only what its scopes allow.",
  "pages.apiKeys.create": "New API key",
  "pages.apiKeys.secretTitle": "The new API key",
  "pages.apiKeys.revoke": "Revoke",
  "pages.apiKeys.revokeConfirm": "Revoke the API key “{name}”? Systems using it are refused at once.",
  "pages.apiKeys.revoked": "“{name}” is revoked.",
  "pages.apiKeys.scopeRequired": "Choose at least one scope",
};

export const apiKeysDictionary: SectionDictionary<ApiKeysKey> = { "zh-CN": zhCN, "en-US": enUS };

/** A translator of the api-keys screen's texts (and the console's). */
export type ApiKeysTranslate = SectionTranslate<ApiKeysKey>;
