import type { FastifyInstance } from "fastify";
import { WorldConflictError } from "../world/factory.js";
import { parseJsonBody, queryOf, rawBody } from "./body.js";

/** A refusal of the control API: `{error}` with an HTTP status. */
export class ControlError extends Error {
  override name = "ControlError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ControlInput {
  /** The JSON body (`{}` when empty). */
  body: Record<string, unknown>;
  query: Record<string, string>;
  params: Record<string, string>;
}

/** The control API's own prefix: never mixed with WeChat paths. */
export const CONTROL_PREFIX = "/__emulator";

/**
 * Adds a control route under `/__emulator` (pass the path without it, e.g. `/clock/advance`).
 * Answers the handler's result as JSON; a {@link ControlError} or a world conflict becomes
 * `{error}` with 4xx.
 */
export function controlRoute(
  app: FastifyInstance,
  def: {
    method: "GET" | "POST" | "DELETE" | "PUT";
    path: string;
    handler(input: ControlInput): unknown | Promise<unknown>;
  },
): void {
  app.route({
    method: def.method,
    url: `${CONTROL_PREFIX}${def.path}`,
    handler: async (request, reply) => {
      let body: Record<string, unknown> = {};
      if (rawBody(request).length > 0) {
        const parsed = parseJsonBody(request);
        if (
          !parsed.ok ||
          typeof parsed.value !== "object" ||
          parsed.value === null ||
          Array.isArray(parsed.value)
        ) {
          return reply.code(400).send({ error: "body must be a JSON object" });
        }
        body = parsed.value as Record<string, unknown>;
      }
      try {
        const result = await def.handler({
          body,
          query: queryOf(request),
          params: (request.params ?? {}) as Record<string, string>,
        });
        return reply.type("application/json; charset=utf-8").send(JSON.stringify(result ?? { ok: true }));
      } catch (error) {
        if (error instanceof ControlError) return reply.code(error.status).send({ error: error.message });
        if (error instanceof WorldConflictError) return reply.code(409).send({ error: error.message });
        if (error instanceof RangeError) return reply.code(400).send({ error: error.message });
        throw error;
      }
    },
  });
}
