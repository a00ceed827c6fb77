import type { FastifyInstance, FastifyRequest } from "fastify";

/** Largest body accepted: media uploads go up to 10 MB on WeChat; the extra MB lets the API itself refuse a file just over (40009/40011), not the HTTP layer. */
export const BODY_LIMIT = 11 * 1024 * 1024;

/**
 * WeChat reads a JSON body whatever the Content-Type says, so every body is kept as raw bytes
 * and parsed by the route (answering 47001 when it is not JSON).
 */
export function acceptRawBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: BODY_LIMIT }, (_request, body, done) => {
    done(null, body);
  });
}

/** The raw body bytes of a request (empty when it had none). */
export function rawBody(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

/** Parses the body as JSON; `undefined` when it is empty or malformed. */
export function parseJsonBody(request: FastifyRequest): { ok: true; value: unknown } | { ok: false } {
  const raw = rawBody(request);
  if (raw.length === 0) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(raw.toString("utf8")) };
  } catch {
    return { ok: false };
  }
}

/** Query parameters as single strings (the first value wins, as WeChat's CGI does). */
export function queryOf(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  const query = request.query;
  if (typeof query !== "object" || query === null) return out;
  for (const [key, value] of Object.entries(query)) {
    if (typeof value === "string") out[key] = value;
    else if (Array.isArray(value) && typeof value[0] === "string") out[key] = value[0];
  }
  return out;
}
