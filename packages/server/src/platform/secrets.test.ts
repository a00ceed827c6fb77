import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadMasterKey, SecretBox, SecretError, safeEqual } from "./secrets.js";

const key = Buffer.alloc(32, 1);

describe("SecretBox", () => {
  it("round-trips a secret bound to its row", () => {
    const box = new SecretBox(key);
    const sealed = box.seal("app-secret-value", "accounts.app_secret:acc-1");
    expect(sealed).toMatch(/^v1:[\w-]+:[\w-]+:[\w-]+$/);
    expect(sealed).not.toContain("app-secret-value");
    expect(box.open(sealed, "accounts.app_secret:acc-1")).toBe("app-secret-value");
  });

  it("uses a fresh IV each time", () => {
    const box = new SecretBox(key);
    expect(box.seal("x", "c")).not.toBe(box.seal("x", "c"));
  });

  it("refuses a ciphertext moved to another row or column", () => {
    const box = new SecretBox(key);
    const sealed = box.seal("app-secret-value", "accounts.app_secret:acc-1");
    expect(() => box.open(sealed, "accounts.app_secret:acc-2")).toThrow(SecretError);
    expect(() => box.open(sealed, "accounts.token:acc-1")).toThrow(SecretError);
  });

  it("refuses another key and tampered text, without revealing the value", () => {
    const sealed = new SecretBox(key).seal("app-secret-value", "c");
    expect(() => new SecretBox(Buffer.alloc(32, 2)).open(sealed, "c")).toThrow(SecretError);
    const parts = sealed.split(":");
    const body = Buffer.from(parts[3]!, "base64url");
    body[0] = body[0]! ^ 1;
    const tampered = [parts[0], parts[1], parts[2], body.toString("base64url")].join(":");
    try {
      new SecretBox(key).open(tampered, "c");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SecretError);
      expect(String(error)).not.toContain("app-secret-value");
    }
    expect(() => new SecretBox(key).open("v2:a:b:c", "c")).toThrow(SecretError);
    expect(() => new SecretBox(key).open("v1:AAAA:AAAA:AAAA", "c")).toThrow(SecretError);
  });

  it("requires a 32-byte key", () => {
    expect(() => new SecretBox(Buffer.alloc(16))).toThrow(RangeError);
  });
});

describe("loadMasterKey", () => {
  it("prefers the environment's key", () => {
    const dir = mkdtempSync(join(tmpdir(), "wxgate-key-"));
    expect(loadMasterKey({ masterKey: key, dataDir: dir })).toEqual({ key, source: "environment" });
  });

  it("creates a 0600 key file on first start and reads it back later", () => {
    const dir = join(mkdtempSync(join(tmpdir(), "wxgate-key-")), "data");
    const first = loadMasterKey({ masterKey: undefined, dataDir: dir });
    expect(first.source).toBe("new key file");
    expect(first.key.length).toBe(32);
    expect(statSync(join(dir, "master.key")).mode & 0o777).toBe(0o600);
    const second = loadMasterKey({ masterKey: undefined, dataDir: dir });
    expect(second.source).toBe("key file");
    expect(second.key.equals(first.key)).toBe(true);
  });

  it("refuses a key file others can read", () => {
    const dir = mkdtempSync(join(tmpdir(), "wxgate-key-"));
    loadMasterKey({ masterKey: undefined, dataDir: dir });
    chmodSync(join(dir, "master.key"), 0o644);
    expect(() => loadMasterKey({ masterKey: undefined, dataDir: dir })).toThrow(/readable by others/);
  });

  it("refuses a key file that does not hold 32 bytes", () => {
    const dir = mkdtempSync(join(tmpdir(), "wxgate-key-"));
    writeFileSync(join(dir, "master.key"), "c2hvcnQ=\n", { mode: 0o600 });
    expect(() => loadMasterKey({ masterKey: undefined, dataDir: dir })).toThrow(/32-byte/);
    expect(readFileSync(join(dir, "master.key"), "utf8")).toBe("c2hvcnQ=\n");
  });
});

describe("safeEqual", () => {
  it("compares exactly, whatever the lengths", () => {
    expect(safeEqual("abc", "abc")).toBe(true);
    expect(safeEqual("abc", "abd")).toBe(false);
    expect(safeEqual("abc", "abcd")).toBe(false);
    expect(safeEqual("", "")).toBe(true);
  });
});
