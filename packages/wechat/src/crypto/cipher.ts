import { createCipheriv, createDecipheriv, type Decipher } from "node:crypto";
import { CryptoErrorCode, WeChatConfigError, WeChatCryptoError } from "../errors/index.js";
import { pooledRandomBytes } from "./random-pool.js";

/** WeChat pads to a multiple of 32 bytes (not AES's 16): PKCS#7 with K = 32. */
const BLOCK = 32;
const ENCODING_AES_KEY = /^[A-Za-z0-9]{43}$/;

/**
 * Strict base64, checked with a search for any character outside the alphabet (a linear scan
 * that never backtracks: a nested-group pattern overflows V8's regexp stack on multi-megabyte
 * bodies) and for `=` anywhere but the last two places.
 */
const NOT_BASE64 = /[^A-Za-z0-9+/=]/;

function isBase64(text: string): boolean {
  if (text.length % 4 !== 0 || NOT_BASE64.test(text)) return false;
  const equals = text.indexOf("=");
  return equals < 0 || (equals >= text.length - 2 && text.charCodeAt(text.length - 1) === 0x3d);
}

/** update() + final() without a copy when final() has nothing left (always, without auto padding). */
function finish(update: Buffer, final: Buffer): Buffer {
  return final.length === 0 ? update : Buffer.concat([update, final]);
}

/**
 * True when `key` is a well-formed EncodingAESKey: exactly 43 characters of [A-Za-z0-9],
 * the alphabet WeChat's console generates from.
 */
export function isEncodingAESKey(key: string): boolean {
  return ENCODING_AES_KEY.test(key);
}

/**
 * Decodes an EncodingAESKey to its AES-256 key: base64(EncodingAESKey + "=") → 32 bytes.
 * The last character carries 2 unused bits, so keys differing only there decode alike.
 *
 * @throws {WeChatCryptoError} -40004 (`bad_format`) unless {@link isEncodingAESKey} holds
 */
export function aesKeyFromEncodingAESKey(encodingAESKey: string): Buffer {
  if (!isEncodingAESKey(encodingAESKey)) {
    throw new WeChatCryptoError(
      CryptoErrorCode.IllegalAesKey,
      "bad_format",
      "EncodingAESKey must be 43 characters of [A-Za-z0-9]",
    );
  }
  return Buffer.from(`${encodingAESKey}=`, "base64");
}

/** How a {@link MessageCipher} is keyed. */
export interface MessageCipherOptions {
  /** The current EncodingAESKey (43 characters). */
  encodingAESKey: string;
  /** The appid (or component appid, or corpid) written after every message and checked on decrypt. */
  appId: string;
  /**
   * The key in force before the last rotation; tried by {@link MessageCipher.decrypt} when the
   * current one fails (never used to encrypt).
   */
  previousEncodingAESKey?: string | undefined;
}

/** The result of {@link MessageCipher.decrypt}. */
export interface DecryptedMessage {
  /** The message (usually an XML document), decoded as UTF-8. */
  message: string;
  /** The appid found after the message (equal to the configured one). */
  appId: string;
  /** Which key opened it: after a rotation, `previous` tells that the sender still uses the old key. */
  key: "current" | "previous";
}

interface KeyMaterial {
  key: Buffer;
  iv: Buffer;
  /**
   * AES-256 block decryption (ECB, no padding) kept for the life of the key: CBC decryption
   * is each block decrypted, then XORed with the ciphertext block before it (the IV for the
   * first), so one long-lived decipher serves every message — creating a CBC decipher per
   * message cost as much as the decryption itself. ECB update() holds no state between calls.
   */
  blocks: Decipher;
}

function material(encodingAESKey: string): KeyMaterial {
  const key = aesKeyFromEncodingAESKey(encodingAESKey);
  const blocks = createDecipheriv("aes-256-ecb", key, null);
  blocks.setAutoPadding(false);
  return { key, iv: key.subarray(0, 16), blocks };
}

/** AES-256-CBC decryption of whole blocks with the key's long-lived block decipher. */
function decryptCbc(data: Buffer, keys: KeyMaterial): Buffer {
  const plain = keys.blocks.update(data);
  if (plain.length !== data.length) throw new Error("block decipher returned a partial result");
  for (let i = plain.length - 1; i >= 16; i--) plain[i] = plain[i]! ^ data[i - 16]!;
  for (let i = 0; i < 16; i++) plain[i] = plain[i]! ^ keys.iv[i]!;
  return plain;
}

function decryptFailed(reason: string, message: string, cause?: unknown): WeChatCryptoError {
  return new WeChatCryptoError(CryptoErrorCode.DecryptAes, reason, message, { cause });
}

/**
 * WeChat's message cipher (WXBizMsgCrypt): AES-256-CBC, IV = first 16 key bytes,
 * plaintext = random(16) ‖ length (uint32 BE) ‖ message ‖ appid, PKCS#7 to 32 bytes.
 * Every malformed input is a {@link WeChatCryptoError}, never a garbage string.
 *
 * It does not check `msg_signature`: verify that (see `msgSignature`, `signaturesEqual`)
 * before decrypting, as CBC alone does not authenticate.
 *
 * @example
 * const cipher = new MessageCipher({ encodingAESKey, appId: "wx0123456789abcdef" });
 * const encrypt = cipher.encrypt("<xml>…</xml>");
 * cipher.decrypt(encrypt).message; // "<xml>…</xml>"
 */
