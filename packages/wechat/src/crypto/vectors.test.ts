import { createDecipheriv } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MessageCipher } from "./cipher.js";
import { msgSignature, signaturesEqual, urlSignature } from "./signature.js";

interface CipherCase {
  encodingAESKey: string;
  token: string;
  appid: string;
}
interface Vectors {
  plain_signature: { token: string; timestamp: string; nonce: string; signature: string }[];
  encrypt_with_fixed_random: (CipherCase & { random: string; plaintext: string; encrypt: string })[];
  decrypt: (CipherCase & {
    timestamp: string;
    nonce: string;
    msg_signature: string;
    encrypt: string;
    plaintext?: string;
    plaintext_contains?: string[];
  })[];
}

const vectors = JSON.parse(
  readFileSync(new URL("../../test/vectors/crypto.json", import.meta.url), "utf8"),
) as Vectors;

describe("published known-answer vectors", () => {
  it("has every section populated", () => {
    expect(vectors.plain_signature.length).toBeGreaterThan(0);
    expect(vectors.encrypt_with_fixed_random.length).toBeGreaterThan(0);
    expect(vectors.decrypt.length).toBeGreaterThan(0);
  });

  describe.each(vectors.plain_signature)("plain signature (token $token)", (v) => {
    it("matches byte for byte", () => {
      expect(urlSignature(v.token, v.timestamp, v.nonce)).toBe(v.signature);
      expect(signaturesEqual(urlSignature(v.token, v.timestamp, v.nonce), v.signature)).toBe(true);
    });
  });

  describe.each(vectors.encrypt_with_fixed_random)("encrypt with fixed random (appid $appid)", (v) => {
    const cipher = new MessageCipher({ encodingAESKey: v.encodingAESKey, appId: v.appid });

    it("produces the published ciphertext", () => {
      expect(cipher.encrypt(v.plaintext, Buffer.from(v.random, "utf8"))).toBe(v.encrypt);
    });

    it("decrypts the published ciphertext back", () => {
      expect(cipher.decrypt(v.encrypt)).toEqual({ message: v.plaintext, appId: v.appid, key: "current" });
    });
  });

  describe.each(vectors.decrypt)("decrypt (appid $appid, timestamp $timestamp)", (v) => {
    const cipher = new MessageCipher({ encodingAESKey: v.encodingAESKey, appId: v.appid });

    it("computes the published msg_signature", () => {
      const computed = msgSignature(v.token, v.timestamp, v.nonce, v.encrypt);
      expect(computed).toBe(v.msg_signature);
      expect(signaturesEqual(computed, v.msg_signature)).toBe(true);
    });

    it("recovers the published plaintext", () => {
      expect(v.plaintext !== undefined || v.plaintext_contains !== undefined).toBe(true);
      const opened = cipher.decrypt(v.encrypt);
      expect(opened.appId).toBe(v.appid);
      expect(opened.key).toBe("current");
      if (v.plaintext !== undefined) expect(opened.message).toBe(v.plaintext);
      for (const part of v.plaintext_contains ?? []) expect(opened.message).toContain(part);
    });

    it("re-encrypts, with the sender's random prefix, to the identical ciphertext", () => {
      // The prefix is read with bare AES so that this checks our encrypt, not our decrypt.
      const key = Buffer.from(`${v.encodingAESKey}=`, "base64");
      const decipher = createDecipheriv("aes-256-cbc", key, key.subarray(0, 16));
      decipher.setAutoPadding(false);
      const random = decipher.update(Buffer.from(v.encrypt, "base64")).subarray(0, 16);
      expect(cipher.encrypt(cipher.decrypt(v.encrypt).message, random)).toBe(v.encrypt);
    });
  });
});
