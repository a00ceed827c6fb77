import { CryptoErrorCode, WeChatCryptoError } from "../errors/index.js";
import { cdata } from "../xml/build.js";
import { parseXml } from "../xml/index.js";
import { trimXmlSpace } from "../xml/tree.js";

/** The `<Encrypt>` of a push body and the mode the body's shape reveals. */
export interface EncryptedBody {
  encrypt: string;
  mode: "safe" | "compatible";
}

const OPEN = "<Encrypt>";
const CLOSE = "</Encrypt>";
const CDATA_OPEN = "<![CDATA[";

/**
 * `<Encrypt>` found by string search when the body has the usual shape (one `<xml>` root,
 * one Encrypt, CDATA or bare text). Anything else returns `undefined` and is parsed in full.
 * The value needs no more trust than that: msg_signature covers it and decryption checks it.
 */
function scanEncrypt(body: string): EncryptedBody | undefined {
  const trimmed = trimXmlSpace(body);
  if (!trimmed.startsWith("<xml>") || !trimmed.endsWith("</xml>")) return undefined;
  const start = trimmed.indexOf(OPEN);
  if (start < 0 || trimmed.indexOf(OPEN, start + OPEN.length) >= 0) return undefined;
  const from = start + OPEN.length;
  let encrypt: string;
  if (trimmed.startsWith(CDATA_OPEN, from)) {
    const end = trimmed.indexOf("]]>", from + CDATA_OPEN.length);
    if (end < 0 || !trimmed.startsWith(CLOSE, end + 3)) return undefined;
    encrypt = trimmed.slice(from + CDATA_OPEN.length, end);
  } else {
    const end = trimmed.indexOf(CLOSE, from);
    if (end < 0) return undefined;
    encrypt = trimXmlSpace(trimmed.slice(from, end));
    if (encrypt.includes("<") || encrypt.includes("&")) return undefined;
  }
  return { encrypt, mode: trimmed.includes("<MsgType>") ? "compatible" : "safe" };
}

/**
 * The `<Encrypt>` of an encrypted push body.
 *
 * @throws {WeChatCryptoError} -40002 for malformed XML or a missing (or repeated) Encrypt
 */
export function readEncryptedBody(body: string, maxBytes: number): EncryptedBody {
  const scanned = scanEncrypt(body);
  if (scanned) return scanned;
  const record = parseXml(body, { maxBytes });
  const encrypt = record.Encrypt;
  if (typeof encrypt !== "string") {
    throw new WeChatCryptoError(CryptoErrorCode.ParseXml, "missing_encrypt", "body has no single <Encrypt>");
  }
  return { encrypt, mode: record.MsgType === undefined ? "safe" : "compatible" };
}

/** The encrypted reply envelope: `<xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>`. */
export function encryptedEnvelope(
  encrypt: string,
  signature: string,
  timestamp: string,
  nonce: string,
): string {
  return (
    `<xml><Encrypt>${cdata(encrypt)}</Encrypt><MsgSignature>${cdata(signature)}</MsgSignature>` +
    `<TimeStamp>${timestamp}</TimeStamp><Nonce>${cdata(nonce)}</Nonce></xml>`
  );
}
