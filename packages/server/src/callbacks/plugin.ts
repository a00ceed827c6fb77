import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { type MappedError, mapError } from "../http/error-mapping.js";
import { refusePush } from "../http/push-refusal.js";
import { GatewayError } from "./errors.js";
import type { CallbackGateway } from "./gateway.js";

/** The callback URL of an account, relative to the public URL. */
export const CALLBACK_PATH = "/wechat/accounts/:appid/callback";
const APPID = /^[A-Za-z0-9_-]{1,64}$/;

function rawQueryOf(request: FastifyRequest): string {
  const at = request.url.indexOf("?");
  return at < 0 ? "" : request.url.slice(at + 1);
}

function appIdOf(request: FastifyRequest): string {
  const { appid } = request.params as { appid?: unknown };
  if (typeof appid !== "string" || !APPID.test(appid)) {
    throw new GatewayError("account_not_found", "no account has this appid");
  }
  return appid;
}

/**
 * WeChat's side of the gateway: `GET` (URL check) and `POST` (pushes) on each account's
 * callback URL. Bodies are taken as raw text whatever their content type (WeChat sends
 * text/xml, relays send what they like), up to `maxBodyBytes` (413 beyond).
 */
export function callbackPlugin(
  gateway: CallbackGateway,
  options: { maxBodyBytes: number },
): FastifyPluginAsync {
  return async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(
      "*",
      { parseAs: "string", bodyLimit: options.maxBodyBytes },
      (_request, body, done) => {
        done(null, body);
      },
    );

    // Every push is recorded in the events table; per-request access lines would only repeat
    // it at several thousand lines a second. Refusals and failures are still logged, with the
    // request id, at warn and error.
    app.setChildLoggerFactory((logger) => logger);

    app.setErrorHandler(async (error, request, reply) => {
      const mapped: MappedError =
        error instanceof GatewayError
          ? { status: error.status, code: error.code, message: error.message, unexpected: false }
          : mapError(error);
      return refusePush(request, reply, mapped, error, "push");
    });

    const send = (reply: FastifyReply, answer: { status: number; contentType: string; body: string }) =>
      reply.code(answer.status).type(answer.contentType).send(answer.body);

    const routeOptions = { logLevel: "warn" } as const;
    app.get(CALLBACK_PATH, routeOptions, async (request, reply) =>
      send(reply, await gateway.verifyUrl(appIdOf(request), rawQueryOf(request))),
    );
    app.post(CALLBACK_PATH, routeOptions, async (request, reply) => {
      const body = typeof request.body === "string" ? request.body : "";
      return send(reply, await gateway.receive(appIdOf(request), rawQueryOf(request), body));
    });
  };
}
