import { type DestinationStream, type Logger, type LoggerOptions, pino } from "pino";
import type { LogLevel } from "./config.js";

export type { Logger } from "pino";

/** Property names whose values are secrets wherever they appear in a log record. */
const secretKeys = [
  "secret",
  "appSecret",
  "app_secret",
  "componentSecret",
  "component_appsecret",
  "token",
  "accessToken",
  "access_token",
  "refreshToken",
  "refresh_token",
  "componentAccessToken",
  "component_access_token",
  "authorizerAccessToken",
  "authorizer_access_token",
  "authorizer_refresh_token",
  "component_verify_ticket",
  "ticket",
  "encodingAESKey",
  "encoding_aes_key",
  "EncodingAESKey",
  "password",
  "passwordHash",
  "password_hash",
  "masterKey",
  "apiKey",
  "csrfToken",
  "sessionToken",
  "totp",
  "totp_secret",
  "otpauthUri",
  "smtpUrl",
  "signInCode",
];

/** Header names whose values are credentials, censored like the keys above. */
const secretHeaders = ["authorization", "cookie", "set-cookie", "x-csrf-token"];

/** Query parameters named like a secret key, censored when a parsed query object is logged. */
const secretQueryKeys = ["component_access_token", "authorizer_access_token"];

const censoredKeys: ReadonlySet<string> = new Set([...secretKeys, ...secretHeaders, ...secretQueryKeys]);

const CENSOR = "[redacted]";
/**
 * How deep a record is searched for secret keys; anything deeper is written as this marker
 * rather than unchecked (no record the code writes comes near it).
 */
const MAX_DEPTH = 8;
const TOO_DEEP = "[too deep]";

/**
 * A copy of `value` as it will be written, with the value of every secret key censored at any
 * depth. Walks what JSON would write: arrays, plain objects, and other objects' own enumerable
 * properties (after `toJSON`); errors through pino's error serializer first. Typed arrays,
 * buffers and dates pass as they are.
 *
 * Why not pino's `redact` paths: secret keys anywhere took wildcard-first paths, and with those
 * pino runs the whole path set over every binding of every child logger — Fastify makes one
 * per request, and that cost a tenth of the server's CPU under load. One walk of the (small)
 * records actually written costs nothing when nothing is logged.
 */
export function censorSecrets(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object") return value;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof Date) return value;
  if (depth >= MAX_DEPTH) return TOO_DEEP;
  if (Array.isArray(value)) return value.map((item) => censorSecrets(item, depth + 1));
  if (value instanceof Error) return censorSecrets(pino.stdSerializers.err(value), depth);
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return censorSecrets(toJSON.call(value), depth);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    copy[key] = censoredKeys.has(key)
      ? CENSOR
      : censorSecrets((value as Record<string, unknown>)[key], depth + 1);
  }
  return copy;
}

/** Serializers by top-level key; applied before the secret walk, so the walk sees what is written. */
const serializers: Record<string, (value: never) => unknown> = {
  err: pino.stdSerializers.err,
  req: (req: { method?: string; url?: string; id?: unknown; ip?: string }) => ({
    id: req.id,
    method: req.method,
    url: req.url ? maskUrl(req.url) : undefined,
    ip: req.ip,
  }),
  res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
};

/** A record's top-level keys: serialized, then censored. */
function censorRecord(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    const serialize = serializers[key];
    const value = serialize && record[key] != null ? serialize(record[key] as never) : record[key];
    out[key] = censoredKeys.has(key) ? CENSOR : censorSecrets(value, 1);
  }
  return out;
}

/**
 * Query parameters that carry credentials, or a push's signature and nonce (with them, another
 * body could be sent under a genuine signature); their values are masked in logged URLs.
 */
const secretQueryParams =
  /([?&](?:access_token|component_access_token|authorizer_access_token|secret|appsecret|ticket|code|auth_code|pre_auth_code|echostr|signature|msg_signature|nonce)=)[^&#]*/gi;

/** Masks credentials in a URL before it is logged. */
export function maskUrl(url: string): string {
  return url.replace(secretQueryParams, "$1[redacted]");
}

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  level: LogLevel;
  /** Where records go; standard output by default. */
  destination?: DestinationStream;
}

/**
 * The one logger of the process. Secrets are removed by property name before a record is
 * written (at any depth, see censorSecrets), and URLs lose their credential parameters — so a secret cannot
 * reach the logs by accident, only through a message string, which code never builds from secrets.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const config: LoggerOptions = {
    level: options.level,
    base: { service: "wxgate" },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Secrets are censored by one walk of each record (see censorSecrets), not pino's redact;
    // the walk serializes errors itself, so pino's own error serializer must not run again
    // (it would take the serialized copy for an error and call its type "Object").
    formatters: { log: censorRecord, bindings: censorRecord },
    serializers: { err: (err: unknown) => err },
  };
  const logger = options.destination ? pino(config, options.destination) : pino(config);
  // pino formats only the root's bindings; a child's are written as given. Every child is made
  // through the root's `child` (children inherit it), so censoring there covers them all — a
  // per-request `{ reqId }` costs one small copy.
  const child = logger.child;
  logger.child = function censoredChild(this: Logger, bindings, childOptions) {
    return child.call(this, censorRecord(bindings), childOptions);
  } as typeof logger.child;
  return logger;
}
