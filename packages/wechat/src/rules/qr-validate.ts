import { wechatErrcode } from "./errors.js";
import { qrLimits } from "./limits.js";
import { charLength, isRecord, type Validated, violation } from "./violation.js";

/** `action_name` of `qrcode/create`: temporary (QR_SCENE, QR_STR_SCENE) or permanent (QR_LIMIT_*). */
export type QrActionName = "QR_SCENE" | "QR_STR_SCENE" | "QR_LIMIT_SCENE" | "QR_LIMIT_STR_SCENE";

/** A checked `qrcode/create` body; temporary codes always carry their effective `expire_seconds`. */
export type QrCreateRequest =
  | { action_name: "QR_SCENE"; expire_seconds: number; action_info: { scene: { scene_id: number } } }
  | { action_name: "QR_STR_SCENE"; expire_seconds: number; action_info: { scene: { scene_str: string } } }
  | { action_name: "QR_LIMIT_SCENE"; action_info: { scene: { scene_id: number } } }
  | { action_name: "QR_LIMIT_STR_SCENE"; action_info: { scene: { scene_str: string } } };

/** Whether codes of this action never expire (and count against the 100,000 permanent codes). */
export function isPermanentQr(actionName: QrActionName): boolean {
  return actionName === "QR_LIMIT_SCENE" || actionName === "QR_LIMIT_STR_SCENE";
}

const actionNames: ReadonlySet<string> = new Set([
  "QR_SCENE",
  "QR_STR_SCENE",
  "QR_LIMIT_SCENE",
  "QR_LIMIT_STR_SCENE",
]);

/**
 * Checks a `qrcode/create` body as WeChat does.
 *
 * - Not a JSON object → 47001; unknown `action_name` → 40052; missing or out-of-range
 *   scene → 40053 (scene_id 1..100000 for permanent codes, any non-zero unsigned 32-bit
 *   value for temporary ones; scene_str 1..64 characters).
 * - `expire_seconds` (temporary codes only): absent → 60; above 2592000 → clamped to
 *   2592000. WeChat documents only the maximum and no error code for exceeding it, so the
 *   code is created with the longest allowed life (uncertain). Zero, negative, fractional
 *   or non-numeric values → 40097 (invalid args; uncertain).
 *
 * Numbers given as decimal strings ("123") are accepted, as WeChat's servers accept them.
 */
export function validateQrCreate(body: unknown): Validated<QrCreateRequest> {
  if (!isRecord(body)) return violation(wechatErrcode.dataFormatError, "");
  const actionName = body.action_name;
  if (typeof actionName !== "string" || !actionNames.has(actionName)) {
    return violation(wechatErrcode.invalidActionName, "action_name");
  }
  const action = actionName as QrActionName;
  const permanent = isPermanentQr(action);

  const info = body.action_info;
  if (!isRecord(info)) return violation(wechatErrcode.invalidActionInfo, "action_info");
  const scene = info.scene;
  if (!isRecord(scene)) return violation(wechatErrcode.invalidActionInfo, "action_info.scene");

  let expireSeconds = 0;
  if (!permanent) {
    const expire = expireSecondsOf(body.expire_seconds);
    if (expire === undefined) return violation(wechatErrcode.invalidArgs, "expire_seconds");
    expireSeconds = expire;
  }

  if (action === "QR_SCENE" || action === "QR_LIMIT_SCENE") {
    const max = permanent ? qrLimits.sceneIdMax : qrLimits.tempSceneIdMax;
    const sceneId = integerOf(scene.scene_id);
    if (sceneId === undefined || sceneId < 1 || sceneId > max) {
      return violation(wechatErrcode.invalidActionInfo, "action_info.scene.scene_id");
    }
    const value = { scene: { scene_id: sceneId } };
    return {
      ok: true,
      value:
        action === "QR_SCENE"
          ? { action_name: action, expire_seconds: expireSeconds, action_info: value }
          : { action_name: action, action_info: value },
    };
  }

  const sceneStr = scene.scene_str;
  if (typeof sceneStr !== "string") {
    return violation(wechatErrcode.invalidActionInfo, "action_info.scene.scene_str");
  }
  const chars = charLength(sceneStr);
  if (chars < 1 || chars > qrLimits.sceneStrMaxChars) {
    return violation(wechatErrcode.invalidActionInfo, "action_info.scene.scene_str");
  }
  const value = { scene: { scene_str: sceneStr } };
  return {
    ok: true,
    value:
      action === "QR_STR_SCENE"
        ? { action_name: action, expire_seconds: expireSeconds, action_info: value }
        : { action_name: "QR_LIMIT_STR_SCENE", action_info: value },
  };
}

function expireSecondsOf(raw: unknown): number | undefined {
  if (raw === undefined || raw === null) return qrLimits.tempDefaultExpireSeconds;
  const seconds = integerOf(raw);
  if (seconds === undefined || seconds < 1) return undefined;
  return Math.min(seconds, qrLimits.tempMaxExpireSeconds);
}

/** A safe integer given as a JSON number or a decimal string. */
function integerOf(raw: unknown): number | undefined {
  if (typeof raw === "number") return Number.isSafeInteger(raw) ? raw : undefined;
  if (typeof raw === "string" && /^-?\d{1,16}$/.test(raw)) {
    const value = Number(raw);
    return Number.isSafeInteger(value) ? value : undefined;
  }
  return undefined;
}
