import { describe, expect, it } from "vitest";
import { errmsgFor, wechatErrcode, wechatErrorMessages } from "./errors.js";

describe("WeChat error messages", () => {
  it("has a message for every error code of WeChat's documented API facts", () => {
    const documented = [
      -1, 0, 40001, 40002, 40013, 40014, 40125, 40164, 41001, 42001, 45009, 45011, 48001, 50002, 61003, 61004,
      61005, 61006, 61007, 61011, 61023, 61024, 45008, 40016, 40017, 40018, 40019, 40020, 40023, 40024, 40025,
      40026, 40027, 40054, 40055, 65303, 65305, 45015, 45047, 45065, 45066, 45067, 45028, 43101, 48006, 47001,
      40003, 40037,
    ];
    for (const code of documented) expect(wechatErrorMessages[code], `errcode ${code}`).toBeTypeOf("string");
  });

  it("uses WeChat's own texts", () => {
    expect(errmsgFor(40001)).toBe("invalid credential, access_token is invalid or not latest");
    expect(errmsgFor(40018)).toBe("invalid button name size");
    expect(errmsgFor(45009)).toBe("reach max api daily quota limit");
    expect(errmsgFor(48001)).toBe("api unauthorized");
    expect(errmsgFor(61007)).toBe("api is unauthorized to component");
    expect(errmsgFor(47001)).toBe("data format error");
    expect(errmsgFor(0)).toBe("ok");
  });

  it("answers an unknown code with WeChat's catch-all", () => {
    expect(errmsgFor(12345)).toBe("system error");
  });

  it("gives every named code a message", () => {
    for (const [name, code] of Object.entries(wechatErrcode)) {
      expect(wechatErrorMessages[code], `${name} (${code})`).toBeTypeOf("string");
    }
  });
});
