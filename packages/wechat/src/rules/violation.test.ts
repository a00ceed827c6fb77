import { describe, expect, it } from "vitest";
import { charLength, utf8ByteLength } from "./violation.js";

describe("text lengths", () => {
  it("counts UTF-8 bytes: three for a Chinese character, four for an emoji", () => {
    expect(utf8ByteLength("abc")).toBe(3);
    expect(utf8ByteLength("一二三四五A")).toBe(16);
    expect(utf8ByteLength("😀")).toBe(4);
    expect(utf8ByteLength("")).toBe(0);
  });

  it("counts characters by code point", () => {
    expect(charLength("一二三")).toBe(3);
    expect(charLength("😀a")).toBe(2);
  });
});
