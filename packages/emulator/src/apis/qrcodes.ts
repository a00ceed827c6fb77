import { isPermanentQr, qrLimits, validateQrCreate } from "@wxgate/wechat";
import type { FastifyInstance } from "fastify";
import QRCode from "qrcode";
import type { EmulatorContext } from "../http/context.js";
import { wxRoute } from "../http/route.js";
import { tokenRoutes } from "../http/token-routes.js";
import { WxFault, wxError } from "../http/wx-error.js";
import type { QrCode } from "../world/types.js";
import type { World } from "../world/world.js";
import { accountOf } from "./input.js";

/** Expired temporary codes are kept this long (so a late scan still finds what it was), then dropped. */
const EXPIRED_KEEP_MS = 86_400_000;

/** The live QR code behind a ticket, or undefined when unknown or expired. */
export function liveQrCode(world: World, ticket: string, now: number): QrCode | undefined {
  const code = Object.hasOwn(world.state.qrcodes, ticket) ? world.state.qrcodes[ticket] : undefined;
  if (!code || (code.expiresAt !== undefined && code.expiresAt <= now)) return undefined;
  return code;
}

/** The permanent code of an account for a scene, when one was made. */
function permanentCode(world: World, appId: string, sceneId?: number, sceneStr?: string): QrCode | undefined {
  for (const code of Object.values(world.state.qrcodes)) {
    if (code.appId !== appId || code.expiresAt !== undefined) continue;
    if (sceneId !== undefined ? code.sceneId === sceneId : code.sceneStr === sceneStr) return code;
  }
  return undefined;
}

function permanentCount(world: World, appId: string): number {
  let count = 0;
  for (const code of Object.values(world.state.qrcodes)) {
    if (code.appId === appId && code.expiresAt === undefined) count++;
  }
  return count;
}

/** Drops temporary codes that expired more than a day ago (100,000 a day would otherwise pile up). */
function pruneExpired(world: World, now: number): void {
  for (const [ticket, code] of Object.entries(world.state.qrcodes)) {
    if (code.expiresAt !== undefined && code.expiresAt + EXPIRED_KEEP_MS < now)
      delete world.state.qrcodes[ticket];
  }
}

/**
 * qrcode/create and the image at mp's `/cgi-bin/showqrcode`. A permanent code for a scene
 * that already has one returns the same ticket (it counts once against the 100,000).
 * An unknown or expired ticket gets HTTP 404 with WeChat's error JSON (40097).
 */
export function registerQrCodes(app: FastifyInstance, ctx: EmulatorContext): void {
  const route = tokenRoutes(app, ctx);
  const { world, ids } = ctx;
  let creations = 0;

  route.post("/cgi-bin/qrcode/create", (call) => {
    const account = accountOf(call);
    const checked = validateQrCreate(call.body);
    if (!checked.ok) throw new WxFault(checked.errcode);
    const request = checked.value;
    const scene = request.action_info.scene;
    const sceneId = "scene_id" in scene ? scene.scene_id : undefined;
    const sceneStr = "scene_str" in scene ? scene.scene_str : undefined;
    const permanent = isPermanentQr(request.action_name);
    if (permanent) {
      const existing = permanentCode(world, account.appId, sceneId, sceneStr);
      if (existing) return { ticket: existing.ticket, url: existing.url };
      if (permanentCount(world, account.appId) >= qrLimits.permanentMax) throw new WxFault(45029);
    }
    if (++creations % 1000 === 0) pruneExpired(world, call.now);
    const code: QrCode = {
      ticket: ids.qrTicket(),
      appId: account.appId,
      actionName: request.action_name,
      createdAt: call.now,
      url: `http://weixin.qq.com/q/${ids.alnum(22)}`,
    };
    if (sceneId !== undefined) code.sceneId = sceneId;
    if (sceneStr !== undefined) code.sceneStr = sceneStr;
    if ("expire_seconds" in request) code.expiresAt = call.now + request.expire_seconds * 1000;
    world.state.qrcodes[code.ticket] = code;
    return "expire_seconds" in request
      ? { ticket: code.ticket, expire_seconds: request.expire_seconds, url: code.url }
      : { ticket: code.ticket, url: code.url };
  });

  wxRoute(app, ctx, {
    method: "GET",
    path: "/cgi-bin/showqrcode",
    auth: "none",
    handler: async (call) => {
      const code = liveQrCode(world, call.query.ticket ?? "", call.now);
      if (!code) {
        wxError(call.reply, 40097, {}, { status: 404 });
        return undefined;
      }
      call.setAppId(code.appId);
      const png = await QRCode.toBuffer(code.url, { type: "png", margin: 2, width: 430 });
      void call.reply.code(200).type("image/png").header("cache-control", "max-age=86400").send(png);
      return undefined;
    },
  });
}
