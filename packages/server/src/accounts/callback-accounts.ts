import type { CallbackAccounts, CallbackCredentials } from "../callbacks/ports.js";
import type { WeChatConnection } from "../platform/wechat.js";
import type { AccountRepository } from "./repository.js";

/**
 * The gateway's view of accounts: who may push and with which credentials. A platform
 * account's pushes are sealed by WeChat with the platform's Token and EncodingAESKey and carry
 * the component appid, always in safe mode; a direct account's with its own receipt config,
 * in the mode configured there.
 */
export class AccountCallbackCredentials implements CallbackAccounts {
  constructor(
    private readonly repository: AccountRepository,
    private readonly wechat: WeChatConnection,
  ) {}

  async credentialsFor(appId: string): Promise<CallbackCredentials | undefined> {
    const row = await this.repository.find(appId);
    if (!row) return undefined;
    const enabled = row.enabled === 1 && row.authorization_state === "authorized";
    if (row.connection === "component") {
      const platform = this.wechat.platformIfAny();
      if (!platform) return undefined;
      return {
        appId,
        enabled,
        token: platform.token,
        encodingAESKey: platform.encodingAESKey,
        cipherAppId: platform.componentAppId,
        // WeChat encrypts every push to a platform's accounts: a plaintext one is forged.
        mode: "safe",
      };
    }
    const token = this.repository.open(row, "receipt_token");
    if (!token) return undefined;
    const encodingAESKey = this.repository.open(row, "receipt_aes_key");
    return {
      appId,
      enabled,
      token,
      ...(encodingAESKey ? { encodingAESKey } : {}),
      cipherAppId: appId,
      // The mode set with the receipt config; a key without a recorded mode means encrypted only.
      mode: row.receipt_mode ?? (encodingAESKey ? "safe" : "plaintext"),
    };
  }
}
