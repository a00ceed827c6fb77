import {
  defaultEndpoints,
  joinEndpoint,
  type RawAnswer,
  type WeChatClient,
  type WeChatEndpoints,
} from "../client/index.js";
import type { WeChatResult } from "./common.js";

/** QR_SCENE / QR_STR_SCENE are temporary; QR_LIMIT_SCENE / QR_LIMIT_STR_SCENE permanent (100,000 at most). */
export type QrCodeActionName = "QR_SCENE" | "QR_STR_SCENE" | "QR_LIMIT_SCENE" | "QR_LIMIT_STR_SCENE";

/** Body of `POST /cgi-bin/qrcode/create`. */
export interface QrCodeCreateRequest {
  /** Temporary codes only: ≤ 2592000 (30 days), WeChat's default 60. */
  expire_seconds?: number;
  action_name: QrCodeActionName;
  /** scene_id: 32-bit for temporary, 1–100000 for permanent; scene_str: 1–64 characters. */
  action_info: { scene: { scene_id?: number; scene_str?: string } };
}

/** Answer of `qrcode/create`. */
export interface QrCodeCreateResult extends WeChatResult {
  ticket: string;
  /** Only for temporary codes. */
  expire_seconds?: number;
  /** The content the QR code encodes. */
  url: string;
}

/** `https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=` with the ticket URL-encoded (it may hold `+`, `/`, `=`). */
export function showQrCodeUrl(
  ticket: string,
  endpoints: Pick<WeChatEndpoints, "mp"> = defaultEndpoints,
): string {
  return `${joinEndpoint(endpoints.mp, "/cgi-bin/showqrcode")}?ticket=${encodeURIComponent(ticket)}`;
}

/** Parametric QR code APIs (permission set 3). */
export interface QrCodeApi {
  /** `POST /cgi-bin/qrcode/create` with a body as WeChat documents it. */
  create(request: QrCodeCreateRequest): Promise<QrCodeCreateResult>;
  /** A temporary code: a number picks QR_SCENE, a string QR_STR_SCENE. */
  createTemporary(scene: number | string, expireSeconds?: number): Promise<QrCodeCreateResult>;
  /** A permanent code: a number picks QR_LIMIT_SCENE, a string QR_LIMIT_STR_SCENE. */
  createPermanent(scene: number | string): Promise<QrCodeCreateResult>;
  /** The image address for a ticket on the client's `mp` host. */
  showUrl(ticket: string): string;
  /** Downloads the image (`GET showqrcode`, no token). */
  image(ticket: string): Promise<RawAnswer>;
}

/** {@link QrCodeApi} over a client. */
export function createQrCodeApi(client: WeChatClient): QrCodeApi {
  const create = (request: QrCodeCreateRequest) =>
    client.call<QrCodeCreateResult>("/cgi-bin/qrcode/create", { method: "POST", body: request });
  const scene = (value: number | string) =>
    typeof value === "number" ? { scene_id: value } : { scene_str: value };
  return {
    create,
    createTemporary: (value, expireSeconds) =>
      create({
        ...(expireSeconds === undefined ? {} : { expire_seconds: expireSeconds }),
        action_name: typeof value === "number" ? "QR_SCENE" : "QR_STR_SCENE",
        action_info: { scene: scene(value) },
      }),
    createPermanent: (value) =>
      create({
        action_name: typeof value === "number" ? "QR_LIMIT_SCENE" : "QR_LIMIT_STR_SCENE",
        action_info: { scene: scene(value) },
      }),
    showUrl: (ticket) => showQrCodeUrl(ticket, client.endpoints),
    image: (ticket) =>
      client.callRaw("/cgi-bin/showqrcode", {
        method: "GET",
        host: "mp",
        query: { ticket },
        withToken: false,
      }),
  };
}
