import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MessageCipher, urlSignature } from "../crypto/index.js";
import { StaleTimestampError, WeChatConfigError, WeChatCryptoError } from "../errors/index.js";
import { InvalidReplyError, parseReply } from "../messages/index.js";
import { buildXml, parseXml } from "../xml/index.js";
import { PushEndpoint } from "./endpoint.js";
import { openReply, sealPush } from "./sender.js";
import type { PushMode } from "./types.js";

const token = "pamtest";
const appId = "wxb11529c136998cb6";
const encodingAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const nextKey = "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut";
const NOW = 1_700_000_000_000;
const timestamp = String(NOW / 1000);
const now = () => NOW;

const textPush = buildXml({
  ToUserName: "gh_account",
  FromUserName: "oFollower",
  CreateTime: 1700000000,
  MsgType: "text",
  Content: "你好",
  MsgId: "6054768590064713728",
});

function endpoint(extra: Partial<ConstructorParameters<typeof PushEndpoint>[0]> = {}) {
  return new PushEndpoint({ token, appId, encodingAESKey, now, ...extra });
}

function cryptoFailure(run: () => unknown): { errcode: number; reason: string } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WeChatCryptoError);
    return { errcode: (error as WeChatCryptoError).errcode, reason: (error as WeChatCryptoError).reason };
  }
  throw new Error("expected a WeChatCryptoError");
}

describe("PushEndpoint.verifyUrl", () => {
  it("answers echostr for a signed URL check", () => {
    const signature = urlSignature(token, timestamp, "n1");
    expect(endpoint().verifyUrl({ signature, timestamp, nonce: "n1", echostr: "echo 123" })).toBe("echo 123");
  });

  it("matches the published signature vector", () => {
    const e = new PushEndpoint({ token: "test", appId });
    const query = {
      signature: "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff",
      timestamp: "1410685589",
      nonce: "test",
      echostr: "e",
    };
    expect(e.verifyUrl(query)).toBe("e");
  });

  it.each([
    ["missing_signature", { timestamp, nonce: "n", echostr: "e" }],
    ["signature_mismatch", { signature: "0".repeat(40), timestamp, nonce: "n", echostr: "e" }],
    ["missing_echostr", { signature: urlSignature(token, timestamp, "n"), timestamp, nonce: "n" }],
  ])("refuses with -40001 %s", (reason, query) => {
    expect(cryptoFailure(() => endpoint().verifyUrl(query))).toEqual({ errcode: -40001, reason });
  });
});

