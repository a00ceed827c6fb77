import { describe, expect, it } from "vitest";
import { isPermanentQr, validateQrCreate } from "./qr-validate.js";

const scene = (value: Record<string, unknown>) => ({ action_info: { scene: value } });

function outcome(body: unknown): "ok" | { errcode: number; path: string } {
  const result = validateQrCreate(body);
  return result.ok ? "ok" : { errcode: result.errcode, path: result.path };
}

describe("validateQrCreate", () => {
  it("accepts a temporary code and keeps its lifetime", () => {
    expect(
      validateQrCreate({ expire_seconds: 604800, action_name: "QR_SCENE", ...scene({ scene_id: 123 }) }),
    ).toEqual({
      ok: true,
      value: { action_name: "QR_SCENE", expire_seconds: 604800, action_info: { scene: { scene_id: 123 } } },
    });
  });

  it("gives a temporary code 60 seconds when no lifetime is asked", () => {
    expect(validateQrCreate({ action_name: "QR_STR_SCENE", ...scene({ scene_str: "invite:42" }) })).toEqual({
      ok: true,
      value: {
        action_name: "QR_STR_SCENE",
        expire_seconds: 60,
        action_info: { scene: { scene_str: "invite:42" } },
      },
    });
  });

  it("caps a lifetime above 30 days at 2592000 seconds", () => {
    const result = validateQrCreate({
      expire_seconds: 9_999_999,
      action_name: "QR_SCENE",
      ...scene({ scene_id: 1 }),
    });
    expect(result.ok && "expire_seconds" in result.value ? result.value.expire_seconds : 0).toBe(2_592_000);
  });

  it("answers 40097 for a lifetime that is zero, negative, fractional or not a number", () => {
    for (const expire_seconds of [0, -5, 1.5, "soon", true]) {
      expect(outcome({ expire_seconds, action_name: "QR_SCENE", ...scene({ scene_id: 1 }) })).toEqual({
        errcode: 40097,
        path: "expire_seconds",
      });
    }
  });

  it("accepts permanent codes without a lifetime, ignoring one given", () => {
    expect(validateQrCreate({ action_name: "QR_LIMIT_SCENE", ...scene({ scene_id: 100000 }) })).toEqual({
      ok: true,
      value: { action_name: "QR_LIMIT_SCENE", action_info: { scene: { scene_id: 100000 } } },
    });
    expect(
      validateQrCreate({
        expire_seconds: -1,
        action_name: "QR_LIMIT_STR_SCENE",
        ...scene({ scene_str: "渠道A" }),
      }),
    ).toEqual({
      ok: true,
      value: { action_name: "QR_LIMIT_STR_SCENE", action_info: { scene: { scene_str: "渠道A" } } },
    });
  });

  it("answers 47001 for a body that is not a JSON object", () => {
    expect(outcome(null)).toEqual({ errcode: 47001, path: "" });
    expect(outcome([1])).toEqual({ errcode: 47001, path: "" });
  });

  it("answers 40052 for an unknown action name", () => {
    expect(outcome({ action_name: "QR_FOREVER", ...scene({ scene_id: 1 }) })).toEqual({
      errcode: 40052,
      path: "action_name",
    });
    expect(outcome({ ...scene({ scene_id: 1 }) })).toEqual({ errcode: 40052, path: "action_name" });
  });

  it("answers 40053 for missing action info or scene", () => {
    expect(outcome({ action_name: "QR_SCENE" })).toEqual({ errcode: 40053, path: "action_info" });
    expect(outcome({ action_name: "QR_SCENE", action_info: {} })).toEqual({
      errcode: 40053,
      path: "action_info.scene",
    });
  });

  it("bounds permanent scene ids to 1..100000", () => {
    const limit = (scene_id: unknown) => outcome({ action_name: "QR_LIMIT_SCENE", ...scene({ scene_id }) });
    expect(limit(1)).toBe("ok");
    expect(limit(100000)).toBe("ok");
    for (const bad of [0, 100001, -1, 2.5, undefined]) {
      expect(limit(bad), String(bad)).toEqual({ errcode: 40053, path: "action_info.scene.scene_id" });
    }
  });

  it("allows temporary scene ids beyond 100000 up to 32 bits", () => {
    const temp = (scene_id: unknown) => outcome({ action_name: "QR_SCENE", ...scene({ scene_id }) });
    expect(temp(100001)).toBe("ok");
    expect(temp(4_294_967_295)).toBe("ok");
    expect(temp(4_294_967_296)).toEqual({ errcode: 40053, path: "action_info.scene.scene_id" });
    expect(temp(0)).toEqual({ errcode: 40053, path: "action_info.scene.scene_id" });
  });

  it("accepts a scene id given as a decimal string", () => {
    const result = validateQrCreate({ action_name: "QR_LIMIT_SCENE", ...scene({ scene_id: "42" }) });
    expect(result).toEqual({
      ok: true,
      value: { action_name: "QR_LIMIT_SCENE", action_info: { scene: { scene_id: 42 } } },
    });
    expect(outcome({ action_name: "QR_LIMIT_SCENE", ...scene({ scene_id: "4x" }) })).toMatchObject({
      errcode: 40053,
    });
  });

  it("bounds scene_str to 1..64 characters, counting characters rather than bytes", () => {
    const str = (scene_str: unknown, action_name = "QR_LIMIT_STR_SCENE") =>
      outcome({ action_name, ...scene({ scene_str }) });
    expect(str("a".repeat(64))).toBe("ok");
    expect(str("渠".repeat(64))).toBe("ok");
    expect(str("a".repeat(65))).toEqual({ errcode: 40053, path: "action_info.scene.scene_str" });
    expect(str("")).toEqual({ errcode: 40053, path: "action_info.scene.scene_str" });
    expect(str(12)).toEqual({ errcode: 40053, path: "action_info.scene.scene_str" });
    expect(str("a".repeat(65), "QR_STR_SCENE")).toEqual({
      errcode: 40053,
      path: "action_info.scene.scene_str",
    });
  });

  it("does not accept scene_str where scene_id is expected", () => {
    expect(outcome({ action_name: "QR_SCENE", ...scene({ scene_str: "abc" }) })).toEqual({
      errcode: 40053,
      path: "action_info.scene.scene_id",
    });
  });

  it("carries WeChat's errmsg", () => {
    const result = validateQrCreate({ action_name: "QR_SCENE" });
    expect(result).toEqual({
      ok: false,
      errcode: 40053,
      errmsg: "invalid action info, please check document",
      path: "action_info",
    });
  });
});

describe("isPermanentQr", () => {
  it("tells permanent from temporary actions", () => {
    expect(isPermanentQr("QR_LIMIT_SCENE")).toBe(true);
    expect(isPermanentQr("QR_LIMIT_STR_SCENE")).toBe(true);
    expect(isPermanentQr("QR_SCENE")).toBe(false);
    expect(isPermanentQr("QR_STR_SCENE")).toBe(false);
  });
});
