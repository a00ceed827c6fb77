import { createCipheriv } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CryptoErrorCode, WeChatCryptoError } from "../errors/index.js";
import { MessageCipher } from "./cipher.js";

const KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const OTHER_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR";
const APPID = "wxb11529c136998cb6";
const RANDOM = Buffer.from("aaaabbbbccccdddd", "latin1");

/**
 * Seals arbitrary bytes with bare AES-256-CBC (IV = first 16 key bytes, no automatic padding),
 * so a test can hand MessageCipher a plaintext no honest sender would produce.
 */
function seal(plain: Buffer, encodingAESKey = KEY): string {
  if (plain.length % 16 !== 0) throw new Error(`test bug: ${plain.length} is not a whole number of blocks`);
  const key = Buffer.from(`${encodingAESKey}=`, "base64");
  const cipher = createCipheriv("aes-256-cbc", key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString("base64");
}

interface Layout {
  message?: string;
  appId?: string;
  /** The length field; the message's byte length unless overridden. */
  length?: number;
  /** Bytes appended after the appid; honest PKCS#7 to 32 unless overridden. */
  padding?: Buffer;
}

/** random(16) ‖ length ‖ message ‖ appid ‖ padding, each part overridable. */
function plaintext(layout: Layout = {}): Buffer {
  const body = Buffer.from(layout.message ?? "<xml>hi</xml>", "utf8");
  const head = Buffer.alloc(20);
  RANDOM.copy(head);
  head.writeUInt32BE(layout.length ?? body.length, 16);
  const unpadded = Buffer.concat([head, body, Buffer.from(layout.appId ?? APPID, "utf8")]);
  const pad = 32 - (unpadded.length % 32);
  return Buffer.concat([unpadded, layout.padding ?? Buffer.alloc(pad, pad)]);
}

/** Deterministic filler, so that every run sees the same bytes. */
function garbage(size: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  let state = seed >>> 0;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

function expectCryptoError(run: () => unknown, errcode: CryptoErrorCode, reason: string): WeChatCryptoError {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(WeChatCryptoError);
  const error = thrown as WeChatCryptoError;
  expect({ errcode: error.errcode, reason: error.reason }).toEqual({ errcode, reason });
  expect(error.message).not.toContain(KEY);
  return error;
}

const DECRYPT = CryptoErrorCode.DecryptAes;
const cipher = new MessageCipher({ encodingAESKey: KEY, appId: APPID });

describe("hand-built plaintexts", () => {
  it("the helper's honest plaintext opens (control)", () => {
    expect(cipher.decrypt(seal(plaintext()))).toEqual({
      message: "<xml>hi</xml>",
      appId: APPID,
      key: "current",
    });
    expect(cipher.decrypt(seal(plaintext({ message: "" }))).message).toBe("");
  });

  it("the helper reproduces MessageCipher byte for byte (control)", () => {
    expect(seal(plaintext({ message: "我是中文" }))).toBe(cipher.encrypt("我是中文", RANDOM));
  });

  it("accepts padding to 16 bytes too (PKCS#7 values 1–32 are all legal)", () => {
    const body = plaintext({ padding: Buffer.alloc(0) }); // 20 + 13 + 18 = 51 bytes
    const padded = Buffer.concat([body, Buffer.alloc(13, 13)]); // 64 bytes
    expect(cipher.decrypt(seal(padded)).message).toBe("<xml>hi</xml>");
  });

  it("rejects padding value 0", () => {
    const plain = plaintext();
    plain.fill(0, plain.length - plain[plain.length - 1]!);
    expectCryptoError(() => cipher.decrypt(seal(plain)), DECRYPT, "bad_padding");
  });

  it("rejects padding value 33", () => {
    const plain = plaintext({ padding: Buffer.alloc(45, 33) }); // 51 + 45 = 96
    expectCryptoError(() => cipher.decrypt(seal(plain)), DECRYPT, "bad_padding");
  });

  it("rejects padding value 255", () => {
    const plain = plaintext({ padding: Buffer.alloc(13, 255) });
    expectCryptoError(() => cipher.decrypt(seal(plain)), DECRYPT, "bad_padding");
  });

  it("rejects padding bytes that disagree with the last one", () => {
    const first = plaintext();
    first[first.length - first[first.length - 1]!] = 0x41; // the first padding byte
    expectCryptoError(() => cipher.decrypt(seal(first)), DECRYPT, "bad_padding");

    const middle = plaintext();
    middle[middle.length - 2] = 1;
    expectCryptoError(() => cipher.decrypt(seal(middle)), DECRYPT, "bad_padding");
  });

  it("rejects a full block of padding whose first byte is off", () => {
    const full = Buffer.concat([plaintext({ padding: Buffer.alloc(0), message: "x".repeat(26) })]);
    expect(full.length).toBe(64);
    const padding = Buffer.alloc(32, 32);
    padding[0] = 31;
    expectCryptoError(() => cipher.decrypt(seal(Buffer.concat([full, padding]))), DECRYPT, "bad_padding");
  });

  it("rejects padding that claims more bytes than the plaintext holds", () => {
    // 16 bytes whose last byte is 32: out of range for a one-block plaintext.
    expectCryptoError(() => cipher.decrypt(seal(Buffer.alloc(16, 32))), DECRYPT, "bad_padding");
  });

  it("rejects a length field one byte beyond the plaintext", () => {
    const plain = plaintext({ length: Buffer.byteLength("<xml>hi</xml>") + APPID.length + 1 });
    expectCryptoError(() => cipher.decrypt(seal(plain)), DECRYPT, "bad_length");
  });

  it("rejects a length field of 2^32 - 1", () => {
    expectCryptoError(() => cipher.decrypt(seal(plaintext({ length: 0xffffffff }))), DECRYPT, "bad_length");
  });

  it("rejects a length field of 2^31 (no sign confusion)", () => {
    expectCryptoError(() => cipher.decrypt(seal(plaintext({ length: 0x80000000 }))), DECRYPT, "bad_length");
  });

  it("rejects a plaintext shorter than the 20-byte header", () => {
    const oneBlock = Buffer.alloc(16, 1); // pad 1 leaves 15 bytes
    expectCryptoError(() => cipher.decrypt(seal(oneBlock)), DECRYPT, "bad_length");
    const allPadding = Buffer.alloc(32, 32); // nothing left at all
    expectCryptoError(() => cipher.decrypt(seal(allPadding)), DECRYPT, "bad_length");
    const nineteen = Buffer.concat([Buffer.alloc(19), Buffer.alloc(13, 13)]);
    expectCryptoError(() => cipher.decrypt(seal(nineteen)), DECRYPT, "bad_length");
  });

  it("rejects a bare header (empty message, no appid) with -40005", () => {
    const bare = Buffer.concat([Buffer.alloc(20), Buffer.alloc(12, 12)]);
    expectCryptoError(() => cipher.decrypt(seal(bare)), CryptoErrorCode.ValidateAppId, "appid_mismatch");
  });

  it.each([
    ["another appid", "wx0000000000000000"],
    ["our appid minus its last character", APPID.slice(0, -1)],
    ["our appid plus a character", `${APPID}0`],
    ["our appid in upper case", APPID.toUpperCase()],
    ["our appid with a NUL", `${APPID}\u0000`],
  ])("rejects %s with -40005", (_name, appId) => {
    expectCryptoError(
      () => cipher.decrypt(seal(plaintext({ appId }))),
      CryptoErrorCode.ValidateAppId,
      "appid_mismatch",
    );
  });

  it("rejects a length field too short (message tail read as appid) with -40005", () => {
    const plain = plaintext({ length: 5 });
    expectCryptoError(() => cipher.decrypt(seal(plain)), CryptoErrorCode.ValidateAppId, "appid_mismatch");
  });

  it("reports -40005 for MessageCipher's own output under another appid", () => {
    const foreign = new MessageCipher({ encodingAESKey: KEY, appId: "wx1111111111111111" });
    expectCryptoError(
      () => cipher.decrypt(foreign.encrypt("hello")),
      CryptoErrorCode.ValidateAppId,
      "appid_mismatch",
    );
  });
});

describe("malformed ciphertext text", () => {
  const valid = cipher.encrypt("<xml>hello</xml>", RANDOM);

  it("starts from a valid ciphertext with '==' padding (control)", () => {
    expect(valid.endsWith("==")).toBe(true);
    expect(cipher.decrypt(valid).message).toBe("<xml>hello</xml>");
  });

  it("rejects an empty string", () => {
    expectCryptoError(() => cipher.decrypt(""), DECRYPT, "empty");
  });

  it.each([undefined, null, 42, {}, Buffer.from(valid, "base64")])(
    "rejects a non-string (%s) as empty",
    (value) => {
      expectCryptoError(() => cipher.decrypt(value as unknown as string), DECRYPT, "empty");
    },
  );

  it.each([
    ["a '!'", `${valid.slice(0, 8)}!${valid.slice(9)}`],
    ["base64url '-'", `${valid.slice(0, 8)}-${valid.slice(9)}`],
    ["base64url '_'", `${valid.slice(0, 8)}_${valid.slice(9)}`],
    ["a Chinese character", `${valid.slice(0, 8)}中${valid.slice(9)}`],
    ["a NUL", `${valid.slice(0, 8)}\u0000${valid.slice(9)}`],
    ["a leading space", ` ${valid.slice(1)}`],
    ["a trailing newline", `${valid.slice(0, -1)}\n`],
    ["a tab inside", `${valid.slice(0, 8)}\t${valid.slice(9)}`],
    ["MIME line breaks", `${valid.slice(0, 60)}\r\n${valid.slice(60)}`],
    ["an extra '='", `${valid}=`],
    ["'=' missing", valid.replace(/=+$/, "") || "AAA"],
    ["three '='", `${valid.slice(0, -4)}A===`],
    ["'=' in the middle", `${valid.slice(0, 8)}=${valid.slice(9)}`],
    ["only '='", "===="],
    ["a length not a multiple of 4", valid.slice(0, -1)],
  ])("rejects base64 with %s", (_name, text) => {
    expect(text).not.toBe(valid);
    expectCryptoError(() => cipher.decrypt(text), DECRYPT, "bad_base64");
  });

  it("rejects a ciphertext that is not a whole number of blocks", () => {
    const bytes = Buffer.from(valid, "base64");
    for (const size of [1, 15, 17, 31, bytes.length - 1]) {
      expectCryptoError(
        () => cipher.decrypt(bytes.subarray(0, size).toString("base64")),
        DECRYPT,
        "truncated",
      );
    }
    expectCryptoError(
      () => cipher.decrypt(Buffer.concat([bytes, Buffer.alloc(1)]).toString("base64")),
      DECRYPT,
      "truncated",
    );
  });

  it("rejects a ciphertext cut at a block boundary where the plaintext ends in a letter", () => {
    // CBC: dropping the last block leaves the earlier plaintext blocks intact, so the new
    // last byte is a known message byte ('x' = 120), which is not a padding value.
    const message = "x".repeat(60);
    const bytes = Buffer.from(cipher.encrypt(message, RANDOM), "base64"); // 20+60+18 = 98 → 128
    expectCryptoError(() => cipher.decrypt(bytes.subarray(0, 96).toString("base64")), DECRYPT, "bad_padding");
  });

  it("rejects a ciphertext cut at a block boundary where the plaintext happens to end in 0x01", () => {
    // Byte 95 of the plaintext is message byte 75, set to U+0001: a valid 1-byte padding,
    // after which the length field points beyond what is left.
    const message = `${"x".repeat(75)}\u0001${"x".repeat(10)}`;
    const bytes = Buffer.from(cipher.encrypt(message, RANDOM), "base64");
    expectCryptoError(() => cipher.decrypt(bytes.subarray(0, 96).toString("base64")), DECRYPT, "bad_length");
  });

  it("rejects a ciphertext whose first block was dropped", () => {
    // The header now comes from message bytes 12–15 ("xxxx" = 0x78787878 as the length).
    const bytes = Buffer.from(cipher.encrypt("x".repeat(60), RANDOM), "base64");
    expectCryptoError(() => cipher.decrypt(bytes.subarray(16).toString("base64")), DECRYPT, "bad_length");
  });

  it("rejects a ciphertext sealed with another key", () => {
    const other = new MessageCipher({ encodingAESKey: OTHER_KEY, appId: APPID });
    expectCryptoError(() => cipher.decrypt(other.encrypt("hello", RANDOM)), DECRYPT, "bad_padding");
  });
});

describe("10 MB bodies", () => {
  const TEN_MB = 10 * 1024 * 1024;
  const junk = garbage(TEN_MB, 20240229);

  it("rejects 10 MB of block-aligned garbage as a typed error", () => {
    expectCryptoError(() => cipher.decrypt(junk.toString("base64")), DECRYPT, "bad_padding");
  });

  it("rejects 10 MB of base64 with one bad character at the end", () => {
    const text = junk.toString("base64");
    expectCryptoError(() => cipher.decrypt(`${text.slice(0, -4)}AAA!`), DECRYPT, "bad_base64");
  });

  it("rejects 10 MB of base64 with whitespace at the end", () => {
    expectCryptoError(() => cipher.decrypt(`${junk.toString("base64")}\n`), DECRYPT, "bad_base64");
  });

  it("rejects 10 MB of base64 that is not block-aligned", () => {
    const text = Buffer.concat([junk, Buffer.alloc(3)]).toString("base64");
    expectCryptoError(() => cipher.decrypt(text), DECRYPT, "truncated");
  });

  it("rejects 10 MB of text that is not base64 at all", () => {
    expectCryptoError(() => cipher.decrypt("<".repeat(TEN_MB)), DECRYPT, "bad_base64");
  });

  it("still round-trips a 10 MB message", () => {
    const message = junk.subarray(0, TEN_MB / 2).toString("hex");
    expect(cipher.decrypt(cipher.encrypt(message)).message).toBe(message);
  });
});

describe("seeded mutations of valid ciphertexts", () => {
  it("either opens or throws WeChatCryptoError, never anything else", () => {
    const bytes = garbage(4096, 7);
    const rotating = new MessageCipher({
      encodingAESKey: KEY,
      appId: APPID,
      previousEncodingAESKey: OTHER_KEY,
    });
    const opened = [0, 0, 0, 0, 0, 0];
    for (let i = 0; i < 3000; i++) {
      const r = bytes.readUInt32BE((i * 4) % 4092);
      const source = cipher.encrypt("x".repeat(r % 200), RANDOM);
      const raw = Buffer.from(source, "base64");
      let text: string;
      switch (i % 6) {
        case 0: // flip one bit
          raw[r % raw.length]! ^= 1 << (r % 8);
          text = raw.toString("base64");
          break;
        case 1: // cut anywhere
          text = raw.subarray(0, r % raw.length).toString("base64");
          break;
        case 2: // cut the text itself
          text = source.slice(0, r % source.length);
          break;
        case 3: // replace one character of the text
          text =
            source.slice(0, r % source.length) +
            String.fromCharCode(r % 128) +
            source.slice((r % source.length) + 1);
          break;
        case 4: // random block-aligned bytes
          text = bytes.subarray(r % 2048, (r % 2048) + 16 * (1 + (r % 20))).toString("base64");
          break;
        default: // swap two blocks
          if (raw.length >= 32) {
            const a = Buffer.from(raw.subarray(0, 16));
            raw.copy(raw, 0, raw.length - 16);
            a.copy(raw, raw.length - 16);
          }
          text = raw.toString("base64");
      }
      for (const subject of [cipher, rotating]) {
        try {
          subject.decrypt(text);
          opened[i % 6]!++;
        } catch (error) {
          if (!(error instanceof WeChatCryptoError)) {
            throw new Error(`mutation ${i} threw ${String(error)}`);
          }
          expect([CryptoErrorCode.DecryptAes, CryptoErrorCode.ValidateAppId], `mutation ${i}`).toContain(
            error.errcode,
          );
        }
      }
    }
    // CBC is malleable: a bit changed in block k garbles plaintext block k and flips one bit of
    // block k + 1, so edits landing inside the message open (msg_signature is what rejects
    // those). Cuts, foreign bytes and reordered blocks must never open.
    expect(opened[0]! + opened[3]!).toBeGreaterThan(0);
    expect([opened[1], opened[2], opened[4], opened[5]]).toEqual([0, 0, 0, 0]);
  });
});