describe("PushEndpoint.open and seal", () => {
  it.each(["plaintext", "compatible", "safe"] as const)(
    "round-trips a %s push and its reply",
    (mode: PushMode) => {
      const sealed = sealPush(textPush, { token, appId, encodingAESKey, mode, timestamp, nonce: "1234" });
      const e = endpoint();
      const opened = e.open(sealed.query, sealed.body);
      expect(opened).toMatchObject({
        encrypted: mode !== "plaintext",
        mode,
        timestamp,
        nonce: "1234",
        plaintextXml: textPush,
      });
      expect(opened.message).toMatchObject({
        kind: "message",
        msgType: "text",
        content: "你好",
        msgId: "6054768590064713728",
      });
      expect(sealed.query.openid).toBe("oFollower");

      const body = e.seal({ type: "text", content: "回复" }, opened);
      const read = openReply(body, { token, appId, encodingAESKey, requireEncrypted: mode !== "plaintext" });
      expect(read.encrypted).toBe(mode !== "plaintext");
      expect(read.reply).toEqual({ type: "text", content: "回复" });
      expect(read.address).toEqual({
        toUserName: "oFollower",
        fromUserName: "gh_account",
        createTime: 1700000000,
      });
    },
  );

  it("opens the published decrypt vector", () => {
    const vectors = JSON.parse(
      readFileSync(new URL("../../test/vectors/crypto.json", import.meta.url), "utf8"),
    );
    const [vector] = vectors.decrypt;
    const e = new PushEndpoint({
      token: vector.token,
      appId: vector.appid,
      encodingAESKey: vector.encodingAESKey,
      now: () => Number(vector.timestamp) * 1000,
    });
    const body = `<xml><ToUserName><![CDATA[asdasdasd]]></ToUserName><Encrypt><![CDATA[${vector.encrypt}]]></Encrypt></xml>`;
    const query = {
      timestamp: vector.timestamp,
      nonce: vector.nonce,
      encrypt_type: "aes",
      msg_signature: vector.msg_signature,
    };
    const opened = e.open(query, Buffer.from(body));
    expect(opened.plaintextXml).toBe(vector.plaintext);
    expect(opened.message).toMatchObject({ kind: "message", content: "hello", msgId: "12345" });
  });

  it("writes safe bodies with ToUserName (or AppId) beside Encrypt", () => {
    const safe = sealPush(textPush, { token, appId, encodingAESKey, mode: "safe", timestamp, nonce: "1" });
    expect(Object.keys(parseXml(safe.body))).toEqual(["ToUserName", "Encrypt"]);
    const ticket = buildXml({
      AppId: appId,
      CreateTime: 1,
      InfoType: "component_verify_ticket",
      ComponentVerifyTicket: "t",
    });
    const platform = sealPush(ticket, { token, appId, encodingAESKey, mode: "safe", timestamp, nonce: "1" });
    expect(Object.keys(parseXml(platform.body))).toEqual(["AppId", "Encrypt"]);
    const opened = endpoint().open(platform.query, platform.body);
    expect(opened.message).toMatchObject({ kind: "component", infoType: "component_verify_ticket" });
    expect(endpoint().seal(null, opened)).toBe("success");
    expect(() => endpoint().seal({ type: "text", content: "x" }, opened)).toThrow(InvalidReplyError);
  });

  it("opens pushes still sent with the previous key and answers with that key", () => {
    const sealed = sealPush(textPush, { token, appId, encodingAESKey, mode: "safe", timestamp, nonce: "1" });
    const rotated = endpoint({ encodingAESKey: nextKey, previousEncodingAESKey: encodingAESKey });
    const opened = rotated.open(sealed.query, sealed.body);
    expect(opened.cipherKey).toBe("previous");
    const reply = rotated.seal({ type: "text", content: "ok" }, opened);
    expect(openReply(reply, { token, appId, encodingAESKey }).reply).toEqual({ type: "text", content: "ok" });
    const fresh = sealPush(textPush, {
      token,
      appId,
      encodingAESKey: nextKey,
      mode: "safe",
      timestamp,
      nonce: "2",
    });
    expect(rotated.open(fresh.query, fresh.body).cipherKey).toBe("current");
  });

  it("passes raw XML, success and empty replies through; encrypts raw XML for encrypted pushes", () => {
    const sealed = sealPush(textPush, { token, appId, encodingAESKey, mode: "safe", timestamp, nonce: "1" });
    const e = endpoint();
    const opened = e.open(sealed.query, sealed.body);
    expect(e.seal("success", opened)).toBe("success");
    expect(e.seal("", opened)).toBe("");
    const raw =
      "<xml><ToUserName><![CDATA[o]]></ToUserName><FromUserName><![CDATA[g]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[r]]></Content></xml>";
    const body = e.seal(raw, opened, { timestamp: "1700000001", nonce: "abc" });
    const envelope = parseXml(body);
    expect(envelope.TimeStamp).toBe("1700000001");
    expect(envelope.Nonce).toBe("abc");
    expect(openReply(body, { token, appId, encodingAESKey }).xml).toBe(raw);
    expect(() => e.seal(raw, opened, { timestamp: "</TimeStamp>" })).toThrow(WeChatCryptoError);
  });

  it("answers plaintext pushes in plaintext", () => {
    const sealed = sealPush(textPush, { token, appId, mode: "plaintext", timestamp, nonce: "1" });
    const e = new PushEndpoint({ token, appId, now });
    const opened = e.open(sealed.query, sealed.body);
    expect(parseReply(e.seal({ type: "image", mediaId: "m" }, opened)).reply).toEqual({
      type: "image",
      mediaId: "m",
    });
  });

  it("refuses modes it was not configured for", () => {
    const plain = sealPush(textPush, { token, appId, mode: "plaintext", timestamp, nonce: "1" });
    const safe = sealPush(textPush, { token, appId, encodingAESKey, mode: "safe", timestamp, nonce: "1" });
    const compatible = sealPush(textPush, {
      token,
      appId,
      encodingAESKey,
      mode: "compatible",
      timestamp,
      nonce: "1",
    });
    const safeOnly = endpoint({ mode: "safe" });
    expect(cryptoFailure(() => safeOnly.open(plain.query, plain.body)).reason).toBe("mode_refused");
    expect(cryptoFailure(() => safeOnly.open(compatible.query, compatible.body)).reason).toBe("mode_refused");
    expect(safeOnly.open(safe.query, safe.body).mode).toBe("safe");
    const plaintextOnly = new PushEndpoint({ token, appId, now });
    expect(cryptoFailure(() => plaintextOnly.open(safe.query, safe.body))).toEqual({
      errcode: -40001,
      reason: "mode_refused",
    });
    expect(() => new PushEndpoint({ token, appId, mode: "safe" })).toThrow(WeChatConfigError);
    expect(() => new PushEndpoint({ token: "", appId })).toThrow(WeChatConfigError);
  });

  it("applies the replay window on the given clock, and not when it is 0", () => {
    const sealed = sealPush(textPush, { token, appId, encodingAESKey, mode: "safe", timestamp, nonce: "1" });
    const later = (seconds: number) => endpoint({ now: () => NOW + seconds * 1000 });
    expect(later(300).open(sealed.query, sealed.body).encrypted).toBe(true);
    expect(() => later(301).open(sealed.query, sealed.body)).toThrow(StaleTimestampError);
    expect(() => later(-301).open(sealed.query, sealed.body)).toThrow(StaleTimestampError);
    expect(
      endpoint({ now: () => NOW + 86_400_000, replayWindowSeconds: 0 }).open(sealed.query, sealed.body)
        .encrypted,
    ).toBe(true);
  });

  it("takes the key material from the push, never from compatible-mode plain fields", () => {
    const sealed = sealPush(textPush, {
      token,
      appId,
      encodingAESKey,
      mode: "compatible",
      timestamp,
      nonce: "1",
    });
    const forged = sealed.body.replace(
      "<Content><![CDATA[你好]]></Content>",
      "<Content><![CDATA[forged]]></Content>",
    );
    expect(endpoint().open(sealed.query, forged).message).toMatchObject({ content: "你好" });
  });
});

describe("openReply", () => {
  it("reads success and an empty body as no reply", () => {
    expect(openReply("success", { token, appId })).toEqual({ xml: null, encrypted: false });
    expect(openReply(" \n", { token, appId })).toEqual({ xml: null, encrypted: false });
  });

  it("refuses a plaintext reply when encryption is required, and a forged envelope", () => {
    const plain =
      "<xml><ToUserName>o</ToUserName><FromUserName>g</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>c</Content></xml>";
    expect(openReply(plain, { token, appId }).reply).toEqual({ type: "text", content: "c" });
    expect(cryptoFailure(() => openReply(plain, { token, appId, requireEncrypted: true })).reason).toBe(
      "missing_encrypt",
    );
    const encrypt = new MessageCipher({ encodingAESKey, appId }).encrypt(plain);
    const forged = buildXml({ Encrypt: encrypt, MsgSignature: "f".repeat(40), TimeStamp: 1, Nonce: "n" });
    expect(cryptoFailure(() => openReply(forged, { token, appId, encodingAESKey }))).toEqual({
      errcode: -40001,
      reason: "signature_mismatch",
    });
  });
});
