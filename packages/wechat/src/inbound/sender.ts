import { MessageCipher, msgSignature, urlSignature } from "../crypto/index.js";
import { CryptoErrorCode, WeChatConfigError, WeChatCryptoError } from "../errors/index.js";
import { parseReply } from "../messages/index.js";
import { cdata } from "../xml/build.js";
import { DEFAULT_MAX_XML_BYTES, parseXml, type XmlRecord } from "../xml/index.js";
import { trimXmlSpace } from "../xml/tree.js";
import { bodyText, checkFreshness, checkTimestampText, verifyMsgSignature } from "./checks.js";
import { randomNonce, randomPrefix, secondsText } from "./random.js";
import type { OpenedReply, OpenReplyOptions, SealedPush, SealPushOptions } from "./types.js";

function tryParse(xml: string): XmlRecord | undefined {
  try {
    return parseXml(xml);
  } catch {
    return undefined;
  }
}

function leaf(record: XmlRecord | undefined, tag: string): string | undefined {
  const value = record?.[tag];
  return typeof value === "string" ? value : undefined;
}

/** Inserts `element` before the root's closing tag. */
function beforeRootClose(xml: string, element: string): string {
  const close = xml.lastIndexOf("</");
  if (close < 0) throw new WeChatConfigError("compatible mode needs an XML document to add <Encrypt> to");
  return xml.slice(0, close) + element + xml.slice(close);
}

/**
 * Sends like WeChat: signs (and, for `compatible` and `safe`, encrypts) a push document,
 * returning the query parameters and body to POST. Safe-mode bodies keep `ToUserName`
 * (or `AppId` for platform pushes) beside `<Encrypt>`, as WeChat's do.
 *
 * @throws {WeChatConfigError} for encrypted modes without an EncodingAESKey
 */
export function sealPush(xml: string, options: SealPushOptions): SealedPush {
  const timestamp = checkTimestampText(options.timestamp ?? secondsText((options.now ?? Date.now)()));
  const nonce = options.nonce ?? randomNonce();
  const record = tryParse(xml);
  const query: Record<string, string> = {
    signature: urlSignature(options.token, timestamp, nonce),
    timestamp,
    nonce,
  };
  const openId = options.openId ?? leaf(record, "FromUserName");
  if (openId !== undefined) query.openid = openId;
  if (options.mode === "plaintext") return { query, body: xml };
  if (!options.encodingAESKey) throw new WeChatConfigError(`${options.mode} mode needs an encodingAESKey`);
  const encrypt = new MessageCipher({ encodingAESKey: options.encodingAESKey, appId: options.appId }).encrypt(
    xml,
    randomPrefix(),
  );
  query.encrypt_type = "aes";
  query.msg_signature = msgSignature(options.token, timestamp, nonce, encrypt);
  const encryptElement = `<Encrypt>${cdata(encrypt)}</Encrypt>`;
  if (options.mode === "compatible") return { query, body: beforeRootClose(xml, encryptElement) };
  const toUserName = leaf(record, "ToUserName");
  const appId = leaf(record, "AppId");
  const addressee =
    toUserName !== undefined
      ? `<ToUserName>${cdata(toUserName)}</ToUserName>`
      : appId !== undefined
        ? `<AppId>${cdata(appId)}</AppId>`
        : "";
  return { query, body: `<xml>${addressee}${encryptElement}</xml>` };
}

function envelopeField(record: XmlRecord, tag: string): string {
  const value = record[tag];
  if (typeof value !== "string") {
    throw new WeChatCryptoError(
      CryptoErrorCode.ParseXml,
      "missing_field",
      `<${tag}> must appear once, as text`,
    );
  }
  return value;
}

/**
 * Reads a reply like WeChat: `success` or an empty body is no reply; an encrypted envelope
 * is verified (MsgSignature over Encrypt, TimeStamp, Nonce) and decrypted; plaintext XML is
 * accepted unless `requireEncrypted`. The reply is then parsed and checked.
 *
 * @throws {WeChatCryptoError} -40001 signature, -40002 XML, -40005 appid, -40007 decryption
 * @throws {InvalidReplyError} for a reply WeChat would not deliver (45008 for several articles)
 * @throws {StaleTimestampError} outside `replayWindowSeconds`, when set
 */
export function openReply(body: string | Buffer, options: OpenReplyOptions): OpenedReply {
  const text = bodyText(body, options.maxBodyBytes ?? DEFAULT_MAX_XML_BYTES);
  const trimmed = trimXmlSpace(text);
  if (trimmed === "" || trimmed === "success") return { xml: null, encrypted: false };
  const record = parseXml(text, { maxBytes: options.maxBodyBytes ?? DEFAULT_MAX_XML_BYTES });
  let xml = text;
  const encrypted = record.Encrypt !== undefined;
  if (encrypted) {
    if (!options.encodingAESKey) throw new WeChatConfigError("an encrypted reply needs an encodingAESKey");
    const encrypt = envelopeField(record, "Encrypt");
    const timestamp = envelopeField(record, "TimeStamp");
    const nonce = envelopeField(record, "Nonce");
    verifyMsgSignature(options.token, timestamp, nonce, encrypt, leaf(record, "MsgSignature"));
    checkFreshness(timestamp, (options.now ?? Date.now)(), options.replayWindowSeconds ?? 0);
    const cipher = new MessageCipher({
      encodingAESKey: options.encodingAESKey,
      appId: options.appId,
      previousEncodingAESKey: options.previousEncodingAESKey,
    });
    xml = cipher.decrypt(encrypt).message;
  } else if (options.requireEncrypted) {
    throw new WeChatCryptoError(CryptoErrorCode.ParseXml, "missing_encrypt", "reply is not encrypted");
  }
  const { reply, ...address } = parseReply(xml);
  return { xml, reply, address, encrypted };
}
