import { msgSignature, signaturesEqual, timestampFresh } from "../crypto/index.js";
import {
  CryptoErrorCode,
  PayloadTooLargeError,
  StaleTimestampError,
  WeChatCryptoError,
} from "../errors/index.js";
import { assertXmlSize } from "../xml/parse.js";

/** -40001 with a reason: the request is not provably from the holder of the Token. */
export function signatureError(reason: string, message: string): WeChatCryptoError {
  return new WeChatCryptoError(CryptoErrorCode.ValidateSignature, reason, message);
}

/** The body as text, refused beyond `maxBytes` before any decoding. */
export function bodyText(body: string | Buffer, maxBytes: number): string {
  if (typeof body === "string") {
    assertXmlSize(body, maxBytes);
    return body;
  }
  if (!Buffer.isBuffer(body))
    throw new WeChatCryptoError(CryptoErrorCode.ParseXml, "empty", "body is not text");
  if (body.length > maxBytes) throw new PayloadTooLargeError(maxBytes);
  return body.toString("utf8");
}

/** Throws unless `given` is the msg_signature of `encrypt`. */
export function verifyMsgSignature(
  token: string,
  timestamp: string,
  nonce: string,
  encrypt: string,
  given: string | undefined,
): void {
  if (!given) throw signatureError("missing_signature", "msg_signature is missing");
  if (!signaturesEqual(msgSignature(token, timestamp, nonce, encrypt), given)) {
    throw signatureError("signature_mismatch", "msg_signature does not match");
  }
}

/** Throws {@link StaleTimestampError} when a window is set and `timestamp` falls outside it. */
export function checkFreshness(timestamp: string, nowMs: number, windowSeconds: number): void {
  if (windowSeconds > 0 && !timestampFresh(timestamp, nowMs, windowSeconds)) throw new StaleTimestampError();
}

const TIMESTAMP = /^\d{1,15}$/;

/** Refuses an envelope timestamp that is not decimal seconds (it is written bare into XML). */
export function checkTimestampText(timestamp: string): string {
  if (!TIMESTAMP.test(timestamp)) {
    throw new WeChatCryptoError(
      CryptoErrorCode.ComputeSignature,
      "bad_timestamp",
      "timestamp must be decimal seconds",
    );
  }
  return timestamp;
}
