import { WeChatApiError, WeChatConfigError, WeChatTransportError } from "../errors/index.js";
import { CachedCredential, type CredentialCacheOptions } from "./cached-credential.js";
import { tokenKeys } from "./keys.js";
import type { StoredToken } from "./stores.js";

/** Options of an {@link ExternalTokenCredential}. */
export interface ExternalTokenCredentialOptions extends Omit<CredentialCacheOptions, "refreshAheadMs"> {
  /** The customer's token endpoint (GET). */
  url: string;
  /**
   * Sent with every request, e.g. an Authorization header. Never logged. Userinfo in `url`
   * (`https://user:pass@host/...`) becomes a Basic Authorization header unless one is given here.
   */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  /** Default 10000 ms. */
  timeoutMs?: number;
  /**
   * Turns the answer (parsed JSON, or the raw text when it is not JSON) into a token. The
   * default reads `{access_token, expires_in}` (seconds) or `{access_token, expires_at}`
   * (epoch seconds or ms, or an ISO date).
   */
  parse?: (body: unknown) => StoredToken;
  /** Store key; default `tokenKeys.externalToken(<origin and path of url>)`. */
  key?: string;
  /**
   * Fetch again this long before the announced expiry; default 30 s. The token server refreshes
   * ahead itself, so waiting longer costs nothing.
   */
  refreshAheadMs?: number;
}

/**
 * A token read from the customer's own central token server instead of refreshed here, so that
 * only one system ever refreshes the account's token.
 */
export class ExternalTokenCredential extends CachedCredential {
  /** The token server's origin and path: safe to log (no query, no userinfo). */
  readonly source: string;
  readonly #url: string;
  readonly #headers: Record<string, string>;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #parse: (body: unknown) => StoredToken;

  constructor(options: ExternalTokenCredentialOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new WeChatConfigError("external token url is not a valid URL");
    }
    const source = parsed.origin + parsed.pathname;
    super(options.key ?? tokenKeys.externalToken(source), {
      ...options,
      refreshAheadMs: options.refreshAheadMs ?? 30_000,
    });
    this.source = source;
    this.#headers = { ...basicAuthFrom(parsed), ...options.headers };
    // fetch refuses URLs with userinfo; it travels as a Basic Authorization header instead.
    parsed.username = "";
    parsed.password = "";
    this.#url = parsed.toString();
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#parse = options.parse ?? ((body) => parseTokenAnswer(body, this.now(), this.source));
  }

  protected override async fetchToken(): Promise<StoredToken> {
    const signal = AbortSignal.timeout(this.#timeoutMs);
    let status: number;
    let text: string;
    try {
      const response = await this.#fetch(this.#url, {
        method: "GET",
        headers: { accept: "application/json", ...this.#headers },
        signal,
      });
      status = response.status;
      text = await response.text();
    } catch {
      // The cause is left out on purpose: it may quote the URL with its credentials.
      if (signal.aborted) {
        throw new WeChatTransportError("timeout", this.source, `no answer within ${this.#timeoutMs} ms`);
      }
      throw new WeChatTransportError("network_error", this.source, "token server unreachable");
    }
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: a custom `parse` may accept plain text.
    }
    if (status >= 400 && !hasErrcode(body)) {
      throw new WeChatTransportError("bad_response", this.source, `token server answered HTTP ${status}`);
    }
    const token = this.#parse(body);
    if (!token.value || !Number.isFinite(token.expiresAt)) {
      throw new WeChatTransportError("bad_response", this.source, "token server answer has no usable token");
    }
    return token;
  }
}

/** Reads `{access_token, expires_in}` or `{access_token, expires_at}`; WeChat-style errors become WeChatApiError. */
export function parseTokenAnswer(body: unknown, nowMs: number, source: string): StoredToken {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new WeChatTransportError("bad_response", source, "token server answer is not a JSON object");
  }
  const record = body as Record<string, unknown>;
  if (hasErrcode(record)) {
    const errmsg = typeof record.errmsg === "string" ? record.errmsg : "";
    throw new WeChatApiError({ errcode: Number(record.errcode), errmsg, api: source });
  }
  const value = record.access_token;
  if (typeof value !== "string" || !value) {
    throw new WeChatTransportError("bad_response", source, "token server answer has no access_token");
  }
  const expiresIn = Number(record.expires_in);
  if (record.expires_in !== undefined && Number.isFinite(expiresIn)) {
    return { value, expiresAt: nowMs + expiresIn * 1000 };
  }
  const expiresAt = absoluteTime(record.expires_at);
  if (expiresAt === undefined) {
    throw new WeChatTransportError(
      "bad_response",
      source,
      "token server answer has neither expires_in nor expires_at",
    );
  }
  return { value, expiresAt };
}

function basicAuthFrom(url: URL): Record<string, string> {
  if (!url.username && !url.password) return {};
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` };
}

function hasErrcode(body: unknown): boolean {
  if (body === null || typeof body !== "object") return false;
  const errcode = (body as Record<string, unknown>).errcode;
  return errcode !== undefined && Number(errcode) !== 0;
}

function absoluteTime(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) {
    // Epoch seconds until the year 33658; anything larger is milliseconds.
    return value < 1e12 ? value * 1000 : value;
  }
  if (typeof value === "string" && value) {
    if (/^\d+$/.test(value)) return absoluteTime(Number(value));
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}
