import {
  WeChatApiError,
  WeChatConfigError,
  WeChatQuotaError,
  WeChatTransportError,
} from "../errors/index.js";
import { joinEndpoint, resolveEndpoints, type WeChatEndpoints, type WeChatHost } from "./endpoints.js";
import { parseRid, QUOTA_ERRCODES, SYSTEM_BUSY, TOKEN_REJECTED_ERRCODES } from "./errcodes.js";
import { collectSecrets, redact, safeCause } from "./redact.js";
import type { TokenProvider } from "./token-provider.js";

/**
 * One HTTP attempt against WeChat, as handed to {@link WeChatClientOptions.onCall}. Every
 * attempt is reported, retries included. Holds no token, secret or query string.
 */
export interface ApiCallRecord {
  /** The API path without query, e.g. `/cgi-bin/menu/create`. */
  api: string;
  method: string;
  /**
   * WeChat's errcode; 0 on success and for answers without one. Transport failures, where
   * WeChat said nothing, also carry 0 with `ok: false` and `error` set.
   */
  errcode: number;
  /** WeChat's errmsg when the answer carried an error (secrets removed). */
  errmsg?: string;
  /** The request id parsed from errmsg. */
  rid?: string;
  latencyMs: number;
  /** 1 for the first attempt of a call, 2 for its first retry, … */
  attempt: number;
  ok: boolean;
  /** The stable code of the failure: `wechat_api_error`, `wechat_quota_exceeded`, `timeout`, `network_error`, `bad_response`. */
  error?: string;
  /** HTTP status, when an answer arrived. */
  status?: number;
}

/** Options of a {@link WeChatClient}. */
export interface WeChatClientOptions {
  /** Hosts to talk to; missing ones default to WeChat's (see `defaultEndpoints`). */
  endpoints?: Partial<WeChatEndpoints>;
  /** Supplies the token added to calls made `withToken` (the default). */
  token?: TokenProvider;
  /**
   * Query parameter that carries the token: `access_token` (default), or
   * `component_access_token` for the third-party platform's own APIs.
   */
  tokenQueryName?: string;
  /** Per-attempt timeout, default 10000 ms. */
  timeoutMs?: number;
  retry?: {
    /** Extra attempts after errcode -1 (system busy), default 2. */
    systemErrorRetries?: number;
    /** Base of the exponential backoff between those attempts, default 200 ms (200, 400, 800, …). */
    backoffMs?: number;
  };
  /** The fetch to use, default the global one. */
  fetch?: typeof fetch;
  /**
   * Sends the JSON calls ({@link WeChatClient.call} without upload) instead of {@link fetch}:
   * a lighter HTTP client where calls are many, e.g. undici's `request` on a kept-alive pool.
   */
  transport?: WeChatTransport;
  /** Called after every attempt, e.g. to log or meter API calls. Must not throw. */
  onCall?: (record: ApiCallRecord) => void;
  /** How to wait between retries; injectable so tests need not wait. */
  sleep?: (ms: number) => Promise<void>;
}

/** Options of one {@link WeChatClient.call}. */
export interface CallInit {
  /** Default `GET` without a body, `POST` with one. */
  method?: "GET" | "POST";
  /** Query parameters; `undefined` values are left out. */
  query?: Record<string, string | number | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as multipart/form-data instead of a JSON body (media uploads); POST. */
  upload?: MultipartUpload;
  /** Add the token as a query parameter (default true). False for the token APIs themselves. */
  withToken?: boolean;
  /** Host to call, default `api`. */
  host?: WeChatHost;
  /** Overrides the client's `retry.systemErrorRetries` for this call (0 for sends that must not repeat). */
  systemErrorRetries?: number;
}

/** A file and plain fields sent as multipart/form-data (WeChat's field for the file is `media`). */
export interface MultipartUpload {
  /** The file's form field (WeChat: `media`). */
  field: string;
  filename: string;
  contentType: string;
  data: Uint8Array;
  /** Other form fields (add_material's `description` for videos). */
  fields?: Record<string, string>;
}

