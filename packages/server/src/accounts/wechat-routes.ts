import { createHash } from "node:crypto";
import { PushEndpoint, WeChatError } from "@wxgate/wechat";
import type { FastifyInstance, FastifyReply } from "fastify";
import { type MappedError, mapError } from "../http/error-mapping.js";
import { refusePush } from "../http/push-refusal.js";
import type { Clock } from "../platform/ports.js";
import { COMPONENT_EVENT_PATH, type WeChatConnection } from "../platform/wechat.js";
import type { PlatformPushes } from "./platform-pushes.js";
import { type AccountService, AUTHORIZED_PATH } from "./service.js";

const MAX_PUSH_BYTES = 1024 * 1024;
/** WeChat's replay window for a push's timestamp, in seconds. */
export const PLATFORM_REPLAY_WINDOW_SECONDS = 300;

/** A platform push refused before anything was applied. */
class RefusedPush extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );
}

function page(reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
  const html =
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>` +
    `<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}` +
    `h1{font-size:1.4rem}dt{color:#666}dd{margin:0 0 .6rem}` +
    `a.back{display:inline-block;margin-top:1rem;padding:.5rem 1rem;border-radius:6px;background:#1677ff;color:#fff;text-decoration:none}</style></head>` +
    `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
  return reply
    .code(status)
    .type("text/html; charset=utf-8")
    .header("cache-control", "no-store")
    .header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'")
    .send(html);
}

function queryRecord(query: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (query && typeof query === "object") {
    for (const [key, value] of Object.entries(query)) if (typeof value === "string") out[key] = value;
  }
  return out;
}

/**
 * WeChat-facing HTTP (outside the JSON API): the platform's authorization-event URL
 * (授权事件接收URL), which takes XML, and the page WeChat sends the administrator back to.
 */
export function wechatRoutes(deps: {
  service: AccountService;
  wechat: WeChatConnection;
  clock: Clock;
  pushes: PlatformPushes;
}) {
  const { service, wechat, clock, pushes } = deps;
  let endpoint: { generation: number; value: PushEndpoint } | undefined;
  const currentEndpoint = (): PushEndpoint => {
    if (endpoint?.generation !== wechat.generation) {
      const platform = wechat.platform();
      endpoint = {
        generation: wechat.generation,
        value: new PushEndpoint({
          token: platform.token,
          appId: platform.componentAppId,
          encodingAESKey: platform.encodingAESKey,
          // WeChat encrypts every platform push: a plaintext one, whose `signature` covers
          // no content, is refused.
          mode: "safe",
          replayWindowSeconds: PLATFORM_REPLAY_WINDOW_SECONDS,
          now: () => clock.now(),
          maxBodyBytes: MAX_PUSH_BYTES,
        }),
      };
    }
    return endpoint.value;
  };

  return async function plugin(app: FastifyInstance): Promise<void> {
    // WeChat posts XML, labelled text/xml (or nothing useful): keep the body as text.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", { parseAs: "string", bodyLimit: MAX_PUSH_BYTES }, (_request, body, done) =>
      done(null, body),
    );

    // Logged at warn only: the access line's URL would carry the push's signature and nonce.
    app.post(COMPONENT_EVENT_PATH, { logLevel: "warn" }, async (request, reply) => {
      const body = typeof request.body === "string" ? request.body : "";
      let opened: ReturnType<PushEndpoint["open"]>;
      try {
        opened = currentEndpoint().open(queryRecord(request.query), body);
        const hash = createHash("sha256").update(opened.plaintextXml).digest("hex");
        const claim = await pushes.claim(opened.timestamp, opened.nonce, hash, clock.now());
        if (claim === "conflict") {
          throw new RefusedPush(
            409,
            "nonce_reused",
            "this timestamp, nonce and signature were already used for another push",
          );
        }
        if (claim === "repeat") {
          // Applied once already: a replay (or WeChat's retry) changes nothing.
          return reply.type("text/plain; charset=utf-8").send("success");
        }
      } catch (error) {
        // Refused before anything was applied: say why, as the callback gateway does.
        const mapped: MappedError =
          error instanceof RefusedPush
            ? { status: error.status, code: error.code, message: error.message, unexpected: false }
            : mapError(error);
        return refusePush(request, reply, mapped, error, "platform push");
      }
      try {
        await service.handleComponentPush(opened.message);
      } catch (error) {
        // WeChat only needs `success`; a failure is ours to log. The claim is released so
        // that WeChat's retry of the same push is applied in full.
        await pushes.release(opened.timestamp, opened.nonce);
        const mapped = mapError(error);
        const level = error instanceof WeChatError || !mapped.unexpected ? "warn" : "error";
        request.log[level]({ err: error, code: mapped.code }, "a platform push was not processed");
      }
      return reply.type("text/plain; charset=utf-8").send("success");
    });

    app.get(AUTHORIZED_PATH, async (request, reply) => {
      const query = queryRecord(request.query);
      const state = query.state ?? "";
      const authCode = query.auth_code ?? "";
      if (!state || !authCode) {
        return page(
          reply,
          400,
          "授权未完成",
          `<p>链接缺少 state 或 auth_code 参数。</p><a class="back" href="/accounts">回到授权账号 · Back to the accounts</a>`,
        );
      }
      try {
        const account = await service.completeAuthorization(state, authCode);
        return page(
          reply,
          200,
          "授权成功",
          `<p>「${escapeHtml(account.nickname)}」已授权。请回到控制台关闭扫码弹窗。</p>` +
            `<dl><dt>AppID</dt><dd>${escapeHtml(account.appId)}</dd>` +
            `<dt>原始 ID</dt><dd>${escapeHtml(account.originalId ?? "")}</dd>` +
            `<dt>权限集</dt><dd>${escapeHtml(account.permissionSets.granted.map((s) => s.name).join("、"))}</dd></dl>` +
            // The way back: the account's page in the console (same origin; the router takes it).
            `<a class="back" href="/accounts/${encodeURIComponent(account.appId)}">在控制台查看此账号 · Open it in the console</a>`,
        );
      } catch (error) {
        const mapped = mapError(error);
        if (mapped.unexpected) request.log.error({ err: error }, "the authorization could not be completed");
        else request.log.warn({ code: mapped.code }, "the authorization could not be completed");
        const details =
          mapped.details && typeof mapped.details === "object" && "errcode" in mapped.details
            ? ` (errcode ${String(mapped.details.errcode)})`
            : "";
        return page(
          reply,
          mapped.status,
          "授权未完成",
          `<p>${escapeHtml(mapped.message)}${escapeHtml(details)}</p><p>请回到控制台重新生成授权链接。</p>` +
            `<a class="back" href="/accounts">回到授权账号 · Back to the accounts</a>`,
        );
      }
    });
  };
}
