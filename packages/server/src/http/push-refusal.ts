import type { FastifyReply, FastifyRequest } from "fastify";
import { errorBody, type MappedError } from "./error-mapping.js";

/**
 * Answers a push from WeChat that was refused (or failed) the way every push URL does: the
 * mapped status and JSON error body, and one log line — at error for our own failures, at warn
 * for refusals, with the code and reason but never the URL, whose query holds the push's
 * signature, timestamp and nonce.
 */
export function refusePush(
  request: FastifyRequest,
  reply: FastifyReply,
  mapped: MappedError,
  error: unknown,
  what: string,
): FastifyReply {
  if (mapped.unexpected) request.log.error({ reqId: request.id, err: error }, `${what} failed`);
  else
    request.log.warn(
      { reqId: request.id, code: mapped.code, status: mapped.status, details: mapped.details },
      `${what} refused`,
    );
  return reply
    .code(mapped.status)
    .type("application/json; charset=utf-8")
    .send(errorBody(mapped, request.id));
}
