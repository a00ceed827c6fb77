// Text pushes as WeChat sends them to an account authorized through a third-party platform:
// safe mode, sealed with the platform's message Token and EncodingAESKey, the component appid
// inside the ciphertext.
import { buildXml, sealPush } from "@wxgate/wechat";

/**
 * Returns `seal(seq)`: the query string and body of push number `seq`, sealed now. Its MsgId is
 * `msgIdBase + seq` and its nonce is derived from `seq` (nonces 1,000,000,000 and up), so every
 * push has its own: the gateway refuses a (timestamp, nonce) pair seen with other content.
 * @param {{ msgIdBase: string, openIds: string[], originalId: string, platformToken: string,
 *   componentAppId: string, encodingAESKey: string }} settings
 */
export function pushSealer(settings) {
  const base = BigInt(settings.msgIdBase);
  const { openIds } = settings;
  return (seq) => {
    const now = Math.floor(Date.now() / 1000);
    const xml = buildXml({
      ToUserName: settings.originalId,
      FromUserName: openIds[Math.abs(seq) % openIds.length],
      CreateTime: now,
      MsgType: "text",
      Content: `订单 ${100000 + (Math.abs(seq) % 900000)} 什么时候发货？`,
      MsgId: String(base + BigInt(seq)),
    });
    const sealed = sealPush(xml, {
      token: settings.platformToken,
      appId: settings.componentAppId,
      encodingAESKey: settings.encodingAESKey,
      mode: "safe",
      timestamp: String(now),
      nonce: String(1_000_000_000 + seq),
    });
    return { query: new URLSearchParams(sealed.query).toString(), body: sealed.body };
  };
}
