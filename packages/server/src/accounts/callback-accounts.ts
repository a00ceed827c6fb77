import type { PushMode } from "@wxgate/wechat";
import type { WeChatConnection } from "../platform/wechat.js";
import type { AccountRepository } from "./repository.js";

/** What the gateway needs to know about an account to open its pushes. */
export interface PushCredentials {
  appId: string;
  /** A disabled account's pushes are still verified, answered `success` and recorded, never routed. */
  enabled: boolean;
  /** The Token of the push configuration. */
  token: string;
  encodingAESKey?: string;
  /** The key in force before the last rotation, still accepted. */
  previousEncodingAESKey?: string;
  /** The appid written inside ciphertexts: the component appid for platform-authorized accounts, the account's own for direct ones. */
  cipherAppId: string;
  /**
   * The one mode accepted, as configured for the account: `safe` takes encrypted pushes only;
   * `compatible` takes encrypted pushes carrying a plaintext copy, and verifies and uses the
   * encrypted part; only `plaintext` takes pushes whose sole proof is `signature`.
   */
  mode: PushMode;
}

/**
 * The gateway's view of accounts: who may push and with which credentials. A platform
 * account's pushes are sealed by WeChat with the platform's Token and EncodingAESKey and carry
 * the component appid, always in safe mode; a direct account's with its own receipt config,
 * in the mode configured there.
 */
export class AccountCallbackCredentials {
  constructor(
    private readonly repository: AccountRepository,
    private readonly wechat: WeChatConnection,
  ) {}

  async credentialsFor(appId: string): Promise<PushCredentials | undefined> {
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
