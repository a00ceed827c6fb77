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
];

/** Redaction paths: each secret key at the top level and up to three objects deep. */
export const redactPaths: string[] = [
  ...secretKeys.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]),
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-csrf-token"]',
  "headers.authorization",
  "headers.cookie",
  'res.headers["set-cookie"]',
  'headers["set-cookie"]',
  "req.query.access_token",
  "req.query.component_access_token",
  "req.query.authorizer_access_token",
];

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
 * written (pino's redaction), and URLs lose their credential parameters — so a secret cannot
 * reach the logs by accident, only through a message string, which code never builds from secrets.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const config: LoggerOptions = {
    level: options.level,
    base: { service: "wxgate" },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactPaths, censor: "[redacted]" },
    serializers: {
      err: pino.stdSerializers.err,
      req: (req: { method?: string; url?: string; id?: unknown; ip?: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url ? maskUrl(req.url) : undefined,
        ip: req.ip,
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}