export class MessageCipher {
  /** The appid written after every message and required on decrypt. */
  readonly appId: string;
  readonly #current: KeyMaterial;
  readonly #previous: KeyMaterial | undefined;
  readonly #appIdBytes: Buffer;

  /**
   * @throws {WeChatConfigError} when `appId` is empty
   * @throws {WeChatCryptoError} -40004 when either EncodingAESKey is malformed
   */
  constructor(options: MessageCipherOptions) {
    if (!options.appId) throw new WeChatConfigError("appId must not be empty");
    this.appId = options.appId;
    this.#appIdBytes = Buffer.from(options.appId, "utf8");
    this.#current = material(options.encodingAESKey);
    this.#previous = options.previousEncodingAESKey ? material(options.previousEncodingAESKey) : undefined;
  }

  /**
   * Encrypts `message` (UTF-8) with the current key, for `<Encrypt>` of a reply or push.
   *
   * @param message the plaintext, usually an XML document; may be empty
   * @param random the 16-byte prefix; fresh random bytes unless a known-answer test fixes it
   * @returns the base64 ciphertext
   * @throws {WeChatCryptoError} -40006 when `random` is not 16 bytes
   */
  encrypt(message: string, random: Buffer = pooledRandomBytes(16)): string {
    if (random.length !== 16) {
      throw new WeChatCryptoError(CryptoErrorCode.EncryptAes, "bad_random", "random prefix must be 16 bytes");
    }
    const body = Buffer.from(message, "utf8");
    const unpadded = 20 + body.length + this.#appIdBytes.length;
    const pad = BLOCK - (unpadded % BLOCK);
    const plain = Buffer.allocUnsafe(unpadded + pad);
    random.copy(plain, 0);
    plain.writeUInt32BE(body.length, 16);
    body.copy(plain, 20);
    this.#appIdBytes.copy(plain, 20 + body.length);
    plain.fill(pad, unpadded);
    try {
      const cipher = createCipheriv("aes-256-cbc", this.#current.key, this.#current.iv);
      cipher.setAutoPadding(false);
      return finish(cipher.update(plain), cipher.final()).toString("base64");
    } catch (cause) {
      throw new WeChatCryptoError(CryptoErrorCode.EncryptAes, "aes_failed", "encryption failed", { cause });
    }
  }

  /**
   * Decrypts the base64 content of `<Encrypt>`, checking the PKCS#7 padding, the length field
   * and the trailing appid. When the current key fails and a previous one is configured, the
   * previous key is tried; if both fail, the current key's error is thrown.
   *
   * @param encrypted canonical base64 (no whitespace), a whole number of AES blocks
   * @throws {WeChatCryptoError} -40007 (`empty`, `bad_base64`, `truncated`, `bad_padding`,
   *   `bad_length`) or -40005 (`appid_mismatch`)
   */
  decrypt(encrypted: string): DecryptedMessage {
    if (typeof encrypted !== "string" || encrypted.length === 0) {
      throw decryptFailed("empty", "ciphertext is empty");
    }
    if (!isBase64(encrypted)) throw decryptFailed("bad_base64", "ciphertext is not valid base64");
    const data = Buffer.from(encrypted, "base64");
    if (data.length === 0 || data.length % 16 !== 0) {
      throw decryptFailed("truncated", "ciphertext is not a whole number of AES blocks");
    }
    try {
      return this.#open(data, this.#current, "current");
    } catch (error) {
      if (!this.#previous) throw error;
      try {
        return this.#open(data, this.#previous, "previous");
      } catch {
        throw error;
      }
    }
  }

  #open(data: Buffer, keys: KeyMaterial, key: DecryptedMessage["key"]): DecryptedMessage {
    let plain: Buffer;
    try {
      plain = decryptCbc(data, keys);
    } catch (cause) {
      throw decryptFailed("aes_failed", "AES decryption failed", cause);
    }
    const pad = plain[plain.length - 1] ?? 0;
    if (pad < 1 || pad > BLOCK || pad > plain.length) {
      throw decryptFailed("bad_padding", "PKCS#7 padding value is out of range");
    }
    for (let i = plain.length - pad; i < plain.length; i++) {
      if (plain[i] !== pad) throw decryptFailed("bad_padding", "PKCS#7 padding bytes differ");
    }
    const end = plain.length - pad;
    if (end < 20) throw decryptFailed("bad_length", "plaintext is shorter than its header");
    const length = plain.readUInt32BE(16);
    if (length > end - 20) throw decryptFailed("bad_length", "length field points beyond the plaintext");
    const appIdBytes = plain.subarray(20 + length, end);
    if (!appIdBytes.equals(this.#appIdBytes)) {
      throw new WeChatCryptoError(
        CryptoErrorCode.ValidateAppId,
        "appid_mismatch",
        "appid after the message is not ours",
      );
    }
    return { message: plain.toString("utf8", 20, 20 + length), appId: this.appId, key };
  }
}
