import { MessageCipher, msgSignature, signaturesEqual, urlSignature } from "../crypto/index.js";
import { WeChatConfigError } from "../errors/index.js";
import type { InboundMessage, Reply } from "../messages/index.js";
import { buildReplyXml, InvalidReplyError, toInboundMessage } from "../messages/index.js";
import { DEFAULT_MAX_XML_BYTES, parseXml } from "../xml/index.js";
import {
  bodyText,
  checkFreshness,
  checkTimestampText,
  signatureError,
  verifyMsgSignature,
} from "./checks.js";
import { encryptedEnvelope, readEncryptedBody } from "./envelope.js";
import { randomNonce, randomPrefix, secondsText } from "./random.js";
import type {
  OpenedPush,
  PushEndpointOptions,
  PushMode,
  PushQuery,
  ReplyInput,
  SealOptions,
} from "./types.js";

const ALL_MODES: readonly PushMode[] = ["plaintext", "compatible", "safe"];
const DEFAULT_REPLAY_WINDOW_SECONDS = 300;

function replyAddressOf(message: InboundMessage, createTime: number) {
  if (message.kind === "component" || !message.toUserName || !message.fromUserName) {
    throw new InvalidReplyError("no_addressee", "this push cannot be answered with a message");
  }
  return { toUserName: message.fromUserName, fromUserName: message.toUserName, createTime };
}

/**
 * One push URL: verifies WeChat's URL check, opens pushes (signature, replay window,
 * decryption, parsing, typing) and seals replies the way the push came.
 *
 * Replay memory (has this nonce been seen?) needs storage and stays with the caller:
 * {@link OpenedPush} carries the timestamp, nonce and signature it needs.
 *
 * @example
 * const endpoint = new PushEndpoint({ token, appId, encodingAESKey });
 * const opened = endpoint.open(query, body);
 * response.end(endpoint.seal({ type: "text", content: "hi" }, opened));
 */
export class PushEndpoint {
  readonly #token: string;
  readonly #cipher: MessageCipher | undefined;
  readonly #previousSealer: MessageCipher | undefined;
  readonly #modes: ReadonlySet<PushMode>;
  readonly #window: number;
  readonly #now: () => number;
  readonly #maxBytes: number;

