import type { InboundMessage, Reply, ReplyAddress } from "../messages/index.js";

/**
 * How pushes travel: `plaintext` (signature only), `compatible` (plain fields and `<Encrypt>`
 * both), `safe` (only `<Encrypt>`). Encrypted pushes carry `encrypt_type=aes&msg_signature=`.
 */
export type PushMode = "plaintext" | "compatible" | "safe";

/** Configuration of a {@link PushEndpoint}: one account's (or platform's) push URL. */
export interface PushEndpointOptions {
  /** The Token set in WeChat's console. */
  token: string;
  /** The appid (or component appid) written inside every encrypted push. */
  appId: string;
  /** The current EncodingAESKey; without it only plaintext pushes are accepted. */
  encodingAESKey?: string | undefined;
  /** The key in force before the last rotation, still accepted (and answered with). */
  previousEncodingAESKey?: string | undefined;
  /** The modes accepted; default all three. */
  mode?: PushMode | readonly PushMode[] | undefined;
  /** Largest accepted distance between `timestamp` and now, in seconds; default 300, 0 turns the check off. */
  replayWindowSeconds?: number | undefined;
  /** The clock, in milliseconds (default `Date.now`). */
  now?: (() => number) | undefined;
  /** Largest accepted body in bytes; default 1 MiB. */
  maxBodyBytes?: number | undefined;
}

/** The query string of a push or URL check, as a record of its parameters. */
export type PushQuery = Readonly<Record<string, string | undefined>>;

/** A verified, decrypted and typed push. */
export interface OpenedPush {
  message: InboundMessage;
  /** The push's XML as WeChat wrote it (decrypted when it was encrypted). */
  plaintextXml: string;
  /** True when the push came encrypted; its reply will be encrypted too. */
  encrypted: boolean;
  mode: PushMode;
  /** The query's timestamp (seconds, as text) and nonce: with `signature`, what replay memory needs. */
  timestamp: string;
  nonce: string;
  /** The signature that was verified: `msg_signature` when encrypted, `signature` otherwise. */
  signature: string;
  /** Which EncodingAESKey opened it; `previous` means the sender has not switched keys yet. */
  cipherKey?: "current" | "previous";
}

/** Options of {@link PushEndpoint.seal}. */
export interface SealOptions {
  /** Envelope timestamp (seconds as text); default now. */
  timestamp?: string | undefined;
  /** Envelope nonce; default random. */
  nonce?: string | undefined;
}

/** What to answer a push with: a reply, raw XML, or `null` for `success` (no reply). */
export type ReplyInput = Reply | string | null;

/** Options of {@link sealPush}: what WeChat knows when it pushes. */
export interface SealPushOptions {
  token: string;
  appId: string;
  encodingAESKey?: string | undefined;
  mode: PushMode;
  timestamp?: string | undefined;
  nonce?: string | undefined;
  /** `openid` query parameter; default the document's FromUserName, when it has one. */
  openId?: string | undefined;
  /** The clock, in milliseconds (default `Date.now`), for the default timestamp. */
  now?: (() => number) | undefined;
}

/** A push ready to send: its query parameters and body. */
export interface SealedPush {
  query: Record<string, string>;
  body: string;
}

/** Options of {@link openReply}: what WeChat knows when it reads a reply. */
export interface OpenReplyOptions {
  token: string;
  appId: string;
  encodingAESKey?: string | undefined;
  previousEncodingAESKey?: string | undefined;
  /** Refuse a plaintext reply (safe mode); default false (compatible mode accepts both). */
  requireEncrypted?: boolean | undefined;
  /** When above 0, the envelope's TimeStamp must lie within this many seconds of now; default 0 (off). */
  replayWindowSeconds?: number | undefined;
  now?: (() => number) | undefined;
  maxBodyBytes?: number | undefined;
}

/** A reply as WeChat reads it. */
export interface OpenedReply {
  /** The reply's plaintext XML; `null` for `success` or an empty body (no reply). */
  xml: string | null;
  reply?: Reply;
  /** Who the reply is addressed to and from, as the reply states it. */
  address?: ReplyAddress;
  /** True when the reply came in an encrypted envelope. */
  encrypted: boolean;
}
