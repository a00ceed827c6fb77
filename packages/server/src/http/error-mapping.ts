import {
  MissingTicketError,
  PayloadTooLargeError,
  StaleTimestampError,
  WeChatApiError,
  WeChatConfigError,
  WeChatCryptoError,
  WeChatError,
  WeChatTransportError,
} from "@wxgate/wechat";
import { PlatformError } from "../platform/errors.js";

/** The body of every error response. */
export interface ErrorBody {
  error: {
    code: string;
    message: string;
    details?: unknown;
    requestId: string;
  };
}

/** An error mapped for the wire: status, stable code, a message safe to show. */
/** The JSON body of a refusal: the mapped error's code, message and details, and the request id. */
export function errorBody(
  mapped: Pick<MappedError, "code" | "message" | "details">,
  requestId: string,
): ErrorBody {
  return {
    error: {
      code: mapped.code,
      message: mapped.message,
      ...(mapped.details === undefined ? {} : { details: mapped.details }),
      requestId,
    },
  };
}

export interface MappedError {
  status: number;
  code: string;
  message: string;
  details?: unknown;
  /** Sent as the `retry-after` header (seconds). */
  retryAfterSeconds?: number;
  /** True when the error is ours (5xx): log it with its stack. */
  unexpected: boolean;
}

const fastifyCodes: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: "payload_too_large",
    message: "the request body is too large",
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: "unsupported_media_type",
    message: "the content type is not supported; send application/json",
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: "bad_request",
    message: "the content length does not match the body",
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: "malformed_json",
    message: "the body is empty but the content type says JSON",
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    code: "malformed_json",
    message: "the body is not valid JSON",
  },
};

/**
 * Maps any thrown value to the API's error shape — the one place where errors meet HTTP.
 * Messages of unexpected errors are never shown (they may quote internals).
 */
export function mapError(error: unknown): MappedError {
  if (error instanceof PlatformError) {
    return {
      status: error.status,
      code: error.code,
      message: error.message,
      details: error.details,
      ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}),
      unexpected: false,
    };
  }
  if (error instanceof WeChatError) return mapWeChatError(error);
  if (error instanceof Error) {
    const code = "code" in error && typeof error.code === "string" ? error.code : undefined;
    const known = code ? fastifyCodes[code] : undefined;
    if (known) return { ...known, unexpected: false };
    const statusCode =
      "statusCode" in error && typeof error.statusCode === "number" ? error.statusCode : undefined;
    if (statusCode === 400 && (error instanceof SyntaxError || code?.startsWith("FST_ERR_CTP"))) {
      return {
        status: 400,
        code: "malformed_json",
        message: "the body is not valid JSON",
        unexpected: false,
      };
    }
    if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
      return {
        status: statusCode,
        code: "bad_request",
        message: "the request is not acceptable",
        unexpected: false,
      };
    }
  }
  return { status: 500, code: "internal_error", message: "an internal error occurred", unexpected: true };
}

function mapWeChatError(error: WeChatError): MappedError {
  if (error instanceof WeChatApiError) {
    // errcode / errmsg / rid are WeChat's diagnostics and carry no credential.
    return {
      status: 502,
      code: error.code,
      message: `WeChat refused ${error.api}`,
      details: { errcode: error.errcode, errmsg: error.errmsg, rid: error.rid ?? null, api: error.api },
      unexpected: false,
    };
  }
  if (error instanceof WeChatTransportError) {
    return {
      status: 502,
      code: error.code,
      message: `WeChat could not be reached for ${error.api}`,
      unexpected: false,
    };
  }
  if (error instanceof MissingTicketError) {
    return {
      status: 503,
      code: error.code,
      message: "no component_verify_ticket has been received from WeChat yet",
      unexpected: false,
    };
  }
  if (error instanceof PayloadTooLargeError) {
    return { status: 413, code: "payload_too_large", message: error.message, unexpected: false };
  }
  if (error instanceof WeChatCryptoError || error instanceof StaleTimestampError) {
    return {
      status: 400,
      code: error.code,
      message: "the WeChat message could not be verified",
      // The reason is one of the SDK's fixed words (`signature_mismatch`, `mode_refused`, …).
      ...(error instanceof WeChatCryptoError ? { details: { reason: error.reason } } : {}),
      unexpected: false,
    };
  }
  if (error instanceof WeChatConfigError) {
    return { status: 500, code: "internal_error", message: "an internal error occurred", unexpected: true };
  }
  return {
    status: 502,
    code: error.code,
    message: "WeChat returned an unexpected answer",
    unexpected: false,
  };
}