/** One HTTP request as the client sends it through a {@link WeChatTransport}. */
export interface WeChatHttpRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  /** A JSON text, or absent. */
  body?: string;
  /** Aborted when the attempt's time is up; the transport must then reject. */
  signal: AbortSignal;
}

/**
 * Sends one request and resolves its whole answer; rejects when no answer came (network
 * failure, abort). An HTTP error status is an answer, not a rejection.
 */
export type WeChatTransport = (request: WeChatHttpRequest) => Promise<RawAnswer>;

/** A binary answer (an image, a media file). */
export interface RawAnswer {
  status: number;
  contentType: string;
  body: Buffer;
}

type Outcome<R> =
  | { kind: "ok"; value: R }
  | { kind: "errcode"; errcode: number; errmsg: string }
  | { kind: "bad"; message: string };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The one way to reach WeChat's server APIs. It adds the token, turns `errcode ≠ 0` into a
 * typed error, refreshes a rejected token and retries once, retries "system busy" with
 * backoff, never retries an exhausted quota, and bounds every attempt with a timeout.
 */
export class WeChatClient {
  /** The hosts this client calls (prefixes kept, no trailing slash). */
  readonly endpoints: WeChatEndpoints;
  private readonly options: WeChatClientOptions;
  private readonly tokenQueryName: string;
  private readonly timeoutMs: number;
  private readonly systemErrorRetries: number;
  private readonly backoffMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly transport: WeChatTransport | undefined;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: WeChatClientOptions = {}) {
    this.options = options;
    this.endpoints = resolveEndpoints(options.endpoints);
    this.tokenQueryName = options.tokenQueryName ?? "access_token";
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.systemErrorRetries = options.retry?.systemErrorRetries ?? 2;
    this.backoffMs = options.retry?.backoffMs ?? 200;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.transport = options.transport;
    this.sleep = options.sleep ?? defaultSleep;
    if (!(this.timeoutMs > 0)) throw new WeChatConfigError("timeoutMs must be positive");
    if (!(this.systemErrorRetries >= 0)) throw new WeChatConfigError("systemErrorRetries must be ≥ 0");
  }

  /** The token provider calls are made with, if any. */
  get token(): TokenProvider | undefined {
    return this.options.token;
  }

  /**
   * A copy of this client (same hosts, timeouts, hooks) that adds another account's token,
   * under `queryName` (default `access_token`; `component_access_token` for component APIs).
   */
  withToken(token: TokenProvider, queryName = "access_token"): WeChatClient {
    return new WeChatClient({ ...this.options, token, tokenQueryName: queryName });
  }

  /**
   * Calls an API and returns its JSON answer, typed by the caller (not validated).
   * The access token is added as `?access_token=` unless `withToken: false`.
   * @throws WeChatApiError when WeChat answers `errcode ≠ 0`
   * @throws WeChatQuotaError for 45009 / 45011
   * @throws WeChatTransportError `timeout`, `network_error` or `bad_response`
   */
  async call<T>(api: string, init: CallInit = {}): Promise<T> {
    return this.execute(api, init, (answer) => interpretJson(answer) as Outcome<T>, true);
  }

  /**
   * Like {@link call} for binary answers (a QR code image, a media file). A JSON answer with
   * `errcode ≠ 0` is still an error, handled the same way.
   */
  async callRaw(api: string, init: CallInit = {}): Promise<RawAnswer> {
    return this.execute(api, init, interpretRaw, false);
  }

  private async execute<R>(
    api: string,
    init: CallInit,
    interpret: (a: RawAnswer) => Outcome<R>,
    json: boolean,
  ): Promise<R> {
    const [path, inlineQuery] = splitQuery(api);
    const method = init.method ?? (init.body === undefined && init.upload === undefined ? "GET" : "POST");
    const useToken = init.withToken ?? true;
    const provider = this.options.token;
    if (useToken && !provider) {
      throw new WeChatConfigError(`${path} needs an access token but the client has no token provider`);
    }
    const maxBusyRetries = init.systemErrorRetries ?? this.systemErrorRetries;
    let tokenRetried = false;
    let busyRetries = 0;

    for (let attempt = 1; ; attempt++) {
      const token = useToken && provider ? await provider.getToken() : undefined;
      const secrets = collectSecrets(
        token,
        { ...Object.fromEntries(new URLSearchParams(inlineQuery)), ...init.query },
        init.body,
      );
      const url = this.buildUrl(init.host ?? "api", path, inlineQuery, init.query, token);
      const started = performance.now();
      const report = (fields: Omit<ApiCallRecord, "api" | "method" | "latencyMs" | "attempt">) =>
        this.report({ api: path, method, latencyMs: performance.now() - started, attempt, ...fields });

      const signal = AbortSignal.timeout(this.timeoutMs);
      let answer: RawAnswer;
      try {
        answer = await this.send(url, method, init.upload ?? init.body, signal, json);
      } catch (error) {
        const failure = this.transportError(path, error, signal.aborted, secrets);
        report({ errcode: 0, ok: false, error: failure.code });
        throw failure;
      }

      const outcome = interpret(answer);
      if (outcome.kind === "ok") {
        report({ errcode: 0, ok: true, status: answer.status });
        return outcome.value;
      }
      if (outcome.kind === "bad") {
        report({ errcode: 0, ok: false, error: "bad_response", status: answer.status });
        throw new WeChatTransportError("bad_response", path, outcome.message);
      }

      const errmsg = redact(outcome.errmsg, secrets);
      const failure = { errcode: outcome.errcode, errmsg, api: path, rid: parseRid(errmsg) };
      const error = QUOTA_ERRCODES.has(failure.errcode)
        ? new WeChatQuotaError(failure)
        : new WeChatApiError(failure);
      report({
        errcode: failure.errcode,
        errmsg,
        ...(failure.rid === undefined ? {} : { rid: failure.rid }),
        ok: false,
        error: error.code,
        status: answer.status,
      });

      if (error instanceof WeChatQuotaError) throw error;
      if (TOKEN_REJECTED_ERRCODES.has(failure.errcode) && provider && token !== undefined && !tokenRetried) {
        tokenRetried = true;
        await provider.invalidate(token);
        continue;
      }
      if (failure.errcode === SYSTEM_BUSY && busyRetries < maxBusyRetries) {
        await this.sleep(this.backoffMs * 2 ** busyRetries);
        busyRetries++;
        continue;
      }
      throw error;
    }
  }

  private buildUrl(
    host: WeChatHost,
    path: string,
    inlineQuery: string,
    query: CallInit["query"],
    token: string | undefined,
  ): string {
    const parts: string[] = inlineQuery ? [inlineQuery] : [];
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined) parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
    }
    if (token !== undefined)
      parts.push(`${encodeURIComponent(this.tokenQueryName)}=${encodeURIComponent(token)}`);
    const base = joinEndpoint(this.endpoints[host], path);
    return parts.length ? `${base}?${parts.join("&")}` : base;
  }

  private async send(
    url: string,
    method: string,
    body: unknown,
    signal: AbortSignal,
    json: boolean,
  ): Promise<RawAnswer> {
    const headers: Record<string, string> = { accept: "application/json" };
    let payload: string | FormData | undefined;
    if (isUpload(body)) {
      // Built anew for each attempt: a retry must send the whole file again. fetch sets the boundary.
      const form = new FormData();
      for (const [name, value] of Object.entries(body.fields ?? {})) form.append(name, value);
      form.append(body.field, new Blob([body.data], { type: body.contentType }), body.filename);
      payload = form;
    } else if (body !== undefined) {
      // JSON.stringify keeps non-ASCII as is: WeChat shows \uXXXX escapes literally in some places (menus).
      payload = JSON.stringify(body);
      headers["content-type"] = "application/json; charset=utf-8";
    }
    // Binary answers and uploads stay with fetch (which follows redirects, as downloads may need).
    if (this.transport && json && !(payload instanceof FormData)) {
      return this.transport({
        url,
        method,
        headers,
        ...(payload === undefined ? {} : { body: payload }),
        signal,
      });
    }
    const response = await this.fetchImpl(url, {
      method,
      headers,
      body: payload,
      signal,
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    return { status: response.status, contentType: response.headers.get("content-type") ?? "", body: bytes };
  }

  private transportError(
    api: string,
    error: unknown,
    timedOut: boolean,
    secrets: readonly string[],
  ): WeChatTransportError {
    const cause = safeCause(error, secrets);
    if (timedOut || isTimeout(error)) {
      return new WeChatTransportError("timeout", api, `no answer within ${this.timeoutMs} ms`, cause);
    }
    return new WeChatTransportError(
      "network_error",
      api,
      `request failed: ${describeNetworkError(error)}`,
      cause,
    );
  }

  private report(record: ApiCallRecord): void {
    if (!this.options.onCall) return;
    try {
      this.options.onCall(record);
    } catch {
      // A failing logger must not turn a successful WeChat call into a failure.
    }
  }
}

function isUpload(body: unknown): body is MultipartUpload {
  return typeof body === "object" && body !== null && (body as { data?: unknown }).data instanceof Uint8Array;
}

function splitQuery(api: string): [path: string, query: string] {
  const index = api.indexOf("?");
  return index < 0 ? [api, ""] : [api.slice(0, index), api.slice(index + 1)];
}

function interpretJson(answer: RawAnswer): Outcome<unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body.toString("utf8"));
  } catch {
    return {
      kind: "bad",
      message: `answer is not JSON (HTTP ${answer.status}, ${answer.contentType || "no content-type"})`,
    };
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return { kind: "bad", message: `answer is not a JSON object (HTTP ${answer.status})` };
  }
  const failure = errcodeOf(parsed as Record<string, unknown>);
  if (failure) return failure;
  if (answer.status >= 400) return { kind: "bad", message: `HTTP ${answer.status} without errcode` };
  return { kind: "ok", value: parsed };
}

