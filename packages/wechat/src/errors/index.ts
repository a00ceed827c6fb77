/**
 * Every error this SDK throws is a {@link WeChatError} with a stable `code`, so callers
 * (and wxgate's HTTP edge) can map them once without string matching on messages.
 */
export class WeChatError extends Error {
  /** Stable machine-readable code, e.g. `signature_invalid`. Never changes between releases. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The error codes of WeChat's official message-crypto samples (WXBizMsgCrypt). */
export const CryptoErrorCode = {
  ValidateSignature: -40001,
  ParseXml: -40002,
  ComputeSignature: -40003,
  IllegalAesKey: -40004,
  ValidateAppId: -40005,
  EncryptAes: -40006,
  DecryptAes: -40007,
} as const;
export type CryptoErrorCode = (typeof CryptoErrorCode)[keyof typeof CryptoErrorCode];

const cryptoCodeNames: Record<CryptoErrorCode, string> = {
  [-40001]: "signature_invalid",
  [-40002]: "xml_invalid",
  [-40003]: "signature_failed",
  [-40004]: "aes_key_invalid",
  [-40005]: "appid_mismatch",
  [-40006]: "encrypt_failed",
  [-40007]: "decrypt_failed",
};

/**
 * A failure of the push protocol: signature, cipher or XML. `errcode` is the official
 * sample's code; `reason` narrows it (e.g. `bad_padding` within -40007).
 */
export class WeChatCryptoError extends WeChatError {
  readonly errcode: CryptoErrorCode;
  readonly reason: string;

  constructor(errcode: CryptoErrorCode, reason: string, message: string, options?: { cause?: unknown }) {
    super(cryptoCodeNames[errcode], message, options);
    this.errcode = errcode;
    this.reason = reason;
  }
}

/** A push whose timestamp lies outside the accepted window (replay protection). */
export class StaleTimestampError extends WeChatError {
  constructor(message = "timestamp is outside the accepted window") {
    super("timestamp_stale", message);
  }
}

/** An inbound body that is larger than the configured limit. */
export class PayloadTooLargeError extends WeChatError {
  readonly limit: number;
  constructor(limit: number) {
    super("payload_too_large", `body is larger than ${limit} bytes`);
    this.limit = limit;
  }
}

/** WeChat answered `errcode ≠ 0`. `rid` is the request id WeChat appends to errmsg, when present. */
export class WeChatApiError extends WeChatError {
  readonly errcode: number;
  readonly errmsg: string;
  readonly rid: string | undefined;
  /** The API path that failed, e.g. `/cgi-bin/menu/create`. */
  readonly api: string;

  constructor(init: { errcode: number; errmsg: string; api: string; rid?: string | undefined }) {
    super("wechat_api_error", `${init.api} failed: ${init.errcode} ${init.errmsg}`);
    this.errcode = init.errcode;
    this.errmsg = init.errmsg;
    this.rid = init.rid;
    this.api = init.api;
  }
}

/** 45009 / 45011: a quota is exhausted. Never retried blindly; the caller decides (e.g. clear_quota). */
export class WeChatQuotaError extends WeChatApiError {
  constructor(init: { errcode: number; errmsg: string; api: string; rid?: string | undefined }) {
    super(init);
    Object.defineProperty(this, "code", { value: "wechat_quota_exceeded" });
  }
}

/** A transport failure (timeout, connection refused, non-JSON answer). */
export class WeChatTransportError extends WeChatError {
  readonly api: string;
  constructor(
    code: "timeout" | "network_error" | "bad_response",
    api: string,
    message: string,
    cause?: unknown,
  ) {
    super(code, `${api}: ${message}`, { cause });
    this.api = api;
  }
}

/** No component_verify_ticket is stored yet: WeChat pushes one every 10 minutes. */
export class MissingTicketError extends WeChatError {
  constructor(componentAppId: string) {
    super("component_ticket_missing", `no component_verify_ticket stored for ${componentAppId} yet`);
  }
}

/** Invalid configuration handed to the SDK (bad EncodingAESKey, empty appid, …). */
export class WeChatConfigError extends WeChatError {
  constructor(message: string) {
    super("config_invalid", message);
  }
}
