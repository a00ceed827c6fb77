/**
 * Interoperability of MessageCipher and the signatures with two independent implementations
 * of WeChat's WXBizMsgCrypt: `wechat-crypto` (node-webot) and `@wecom/crypto`.
 *
 * Everything random comes from a seeded generator; a failure names the seed and the case
 * index. Set CRYPTO_INTEROP_SEED to replay or explore another seed.
 */
import { createCipheriv, createDecipheriv } from "node:crypto";
import { createRequire } from "node:module";
import {
  decrypt as wecomDecrypt,
  encrypt as wecomEncrypt,
  getSignature as wecomSignature,
} from "@wecom/crypto";
import { describe, expect, it } from "vitest";
import { MessageCipher, msgSignature, urlSignature } from "../src/crypto/index.js";
import { CryptoErrorCode, WeChatCryptoError } from "../src/errors/index.js";
import { mulberry32 } from "./prng.js";

/** The CommonJS API of `wechat-crypto`, which ships no type declarations. */
interface NodeWebotCrypto {
  getSignature(timestamp: string, nonce: string, encrypt: string): string;
  encrypt(message: string): string;
  decrypt(encrypted: string): { message: string; id: string };
}
type NodeWebotCryptoClass = new (token: string, encodingAESKey: string, id: string) => NodeWebotCrypto;
const NodeWebotWXBizMsgCrypt = createRequire(import.meta.url)("wechat-crypto") as NodeWebotCryptoClass;

const SEED = Number(process.env["CRYPTO_INTEROP_SEED"] ?? 0x5eed2024) >>> 0;
const CASES = 1000;
const MAX_MESSAGE_BYTES = 10 * 1024;

