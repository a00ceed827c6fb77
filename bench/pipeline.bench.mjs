// The inbound pipeline for a typical encrypted text message — verify msg_signature, decrypt,
// parse, build and encrypt a text reply — next to node-webot's `wechat` middleware doing the
// same work (called for real, with request and response stand-ins) and to a floor of only
// the cryptography the protocol requires.
import { createCipheriv, createDecipheriv, createHash } from "node:crypto";
import { createRequire } from "node:module";
import {
  buildReplyXml,
  buildXml,
  MessageCipher,
  msgSignature,
  openReply,
  PushEndpoint,
  parseMessage,
  sealPush,
  signaturesEqual,
} from "@wxgate/wechat";
import { compare, format, micros } from "./lib/measure.mjs";
import { writeSection } from "./lib/section.mjs";

const require = createRequire(import.meta.url);
const webot = require("wechat");

const token = "benchtoken";
const appId = "wx0123456789abcdef";
const encodingAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const replyText = "收到，谢谢！We will get back to you shortly.";
const POOL = 256;

// Distinct pushes (own nonce, MsgId, content), sealed as WeChat does in safe mode.
const timestamp = String(Math.floor(Date.now() / 1000));
const pushes = Array.from({ length: POOL }, (_, i) => {
  const xml = buildXml({
    ToUserName: "gh_0123456789ab",
    FromUserName: `oUpF8uMuAJO_M2pxb1Q9zNjWeS${String(i).padStart(3, "0")}`,
    CreateTime: Number(timestamp),
    MsgType: "text",
    Content: `你好，我想问一下订单 ${100000 + i} 的物流情况 hello`,
    MsgId: String(23456789012345678n + BigInt(i)),
  });
  return sealPush(xml, {
    token,
    appId,
    encodingAESKey,
    mode: "safe",
    timestamp,
    nonce: String(1_000_000 + i),
  });
});
let next = 0;
const take = () => pushes[next++ % POOL];

// ours
const endpoint = new PushEndpoint({ token, appId, encodingAESKey });
const ours = () => {
  const push = take();
  const opened = endpoint.open(push.query, push.body);
  return endpoint.seal({ type: "text", content: replyText }, opened);
};

// node-webot: the real middleware function, with the request and response it expects
const middleware = webot({ token, appid: appId, encodingAESKey }, (_req, res) => res.reply(replyText));
const webotPath = () =>
  new Promise((resolve, reject) => {
    const push = take();
    const req = { method: "POST", query: push.query, rawBody: push.body };
    const res = { writeHead() {}, end: resolve };
    middleware(req, res, reject);
  });

// floor: AES-256-CBC decrypt of the push, AES-256-CBC encrypt of a reply of the same size,
// SHA-1 of the push's signature input and of the reply's — nothing else
const key = Buffer.from(`${encodingAESKey}=`, "base64");
const iv = key.subarray(0, 16);
const sample = ours();
const replyEnvelope = openReply(sample, { token, appId, encodingAESKey });
if (replyEnvelope.reply?.type !== "text" || replyEnvelope.reply.content !== replyText)
  throw new Error("our reply did not round-trip");