  /**
   * @throws {WeChatConfigError} for an empty token, an unknown mode, or encrypted modes without a key
   * @throws {WeChatCryptoError} -40004 for a malformed EncodingAESKey
   */
  constructor(options: PushEndpointOptions) {
    if (!options.token) throw new WeChatConfigError("token must not be empty");
    this.#token = options.token;
    const modes =
      options.mode === undefined
        ? ALL_MODES
        : typeof options.mode === "string"
          ? [options.mode]
          : options.mode;
    for (const mode of modes)
      if (!ALL_MODES.includes(mode)) throw new WeChatConfigError(`unknown push mode ${mode}`);
    this.#modes = new Set(modes);
    if (options.encodingAESKey) {
      this.#cipher = new MessageCipher({
        encodingAESKey: options.encodingAESKey,
        appId: options.appId,
        previousEncodingAESKey: options.previousEncodingAESKey,
      });
      if (options.previousEncodingAESKey) {
        this.#previousSealer = new MessageCipher({
          encodingAESKey: options.previousEncodingAESKey,
          appId: options.appId,
        });
      }
    } else if (options.mode !== undefined && modes.some((mode) => mode !== "plaintext")) {
      throw new WeChatConfigError("compatible and safe modes need an encodingAESKey");
    }
    const window = options.replayWindowSeconds ?? DEFAULT_REPLAY_WINDOW_SECONDS;
    if (!(window >= 0)) throw new WeChatConfigError("replayWindowSeconds must be 0 or more");
    this.#window = window;
    this.#now = options.now ?? Date.now;
    this.#maxBytes = options.maxBodyBytes ?? DEFAULT_MAX_XML_BYTES;
  }

  /**
   * Answers WeChat's URL check (`GET ?signature&timestamp&nonce&echostr`).
   *
   * @returns the `echostr` to send back verbatim
   * @throws {WeChatCryptoError} -40001 (`missing_signature`, `signature_mismatch`, `missing_echostr`)
   */
  verifyUrl(query: PushQuery): string {
    const { signature, timestamp, nonce, echostr } = query;
    if (!signature || !timestamp || !nonce)
      throw signatureError("missing_signature", "signature, timestamp and nonce are required");
    if (!signaturesEqual(urlSignature(this.#token, timestamp, nonce), signature)) {
      throw signatureError("signature_mismatch", "signature does not match");
    }
    if (echostr === undefined) throw signatureError("missing_echostr", "echostr is missing");
    return echostr;
  }

  /**
   * Opens a push: checks `signature` (plaintext) or `msg_signature` over `<Encrypt>`
   * (`encrypt_type=aes`), the replay window, then decrypts, parses and types it.
   *
   * @throws {WeChatCryptoError} -40001 signature (or a mode this endpoint refuses), -40002 XML,
   *   -40005 appid, -40007 decryption
   * @throws {StaleTimestampError} outside the replay window
   * @throws {PayloadTooLargeError} beyond `maxBodyBytes`
   */
  open(query: PushQuery, body: string | Buffer): OpenedPush {
    const text = bodyText(body, this.#maxBytes);
    const { timestamp, nonce } = query;
    if (!timestamp || !nonce) throw signatureError("missing_signature", "timestamp and nonce are required");
    const encryptType = query.encrypt_type;
    if (encryptType === undefined || encryptType === "" || encryptType === "raw") {
      return this.#openPlaintext(query.signature, timestamp, nonce, text);
    }
    if (encryptType !== "aes") throw signatureError("mode_refused", "unknown encrypt_type");
    const cipher = this.#cipher;
    if (!cipher) throw signatureError("mode_refused", "encrypted pushes are not configured here");
    const given = query.msg_signature;
    if (!given) throw signatureError("missing_signature", "msg_signature is missing");
    const { encrypt, mode } = readEncryptedBody(text, this.#maxBytes);
    if (!this.#modes.has(mode)) throw signatureError("mode_refused", `${mode} mode is not accepted here`);
    verifyMsgSignature(this.#token, timestamp, nonce, encrypt, given);
    checkFreshness(timestamp, this.#now(), this.#window);
    const decrypted = cipher.decrypt(encrypt);
    const message = toInboundMessage(parseXml(decrypted.message, { maxBytes: this.#maxBytes }));
    return {
      message,
      plaintextXml: decrypted.message,
      encrypted: true,
      mode,
      timestamp,
      nonce,
      signature: given,
      cipherKey: decrypted.key,
    };
  }

  #openPlaintext(signature: string | undefined, timestamp: string, nonce: string, text: string): OpenedPush {
    if (!this.#modes.has("plaintext"))
      throw signatureError("mode_refused", "plaintext pushes are not accepted here");
    if (!signature) throw signatureError("missing_signature", "signature is missing");
    if (!signaturesEqual(urlSignature(this.#token, timestamp, nonce), signature)) {
      throw signatureError("signature_mismatch", "signature does not match");
    }
    checkFreshness(timestamp, this.#now(), this.#window);
    const message = toInboundMessage(parseXml(text, { maxBytes: this.#maxBytes }));
    return { message, plaintextXml: text, encrypted: false, mode: "plaintext", timestamp, nonce, signature };
  }

  /**
   * The HTTP body answering `opened`: `success` for `null`; the reply XML for a plaintext push;
   * the encrypted envelope (with the key that opened the push) for an encrypted one. Raw XML
   * strings are sent as given (`""` and `success` are never encrypted).
   *
   * @throws {InvalidReplyError} for a reply WeChat would refuse, or a reply to a platform push
   */
  seal(reply: ReplyInput, opened: OpenedPush, options?: SealOptions): string {
    if (reply === null) return "success";
    if (reply === "" || reply === "success") return reply;
    const nowMs = this.#now();
    const xml =
      typeof reply === "string"
        ? reply
        : buildReplyXml(reply as Reply, replyAddressOf(opened.message, Math.floor(nowMs / 1000)));
    if (!opened.encrypted) return xml;
    const cipher = opened.cipherKey === "previous" ? this.#previousSealer : this.#cipher;
    if (!cipher) throw new WeChatConfigError("no EncodingAESKey to encrypt the reply with");
    const encrypt = cipher.encrypt(xml, randomPrefix());
    const timestamp = checkTimestampText(options?.timestamp ?? secondsText(nowMs));
    const nonce = options?.nonce ?? randomNonce();
    return encryptedEnvelope(encrypt, msgSignature(this.#token, timestamp, nonce, encrypt), timestamp, nonce);
  }
}
