import { wechatErrorMessages } from "@wxgate/wechat";

/**
 * errmsg texts the shared table (@wxgate/wechat `wechatErrorMessages`) does not carry; it is
 * consulted first, so both sides of the wire speak the same words.
 */
const emulatorOnly: Record<number, string> = {
  [-1]: "system error",
  0: "ok",
};

/** The errmsg WeChat gives for `errcode` (without the rid suffix). */
export function errmsgText(errcode: number): string {
  return wechatErrorMessages[errcode] ?? emulatorOnly[errcode] ?? "system error";
}
