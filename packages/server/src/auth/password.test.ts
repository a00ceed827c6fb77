import { describe, expect, it } from "vitest";
import { generatePassword, hashPassword, verifyPassword } from "./password.js";

const cheap = { N: 2 ** 10, r: 8, p: 1 };

describe("password hashing", () => {
  it("verifies the right password and refuses a wrong one", async () => {
    const hash = await hashPassword("correct horse battery", cheap);
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{86}$/);
    expect(await verifyPassword("correct horse battery", hash)).toBe(true);
    expect(await verifyPassword("correct horse batterY", hash)).toBe(false);
  });

  it("salts every hash", async () => {
    expect(await hashPassword("same", cheap)).not.toBe(await hashPassword("same", cheap));
  });

  it("keeps the cost in the hash so it can be raised later", async () => {
    const hash = await hashPassword("pw", { N: 2 ** 11, r: 8, p: 1 });
    expect(hash.startsWith("scrypt$2048$")).toBe(true);
    expect(await verifyPassword("pw", hash)).toBe(true);
  });

  it("refuses malformed hashes instead of throwing", async () => {
    for (const bad of ["", "plain", "scrypt$x$8$1$aa$bb", "bcrypt$1$2$3$4$5", "scrypt$1024$8$1$AAAA$AAAA"]) {
      expect(await verifyPassword("pw", bad)).toBe(false);
    }
  });

  it("generates long random passwords", () => {
    const password = generatePassword();
    expect(password).toMatch(/^[\w-]{24}$/);
    expect(generatePassword()).not.toBe(password);
  });
});
