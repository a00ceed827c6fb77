import { createCipheriv, createDecipheriv, hash, randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodeBase64Key } from "./config.js";
import { PRIVATE_DIR_MODE } from "./private-files.js";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed value could not be opened: wrong key, wrong row, or tampered text. */
export class SecretError extends Error {
  readonly code = "secret_unreadable";
  constructor(message: string) {
    super(message);
    this.name = "SecretError";
  }
}

/**
 * Encrypts secret columns (AppSecrets, refresh tokens, EncodingAESKeys) with AES-256-GCM.
 *
 * Envelope: `v1:<iv>:<tag>:<ciphertext>`, each part base64url. The associated data names
 * where the value lives (e.g. `accounts.app_secret:<account id>`), so a ciphertext copied into
 * another row or column fails to open instead of silently yielding someone else's secret.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new RangeError("the master key must be 32 bytes");
    this.key = Buffer.from(masterKey);
  }

  /** Encrypts `plaintext` bound to `context` (table.column:rowId). */
  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, "utf8"));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), body]
      .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
      .join(":");
  }

  /**
   * Decrypts an envelope made by {@link seal} with the same `context`.
   *
   * @throws {SecretError} when the envelope is malformed, the key differs, the context differs
   *   or the text was altered — without saying which, nor anything of the value
   */
  open(envelope: string, context: string): string {
    const parts = envelope.split(":");
    if (parts.length !== 4 || parts[0] !== VERSION) throw new SecretError("not a v1 secret envelope");
    const [iv, tag, body] = parts.slice(1).map((p) => Buffer.from(p, "base64url")) as [
      Buffer,
      Buffer,
      Buffer,
    ];
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
      throw new SecretError("malformed secret envelope");
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, "utf8"));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
    } catch {
      throw new SecretError(`the secret for ${context} cannot be opened with this master key`);
    }
  }
}

/** Where the master key came from, for the start-up banner. */
export type MasterKeySource = "environment" | "key file" | "new key file";

/**
 * The master key: WXGATE_MASTER_KEY when set, else DATA_DIR/master.key — created on first
 * start (mode 0600). A key file that others can read is refused: whoever reads it reads
 * every stored secret.
 */
export function loadMasterKey(options: { masterKey: Buffer | undefined; dataDir: string }): {
  key: Buffer;
  source: MasterKeySource;
} {
  if (options.masterKey) return { key: options.masterKey, source: "environment" };
  const path = join(options.dataDir, "master.key");
  mkdirSync(options.dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "EEXIST")) throw error;
    const mode = statSync(path).mode;
    if ((mode & 0o077) !== 0) {
      throw new SecretError(
        `${path} is readable by others (mode ${(mode & 0o777).toString(8)}); run \`chmod 600 ${path}\``,
      );
    }
    const key = decodeBase64Key(readFileSync(path, "utf8"));
    if (!key) throw new SecretError(`${path} does not hold a base64 32-byte key`);
    return { key, source: "key file" };
  }
  const key = randomBytes(32);
  try {
    writeFileSync(fd, `${key.toString("base64")}\n`);
  } finally {
    closeSync(fd);
  }
  // The umask may have narrowed the mode further, never widened it; make it exact anyway.
  chmodSync(path, 0o600);
  return { key, source: "new key file" };
}

/**
 * Compares two strings without leaking, through timing, where they first differ. Both
 * sides are hashed first so that lengths may differ without a shortcut.
 */
export function safeEqual(a: string, b: string): boolean {
  const left = hash("sha256", a, "buffer");
  const right = hash("sha256", b, "buffer");
  return timingSafeEqual(left, right) && a.length === b.length;
}

/** SHA-256 hex digest: how high-entropy credentials (API keys, session ids) are stored. */
export function sha256Hex(text: string): string {
  // One-shot: a third of the cost of a Hash object, and this runs on every API-key request.
  return hash("sha256", text, "hex");
}

/** A random token of `bytes` bytes, base64url-encoded. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}