function interpretRaw(answer: RawAnswer): Outcome<RawAnswer> {
  // WeChat reports failures of binary APIs as a JSON body, sometimes labelled text/plain.
  if (/json|text\/plain/i.test(answer.contentType) || answer.contentType === "") {
    try {
      const parsed: unknown = JSON.parse(answer.body.toString("utf8"));
      if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) {
        const failure = errcodeOf(parsed as Record<string, unknown>);
        if (failure) return failure;
      }
    } catch {
      // Not JSON: a binary body that merely lacks a precise content-type.
    }
  }
  if (answer.status >= 400) return { kind: "bad", message: `HTTP ${answer.status}` };
  return { kind: "ok", value: answer };
}

function errcodeOf(body: Record<string, unknown>): Outcome<never> | undefined {
  const raw = body.errcode;
  const errcode =
    typeof raw === "number" ? raw : typeof raw === "string" && /^-?\d+$/.test(raw) ? Number(raw) : 0;
  if (errcode === 0) return undefined;
  return { kind: "errcode", errcode, errmsg: typeof body.errmsg === "string" ? body.errmsg : "" };
}

function isTimeout(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    error.name === "TimeoutError" || (error.cause instanceof Error && error.cause.name === "TimeoutError")
  );
}

function describeNetworkError(error: unknown): string {
  // fetch puts the system's error under `cause`; other transports may throw it as is.
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  const code =
    cause !== null && typeof cause === "object" && "code" in cause && typeof cause.code === "string"
      ? cause.code
      : undefined;
  return code ?? (error instanceof Error ? error.name : "unknown error");
}
