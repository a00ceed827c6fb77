import { createDecipheriv } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CryptoErrorCode, WeChatConfigError, WeChatCryptoError } from "../errors/index.js";
import { aesKeyFromEncodingAESKey, isEncodingAESKey, MessageCipher } from "./cipher.js";

const KEY_A = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const KEY_B = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR";
const KEY_C = "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0PpOoNnMmLlKkJ";
const APPID = "wxb11529c136998cb6";
const FIXED_RANDOM = Buffer.from("0123456789abcdef", "latin1");

/** Bare AES-256-CBC decryption, independent of MessageCipher, to look at the padded plaintext. */
function openRaw(encodingAESKey: string, encrypted: string): Buffer {
  const key = Buffer.from(`${encodingAESKey}=`, "base64");
  const decipher = createDecipheriv("aes-256-cbc", key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  return Buffer.concat([decipher.update(Buffer.from(encrypted, "base64")), decipher.final()]);
}

function cryptoError(run: () => unknown): WeChatCryptoError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WeChatCryptoError);
    return error as WeChatCryptoError;
  }
  throw new Error("expected a WeChatCryptoError, nothing was thrown");
}

describe("MessageCipher round trips", () => {
  const cipher = new MessageCipher({ encodingAESKey: KEY_A, appId: APPID });
  const appIdBytes = Buffer.byteLength(APPID);
  // 20 header bytes + message + appid; this many message bytes fill whole 32-byte blocks.
  const fillsBlocks = 64 - 20 - appIdBytes;

  const cases: [string, string][] = [
    ["empty", ""],
    ["one byte", "x"],
    ["multi-block ASCII", "<xml><Content><![CDATA[hello]]></Content></xml>".repeat(40)],
    ["Chinese", "我是中文abcd123，你好世界！"],
    ["emoji and XML specials", '👨‍👩‍👧‍👦 <a href="x">&amp;</a> \' ]]> 🇨🇳'],
    ["exact multiple of 32 (pad = 32)", "m".repeat(fillsBlocks)],
    ["one short of a block (pad = 1)", "m".repeat(fillsBlocks - 1)],
    ["one past a block (pad = 31)", "m".repeat(fillsBlocks + 1)],
    ["Chinese filling whole blocks", "中".repeat(30) + "m".repeat(fillsBlocks + 64 - 90)],
  ];

  it.each(cases)("%s", (_name, message) => {
    const encrypted = cipher.encrypt(message);
    expect(cipher.decrypt(encrypted)).toEqual({ message, appId: APPID, key: "current" });

    // The padded plaintext, read without MessageCipher, follows WeChat's layout exactly.
    const body = Buffer.from(message, "utf8");
    const plain = openRaw(KEY_A, encrypted);
    const unpadded = 20 + body.length + appIdBytes;
    const pad = 32 - (unpadded % 32);
    expect(plain.length).toBe(unpadded + pad);
    expect(plain.length % 32).toBe(0);
    expect(plain.readUInt32BE(16)).toBe(body.length);
    expect(plain.subarray(20, 20 + body.length).equals(body)).toBe(true);
    expect(plain.subarray(20 + body.length, unpadded).toString("utf8")).toBe(APPID);
    expect([...plain.subarray(unpadded)]).toEqual(new Array<number>(pad).fill(pad));
  });

  it("pads a block-filling plaintext with a whole block of 32s", () => {
    const plain = openRaw(KEY_A, cipher.encrypt("m".repeat(fillsBlocks)));
    expect(plain.length).toBe(96);
    expect([...plain.subarray(64)]).toEqual(new Array<number>(32).fill(32));
  });

  it("uses a fresh random prefix per message", () => {
    const first = cipher.encrypt("same");
    const second = cipher.encrypt("same");
    expect(first).not.toBe(second);
    expect(openRaw(KEY_A, first).subarray(0, 16).equals(openRaw(KEY_A, second).subarray(0, 16))).toBe(false);
  });

  it("places the given random prefix first and is deterministic with it", () => {
    const encrypted = cipher.encrypt("fixed", FIXED_RANDOM);
    expect(cipher.encrypt("fixed", FIXED_RANDOM)).toBe(encrypted);
    expect(openRaw(KEY_A, encrypted).subarray(0, 16).equals(FIXED_RANDOM)).toBe(true);
  });

  it.each([0, 15, 17, 32])("rejects a random prefix of %i bytes with -40006", (size) => {
    const error = cryptoError(() => cipher.encrypt("x", Buffer.alloc(size)));
    expect(error.errcode).toBe(CryptoErrorCode.EncryptAes);
    expect(error.reason).toBe("bad_random");
  });

  it("keeps a multi-byte appid intact", () => {
    const wide = new MessageCipher({ encodingAESKey: KEY_A, appId: "企业微信corp🙂" });
    expect(wide.decrypt(wide.encrypt("hi"))).toEqual({
      message: "hi",
      appId: "企业微信corp🙂",
      key: "current",
    });
  });

  it("round-trips a 1 MB message", () => {
    const message = "数据<&>".repeat(100_000);
    expect(cipher.decrypt(cipher.encrypt(message)).message).toBe(message);
  });
});