const replyPlainLength = 20 + Buffer.byteLength(replyEnvelope.xml) + appId.length;
const replyPadded = Buffer.alloc(replyPlainLength + (32 - (replyPlainLength % 32)), 1);
const ciphertexts = pushes.map((push) =>
  Buffer.from(/<Encrypt><!\[CDATA\[([^\]]+)/.exec(push.body)[1], "base64"),
);
const signatureInputs = pushes.map((push) => /<Encrypt><!\[CDATA\[([^\]]+)/.exec(push.body)[1]);
const replyEncrypt = /<Encrypt><!\[CDATA\[([^\]]+)/.exec(sample)[1];
let floorNext = 0;
const floor = () => {
  const i = floorNext++ % POOL;
  const decipher = createDecipheriv("aes-256-cbc", key, iv);
  decipher.setAutoPadding(false);
  decipher.update(ciphertexts[i]);
  decipher.final();
  const cipher = createCipheriv("aes-256-cbc", key, iv);
  cipher.setAutoPadding(false);
  cipher.update(replyPadded);
  cipher.final();
  createHash("sha1")
    .update(token)
    .update(timestamp)
    .update("1000000")
    .update(signatureInputs[i])
    .digest("hex");
  return createHash("sha1")
    .update(token)
    .update(timestamp)
    .update("1000000")
    .update(replyEncrypt)
    .digest("hex");
};

// both contestants must produce a reply WeChat accepts
const webotSample = await webotPath();
const webotReply = openReply(webotSample, { token, appId, encodingAESKey });
if (webotReply.reply?.type !== "text" || webotReply.reply.content !== replyText)
  throw new Error("webot reply did not round-trip");

const results = await compare({ ours, webot: webotPath, floor });

// where our time goes: each stage alone, through the public API
const cipher = new MessageCipher({ encodingAESKey, appId });
const push0 = pushes[0];
const encrypt0 = /<Encrypt><!\[CDATA\[([^\]]+)/.exec(push0.body)[1];
const plaintext0 = cipher.decrypt(encrypt0).message;
const prefix = Buffer.alloc(16, 7);
const address = {
  toUserName: "oUpF8uMuAJO_M2pxb1Q9zNjWeS000",
  fromUserName: "gh_0123456789ab",
  createTime: 1,
};
const stages = await compare(
  {
    "verify msg_signature": () =>
      signaturesEqual(msgSignature(token, timestamp, push0.query.nonce, encrypt0), push0.query.msg_signature),
    "MessageCipher.decrypt": () => cipher.decrypt(encrypt0),
    "parseMessage (XML + typing)": () => parseMessage(plaintext0),
    buildReplyXml: () => buildReplyXml({ type: "text", content: replyText }, address),
    "MessageCipher.encrypt (prefix given)": () => cipher.encrypt(replyEnvelope.xml, prefix),
    "sign reply (msgSignature)": () => msgSignature(token, timestamp, "1000000", replyEncrypt),
  },
  { warmupMs: 300, roundMs: 400, rounds: 3 },
);

const oursVsWebot = results.ours.opsPerSecond / results.webot.opsPerSecond;
const floorVsOurs = results.floor.opsPerSecond / results.ours.opsPerSecond;
console.log(`ours / webot = ${oursVsWebot.toFixed(2)}×; floor / ours = ${floorVsOurs.toFixed(2)}×`);

const row = (label, r) =>
  `| ${label} | ${format(r.opsPerSecond)} | ${micros(r.opsPerSecond)} | ${format(r.min)}–${format(r.max)} |`;
writeSection(
  "pipeline",
  "Inbound pipeline: encrypted text message in, encrypted text reply out",
  `
One safe-mode push (${Buffer.byteLength(pushes[0].body)}-byte body, ${replyEnvelope.xml.length}-character reply), single thread,
${POOL} distinct pushes in rotation. Each operation verifies \`msg_signature\`, decrypts, parses and types the message,
builds a text reply, encrypts and signs it. Median of ${results.ours.rounds} rounds of 1 s each, the three paths alternating round by round, after a 1.5 s warm-up.

| Path | messages/s | µs/message | rounds (min–max) |
| --- | ---: | ---: | ---: |
${row("wxgate `PushEndpoint.open` + `seal`", results.ours)}
${row("node-webot `wechat` 2.1 middleware (xml2js ×2, wechat-crypto, ejs reply)", results.webot)}
${row("floor: AES-256-CBC decrypt + encrypt, 2× SHA-1 (no base64, no XML)", results.floor)}

- wxgate / node-webot: **${oursVsWebot.toFixed(2)}×** (target ≥ 3×)
- floor / wxgate: **${floorVsOurs.toFixed(2)}×** (target ≤ 2×: the pipeline costs at most twice its cryptography)

Where the wxgate time goes (each stage alone, same run, µs per call):

| Stage | µs |
| --- | ---: |
${Object.values(stages)
  .map((stage) => `| ${stage.name} | ${micros(stage.opsPerSecond)} |`)
  .join("\n")}

node-webot is called through its real middleware function with request and response stand-ins
(\`rawBody\`, \`query\`, \`writeHead\`, \`end\`); both replies are checked by decrypting them with \`openReply\`.
`,
);