class Random {
  readonly #next: () => number;
  constructor(seed: number) {
    this.#next = mulberry32(seed);
  }
  int(maxExclusive: number): number {
    return Math.floor(this.#next() * maxExclusive);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chars(alphabet: string, length: number): string {
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[this.int(alphabet.length)];
    return out;
  }
  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = this.int(256);
    return out;
  }
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const HEX = "0123456789abcdef";
const DIGITS = "0123456789";
const PRINTABLE_ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("");
const XML_SPECIALS = ["<", ">", "&", '"', "'", "]]>", "<![CDATA[", "&amp;", "&#x4e2d;", "\r\n", "\t"];
const EMOJI = ["😀", "🙂", "🎉", "👍🏽", "👨‍👩‍👧‍👦", "🇨🇳", "❤️", "🧧", "𠮷"];

function randomChinese(random: Random, count: number): string {
  let out = "";
  for (let i = 0; i < count; i++) out += String.fromCharCode(0x4e00 + random.int(0x9fff - 0x4e00 + 1));
  return out;
}

/** A message of exactly `target` UTF-8 bytes mixing ASCII, Chinese, emoji and XML specials. */
function randomMessage(random: Random, target: number): string {
  const pieces: string[] = [];
  let size = 0;
  while (size < target) {
    let piece: string;
    switch (random.int(4)) {
      case 0:
        piece = random.chars(PRINTABLE_ASCII, 1 + random.int(40));
        break;
      case 1:
        piece = randomChinese(random, 1 + random.int(20));
        break;
      case 2:
        piece = random.pick(EMOJI);
        break;
      default:
        piece = random.pick(XML_SPECIALS);
    }
    const bytes = Buffer.byteLength(piece);
    // Fill the remainder with ASCII when a multi-byte piece would overshoot.
    if (size + bytes > target) piece = random.chars(ALNUM, target - size);
    pieces.push(piece);
    size += Buffer.byteLength(piece);
  }
  return pieces.join("");
}

function randomAppId(random: Random): string {
  switch (random.int(4)) {
    case 0:
      return `wx${random.chars(HEX, 16)}`; // official account / mini program
    case 1:
      return `ww${random.chars(HEX, 16)}`; // WeCom corpid
    case 2:
      return random.chars(ALNUM, 1 + random.int(32));
    default:
      return `${random.chars(ALNUM, 4)}企业${random.chars(HEX, 4)}`; // non-ASCII: lengths in bytes
  }
}

interface Case {
  index: number;
  token: string;
  encodingAESKey: string;
  previousEncodingAESKey: string;
  appId: string;
  timestamp: string;
  nonce: string;
  random: Buffer;
  message: string;
}

function makeCases(seed: number): Case[] {
  const random = new Random(seed);
  return Array.from({ length: CASES }, (_, index) => ({
    index,
    token: random.chars(ALNUM, 3 + random.int(30)),
    encodingAESKey: random.chars(ALNUM, 43),
    previousEncodingAESKey: random.chars(ALNUM, 43),
    appId: randomAppId(random),
    timestamp: String(1_400_000_000 + random.int(400_000_000)),
    nonce: random.chars(random.int(2) === 0 ? DIGITS : ALNUM, 1 + random.int(16)),
    random: random.bytes(16),
    message: randomMessage(random, random.int(MAX_MESSAGE_BYTES + 1)),
  }));
}

/** The 16-byte random prefix of a ciphertext, read with bare AES. */
function randomPrefix(encodingAESKey: string, encrypted: string): Buffer {
  const key = Buffer.from(`${encodingAESKey}=`, "base64");
  const decipher = createDecipheriv("aes-256-cbc", key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  return decipher.update(Buffer.from(encrypted, "base64").subarray(0, 16));
}

function label(c: Case, what: string): string {
  return `seed=${SEED} index=${c.index} (${what}; ${Buffer.byteLength(c.message)} bytes, appid ${JSON.stringify(c.appId)})`;
}

const cases = makeCases(SEED);

describe(`interoperability (seed ${SEED}, ${CASES} cases per package)`, () => {
  it("draws varied cases (generator sanity)", () => {
    const sizes = cases.map((c) => Buffer.byteLength(c.message));
    expect(Math.min(...sizes)).toBeLessThan(100);
    expect(Math.max(...sizes)).toBeGreaterThan(MAX_MESSAGE_BYTES - 100);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    const all = cases.map((c) => c.message).join("");
    for (const needle of ["]]>", "&", "<", ">", '"', "'", "👨‍👩‍👧‍👦"]) expect(all).toContain(needle);
    expect(all).toMatch(/[\u4e00-\u9fff]/);
    expect(new Set(cases.map((c) => c.encodingAESKey)).size).toBe(CASES);
    expect(new Set(cases.map((c) => c.appId)).size).toBeGreaterThan(CASES * 0.9);
  });

  describe("@wecom/crypto", () => {
    it("decrypts what we encrypt", () => {
      for (const c of cases) {
        const ours = new MessageCipher({ encodingAESKey: c.encodingAESKey, appId: c.appId });
        const opened = wecomDecrypt(c.encodingAESKey, ours.encrypt(c.message));
        expect(opened.message, label(c, "ours → @wecom/crypto, message")).toBe(c.message);
        expect(opened.id, label(c, "ours → @wecom/crypto, appid")).toBe(c.appId);
      }
    });

    it("we decrypt what it encrypts", () => {
      for (const c of cases) {
        const ours = new MessageCipher({ encodingAESKey: c.encodingAESKey, appId: c.appId });
        const encrypted = wecomEncrypt(c.encodingAESKey, c.message, c.appId);
        expect(ours.decrypt(encrypted), label(c, "@wecom/crypto → ours")).toEqual({
          message: c.message,
          appId: c.appId,
          key: "current",
        });
      }
    });

    it("produces the identical ciphertext for the same random prefix", () => {
      for (const c of cases) {
        const ours = new MessageCipher({ encodingAESKey: c.encodingAESKey, appId: c.appId });
        expect(ours.encrypt(c.message, c.random), label(c, "byte-exact")).toBe(
          wecomEncrypt(c.encodingAESKey, c.message, c.appId, c.random),
        );
      }
    });

    it("computes the same msg_signature and signature", () => {
      for (const c of cases) {
        const encrypted = wecomEncrypt(c.encodingAESKey, c.message, c.appId, c.random);
        expect(msgSignature(c.token, c.timestamp, c.nonce, encrypted), label(c, "msg_signature")).toBe(
          wecomSignature(c.token, c.timestamp, c.nonce, encrypted),
        );
        // An empty fourth part sorts first and adds nothing: the URL-check signature.
        expect(urlSignature(c.token, c.timestamp, c.nonce), label(c, "signature")).toBe(
          wecomSignature(c.token, c.timestamp, c.nonce, ""),
        );
      }
    });

    it("after a key rotation, we open its messages under the previous key", () => {
      for (const c of cases.slice(0, 200)) {
        const ours = new MessageCipher({
          encodingAESKey: c.encodingAESKey,
          appId: c.appId,
          previousEncodingAESKey: c.previousEncodingAESKey,
        });
        const encrypted = wecomEncrypt(c.previousEncodingAESKey, c.message, c.appId);
        expect(ours.decrypt(encrypted), label(c, "rotation")).toEqual({
          message: c.message,
          appId: c.appId,
          key: "previous",
        });
      }
    });
  });

  describe("wechat-crypto (node-webot)", () => {
    it("decrypts what we encrypt", () => {
      for (const c of cases) {
        const ours = new MessageCipher({ encodingAESKey: c.encodingAESKey, appId: c.appId });
        const theirs = new NodeWebotWXBizMsgCrypt(c.token, c.encodingAESKey, c.appId);
        const opened = theirs.decrypt(ours.encrypt(c.message));
        expect(opened.message, label(c, "ours → wechat-crypto, message")).toBe(c.message);
        expect(opened.id, label(c, "ours → wechat-crypto, appid")).toBe(c.appId);
      }
    });

    it("we decrypt what it encrypts, and re-encrypt it byte for byte", () => {
      for (const c of cases) {
        const ours = new MessageCipher({ encodingAESKey: c.encodingAESKey, appId: c.appId });
        const theirs = new NodeWebotWXBizMsgCrypt(c.token, c.encodingAESKey, c.appId);
        const encrypted = theirs.encrypt(c.message);
        expect(ours.decrypt(encrypted), label(c, "wechat-crypto → ours")).toEqual({
          message: c.message,
          appId: c.appId,
          key: "current",
        });
        // wechat-crypto draws its own prefix; with that prefix our output must be identical.
        const prefix = randomPrefix(c.encodingAESKey, encrypted);
        expect(ours.encrypt(c.message, prefix), label(c, "byte-exact")).toBe(encrypted);
      }
    });

    it("computes the same msg_signature", () => {
      for (const c of cases) {
        const theirs = new NodeWebotWXBizMsgCrypt(c.token, c.encodingAESKey, c.appId);
        const encrypted = new MessageCipher({ encodingAESKey: c.encodingAESKey, appId: c.appId }).encrypt(
          c.message,
          c.random,
        );
        expect(msgSignature(c.token, c.timestamp, c.nonce, encrypted), label(c, "msg_signature")).toBe(
          theirs.getSignature(c.timestamp, c.nonce, encrypted),
        );
      }
    });

    it("after a key rotation, we open its messages under the previous key", () => {
      for (const c of cases.slice(0, 200)) {
        const ours = new MessageCipher({
          encodingAESKey: c.encodingAESKey,
          appId: c.appId,
          previousEncodingAESKey: c.previousEncodingAESKey,
        });
        const theirs = new NodeWebotWXBizMsgCrypt(c.token, c.previousEncodingAESKey, c.appId);
        expect(ours.decrypt(theirs.encrypt(c.message)), label(c, "rotation")).toEqual({
          message: c.message,
          appId: c.appId,
          key: "previous",
        });
      }
    });
  });
});

/**
 * Where the peers are more lenient than we are. These document their behaviour next to ours;
 * what we assert about ourselves is not relaxed to match them.
 */
describe("peer quirks", () => {
  const key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
  const ours = new MessageCipher({ encodingAESKey: key, appId: "wx1111111111111111" });
  const foreign = new MessageCipher({ encodingAESKey: key, appId: "wx2222222222222222" });
  const webot = new NodeWebotWXBizMsgCrypt("token", key, "wx1111111111111111");

  function ourError(encrypted: string): WeChatCryptoError {
    try {
      ours.decrypt(encrypted);
    } catch (error) {
      if (error instanceof WeChatCryptoError) return error;
      throw error;
    }
    throw new Error("expected a WeChatCryptoError");
  }

  it("neither peer checks the appid on decrypt (they return it); we reject with -40005", () => {
    const encrypted = foreign.encrypt("hello");
    expect(wecomDecrypt(key, encrypted).id).toBe("wx2222222222222222");
    expect(webot.decrypt(encrypted).id).toBe("wx2222222222222222");
    const error = ourError(encrypted);
    expect([error.errcode, error.reason]).toEqual([CryptoErrorCode.ValidateAppId, "appid_mismatch"]);
  });

  it("neither peer rejects an out-of-range padding value (they keep the bytes); we reject with -40007", () => {
    // A well-formed plaintext whose padding bytes are all 0.
    const body = Buffer.concat([
      Buffer.alloc(16, 7),
      Buffer.from([0, 0, 0, 5]),
      Buffer.from("hellowx1111111111111111"),
    ]);
    const plain = Buffer.concat([body, Buffer.alloc(64 - body.length, 0)]);
    const aesKey = Buffer.from(`${key}=`, "base64");
    const cipher = createCipheriv("aes-256-cbc", aesKey, aesKey.subarray(0, 16));
    cipher.setAutoPadding(false);
    const encrypted = Buffer.concat([cipher.update(plain), cipher.final()]).toString("base64");
    expect(wecomDecrypt(key, encrypted).message).toBe("hello");
    expect(webot.decrypt(encrypted).message).toBe("hello");
    const error = ourError(encrypted);
    expect([error.errcode, error.reason]).toEqual([CryptoErrorCode.DecryptAes, "bad_padding"]);
  });

  it("both peers skip characters that are not base64 (Node's decoder); we accept only canonical base64", () => {
    const encrypted = ours.encrypt("hello");
    const wrapped = `${encrypted.slice(0, 20)}\n${encrypted.slice(20)}`;
    expect(wecomDecrypt(key, wrapped).message).toBe("hello");
    expect(webot.decrypt(wrapped).message).toBe("hello");
    const error = ourError(wrapped);
    expect([error.errcode, error.reason]).toEqual([CryptoErrorCode.DecryptAes, "bad_base64"]);
  });
});