describe("key rotation", () => {
  const before = new MessageCipher({ encodingAESKey: KEY_A, appId: APPID });
  const after = new MessageCipher({ encodingAESKey: KEY_B, appId: APPID, previousEncodingAESKey: KEY_A });
  const onlyNew = new MessageCipher({ encodingAESKey: KEY_B, appId: APPID });

  it("opens a message sealed with the previous key and says so", () => {
    expect(after.decrypt(before.encrypt("old key"))).toEqual({
      message: "old key",
      appId: APPID,
      key: "previous",
    });
  });

  it("opens a message sealed with the current key as current", () => {
    expect(after.decrypt(onlyNew.encrypt("new key"))).toEqual({
      message: "new key",
      appId: APPID,
      key: "current",
    });
  });

  it("encrypts with the current key only", () => {
    const encrypted = after.encrypt("reply");
    expect(onlyNew.decrypt(encrypted).message).toBe("reply");
    expect(() => before.decrypt(encrypted)).toThrow(WeChatCryptoError);
  });

  it("without a previous key, the old key's messages fail", () => {
    const error = cryptoError(() => onlyNew.decrypt(before.encrypt("old key", FIXED_RANDOM)));
    expect(error.errcode).toBe(CryptoErrorCode.DecryptAes);
    expect(error.reason).toBe("bad_padding");
  });

  it("when both keys fail, throws the current key's error", () => {
    // Sealed with the current key for another appid: the current key reaches the appid check
    // (-40005) while the previous key fails on padding (-40007). The -40005 must win.
    const foreign = new MessageCipher({ encodingAESKey: KEY_B, appId: "wx0000000000000000" });
    const encrypted = foreign.encrypt("not for us", FIXED_RANDOM);
    expect(cryptoError(() => before.decrypt(encrypted)).reason).toBe("bad_padding");
    const error = cryptoError(() => after.decrypt(encrypted));
    expect(error.errcode).toBe(CryptoErrorCode.ValidateAppId);
    expect(error.reason).toBe("appid_mismatch");
  });

  it("when both keys fail on a third key's message, throws the current key's error", () => {
    const stranger = new MessageCipher({ encodingAESKey: KEY_C, appId: APPID });
    const encrypted = stranger.encrypt("stranger", FIXED_RANDOM);
    const current = cryptoError(() => onlyNew.decrypt(encrypted));
    const error = cryptoError(() => after.decrypt(encrypted));
    expect(error.errcode).toBe(current.errcode);
    expect(error.reason).toBe(current.reason);
    expect(error.message).toBe(current.message);
  });

  it("treats an empty previous key as none", () => {
    const cipher = new MessageCipher({ encodingAESKey: KEY_B, appId: APPID, previousEncodingAESKey: "" });
    expect(() => cipher.decrypt(before.encrypt("old", FIXED_RANDOM))).toThrow(WeChatCryptoError);
  });
});

describe("EncodingAESKey validation", () => {
  const bad: [string, string][] = [
    ["42 characters", KEY_A.slice(0, 42)],
    ["44 characters", `${KEY_A}H`],
    ["empty", ""],
    ["with '+'", `${KEY_A.slice(0, 42)}+`],
    ["with '/'", `/${KEY_A.slice(1)}`],
    ["with '='", `${KEY_A.slice(0, 42)}=`],
    ["with '-' (base64url)", `${KEY_A.slice(0, 20)}-${KEY_A.slice(21)}`],
    ["with '_' (base64url)", `${KEY_A.slice(0, 20)}_${KEY_A.slice(21)}`],
    ["with a space", `${KEY_A.slice(0, 20)} ${KEY_A.slice(21)}`],
    ["with a trailing newline", `${KEY_A.slice(0, 42)}\n`],
    ["with a Chinese character", `${KEY_A.slice(0, 42)}中`],
    ["with a full-width digit", `${KEY_A.slice(0, 42)}１`],
  ];

  it.each(bad)("rejects a key %s with -40004", (_name, key) => {
    expect(isEncodingAESKey(key)).toBe(false);
    for (const attempt of [
      () => aesKeyFromEncodingAESKey(key),
      () => new MessageCipher({ encodingAESKey: key, appId: APPID }),
      () => new MessageCipher({ encodingAESKey: KEY_A, appId: APPID, previousEncodingAESKey: key || "x" }),
    ]) {
      const error = cryptoError(attempt);
      expect(error.errcode).toBe(CryptoErrorCode.IllegalAesKey);
      expect(error.code).toBe("aes_key_invalid");
      expect(error.reason).toBe("bad_format");
    }
  });

  it("never echoes the key in the error", () => {
    const key = `${KEY_A.slice(0, 42)}+`;
    expect(cryptoError(() => aesKeyFromEncodingAESKey(key)).message).not.toContain(key.slice(0, 20));
  });

  it.each([KEY_A, KEY_B, KEY_C, "0".repeat(43), "z".repeat(43)])("accepts %s", (key) => {
    expect(isEncodingAESKey(key)).toBe(true);
    const aesKey = aesKeyFromEncodingAESKey(key);
    expect(aesKey.length).toBe(32);
    // The first 42 characters carry 252 bits; the 43rd adds 4 more.
    expect(aesKey.toString("base64").slice(0, 42)).toBe(key.slice(0, 42));
  });

  it("decodes the all-'A' key to zeros", () => {
    expect(aesKeyFromEncodingAESKey("A".repeat(43)).equals(Buffer.alloc(32))).toBe(true);
  });

  it("rejects an empty appid as configuration", () => {
    expect(() => new MessageCipher({ encodingAESKey: KEY_A, appId: "" })).toThrow(WeChatConfigError);
  });
});
