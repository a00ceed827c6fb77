/**
 * Hostile inputs through the push pipeline and the XML codec: every one must end in its
 * named, typed error — never a crash, a garbage message, or a polluted prototype.
 */
import { createCipheriv } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import {
  buildXml,
  msgSignature,
  PayloadTooLargeError,
  PushEndpoint,
  parseXml,
  StaleTimestampError,
  sealPush,
  urlSignature,
  WeChatConfigError,
  WeChatCryptoError,
  WeChatError,
} from "../src/index.js";
import { mulberry32 } from "./prng.js";

const token = "hostiletoken";
const appId = "wx0123456789abcdef";
const encodingAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const otherKey = "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut";
const NOW = 1_700_000_000_000;
const timestamp = String(NOW / 1000);
const nonce = "424242";

const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

const endpoint = new PushEndpoint({ token, appId, encodingAESKey, now: () => NOW });
const safeOnly = new PushEndpoint({ token, appId, encodingAESKey, now: () => NOW, mode: "safe" });

const validXml = buildXml({
  ToUserName: "gh_account",
  FromUserName: "oFollower",
  CreateTime: 1700000000,
  MsgType: "text",
  Content: "hello",
  MsgId: "1234567890123456",
});

/** AES-256-CBC over raw bytes, so tests can forge any plaintext layout. */
function rawEncrypt(plain: Buffer, key = encodingAESKey): string {
  const aesKey = Buffer.from(`${key}=`, "base64");
  const cipher = createCipheriv("aes-256-cbc", aesKey, aesKey.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString("base64");
}

/**
 * random(16) ‖ length ‖ message ‖ appid, padded to 32 bytes (one block more with `extraBlock`)
 * with bytes of value `padValue` (default: the correct one).
 */
function layout(
  message: string,
  options: { length?: number; appId?: string; padValue?: number; extraBlock?: boolean } = {},
) {
  const body = Buffer.from(message);
  const tail = Buffer.from(options.appId ?? appId);
  const unpadded = 20 + body.length + tail.length;
  const pad = 32 - (unpadded % 32) + (options.extraBlock ? 32 : 0);
  const plain = Buffer.alloc(unpadded + pad, options.padValue ?? pad);
  plain.fill(7, 0, 16);
  plain.writeUInt32BE(options.length ?? body.length, 16);
  body.copy(plain, 20);
  tail.copy(plain, 20 + body.length);
  return plain;
}

/** A correctly signed safe-mode push around any Encrypt value. */
function signedEncrypted(encrypt: string, ts = timestamp) {
  return {
    query: {
      timestamp: ts,
      nonce,
      encrypt_type: "aes",
      msg_signature: msgSignature(token, ts, nonce, encrypt),
    },
    body: `<xml><ToUserName><![CDATA[gh_account]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
  };
}

/** A correctly signed plaintext push around any body. */
function signedPlain(body: string | Buffer, ts = timestamp) {
  return { query: { timestamp: ts, nonce, signature: urlSignature(token, ts, nonce) }, body };
}

/** An encrypted push whose decrypted payload is `xml`, sealed correctly. */
function sealedPayload(xml: string) {
  return sealPush(xml, { token, appId, encodingAESKey, mode: "safe", timestamp, nonce });
}

type ErrorClass = abstract new (...args: never[]) => WeChatError;

function expectError(run: () => unknown, kind: ErrorClass, fields: Record<string, unknown>): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught, "expected a typed error").toBeInstanceOf(kind);
  expect(caught).toBeInstanceOf(WeChatError);
  expect(caught).toMatchObject(fields);
}

const crypto = (errcode: number, reason?: string) =>
  reason === undefined ? { errcode } : { errcode, reason };
const open =
  (push: { query: Record<string, string>; body: string | Buffer }, at = endpoint) =>
  () =>
    at.open(push.query, push.body);

const billionLaughs =
  '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
  '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><xml><Content>&lol3;</Content></xml>';
const externalEntity =
  '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><ToUserName>a</ToUserName><Content>&xxe;</Content></xml>';

describe("hostile ciphertexts (signed correctly, so the cipher must catch them)", () => {
  it.each([
    ["padding value 0", layout(validXml, { padValue: 0 }), crypto(-40007, "bad_padding")],
    ["padding value 33", layout(validXml, { extraBlock: true, padValue: 33 }), crypto(-40007, "bad_padding")],
    [
      "inconsistent padding bytes",
      (() => {
        // spaces inside the root make the natural padding 16 bytes long; one of them is then off
        const spaces = (((20 + validXml.length + appId.length - 16) % 32) + 32) % 32;
        const plain = layout(validXml.replace("</xml>", `${" ".repeat(32 - spaces)}</xml>`));
        expect(plain[plain.length - 1]).toBe(16);
        plain[plain.length - 5] = 15;
        return plain;
      })(),
      crypto(-40007, "bad_padding"),
    ],
    ["length field beyond the buffer", layout(validXml, { length: 1_000_000 }), crypto(-40007, "bad_length")],
    [
      "length field just past the end",
      layout(validXml, { length: Buffer.byteLength(validXml) + appId.length + 1 }),
      crypto(-40007, "bad_length"),
    ],
    ["plaintext shorter than its header", Buffer.alloc(32, 16), crypto(-40007, "bad_length")],
    ["appid mismatch", layout(validXml, { appId: "wxattacker00000000" }), crypto(-40005, "appid_mismatch")],
    ["empty appid", layout(validXml, { appId: "" }), crypto(-40005, "appid_mismatch")],
  ])("%s", (_name, plain, expected) => {
    expectError(open(signedEncrypted(rawEncrypt(plain))), WeChatCryptoError, expected);
  });

  it.each([
    ["invalid base64", "****not-base64****", crypto(-40007, "bad_base64")],
    ["base64 with whitespace", "aGVsbG8g d29ybGQ=", crypto(-40007, "bad_base64")],
    ["not a whole number of AES blocks", Buffer.alloc(20, 1).toString("base64"), crypto(-40007, "truncated")],
    ["empty Encrypt", "", crypto(-40007, "empty")],
  ])("%s", (_name, encrypt, expected) => {
    expectError(open(signedEncrypted(encrypt)), WeChatCryptoError, expected);
  });

  it("a message encrypted with another key", () => {
    const foreign = sealPush(validXml, {
      token,
      appId,
      encodingAESKey: otherKey,
      mode: "safe",
      timestamp,
      nonce,
    });
    expectError(open(foreign), WeChatCryptoError, {});
    try {
      endpoint.open(foreign.query, foreign.body);
    } catch (error) {
      expect([-40007, -40005]).toContain((error as WeChatCryptoError).errcode);
    }
  });
});

describe("hostile envelopes and queries", () => {
  it("wrong signature", () => {
    const push = signedPlain(validXml);
    expectError(
      open({ ...push, query: { ...push.query, signature: "0".repeat(40) } }),
      WeChatCryptoError,
      crypto(-40001, "signature_mismatch"),
    );
  });

  it("missing signature", () => {
    expectError(
      open({ query: { timestamp, nonce }, body: validXml }),
      WeChatCryptoError,
      crypto(-40001, "missing_signature"),
    );
  });

  it("missing timestamp and nonce", () => {
    expectError(
      open({ query: { signature: "x" }, body: validXml }),
      WeChatCryptoError,
      crypto(-40001, "missing_signature"),
    );
  });

  it("signature replayed with another nonce", () => {
    const push = signedPlain(validXml);
    expectError(
      open({ ...push, query: { ...push.query, nonce: "999" } }),
      WeChatCryptoError,
      crypto(-40001, "signature_mismatch"),
    );
  });

  it("wrong msg_signature", () => {
    const push = sealedPayload(validXml);
    expectError(
      open({ ...push, query: { ...push.query, msg_signature: "f".repeat(40) } }),
      WeChatCryptoError,
      crypto(-40001, "signature_mismatch"),
    );
  });

  it("missing msg_signature on an encrypted push", () => {
    const push = sealedPayload(validXml);
    const { msg_signature: _dropped, ...query } = push.query;
    expectError(open({ ...push, query }), WeChatCryptoError, crypto(-40001, "missing_signature"));
  });

  it("a body swapped under a valid msg_signature", () => {
    const push = sealedPayload(validXml);
    const other = sealedPayload(validXml.replace("hello", "evil"));
    expectError(
      open({ query: push.query, body: other.body }),
      WeChatCryptoError,
      crypto(-40001, "signature_mismatch"),
    );
  });

  it("unknown encrypt_type", () => {
    const push = sealedPayload(validXml);
    expectError(
      open({ ...push, query: { ...push.query, encrypt_type: "des" } }),
      WeChatCryptoError,
      crypto(-40001, "mode_refused"),
    );
  });

  it("plaintext push to a safe-mode endpoint", () => {
    expectError(open(signedPlain(validXml), safeOnly), WeChatCryptoError, crypto(-40001, "mode_refused"));
  });

  it("stale timestamp", () => {
    const old = String(NOW / 1000 - 301);
    expectError(open(signedPlain(validXml, old)), StaleTimestampError, { code: "timestamp_stale" });
  });

  it("future timestamp", () => {
    const future = String(NOW / 1000 + 3600);
    const push = sealPush(validXml, { token, appId, encodingAESKey, mode: "safe", timestamp: future, nonce });
    expectError(open(push), StaleTimestampError, { code: "timestamp_stale" });
  });

  it("non-numeric timestamp, correctly signed", () => {
    expectError(open(signedPlain(validXml, "yesterday")), StaleTimestampError, { code: "timestamp_stale" });
  });

  it("Encrypt element missing in safe mode", () => {
    const body = "<xml><ToUserName><![CDATA[gh_account]]></ToUserName></xml>";
    expectError(
      open({ query: signedEncrypted("").query, body }),
      WeChatCryptoError,
      crypto(-40002, "missing_encrypt"),
    );
  });

  it("two Encrypt elements", () => {
    const push = sealedPayload(validXml);
    const body = push.body.replace("</xml>", "<Encrypt><![CDATA[AAAA]]></Encrypt></xml>");
    expectError(open({ query: push.query, body }), WeChatCryptoError, crypto(-40002, "missing_encrypt"));
  });

  it("Encrypt holding elements", () => {
    const body = "<xml><Encrypt><a>1</a></Encrypt></xml>";
    expectError(
      open({ query: signedEncrypted("x").query, body }),
      WeChatCryptoError,
      crypto(-40002, "missing_encrypt"),
    );
  });

  it("billion laughs around an encrypted push", () => {
    const push = sealedPayload(validXml);
    expectError(
      open({ query: push.query, body: `<!DOCTYPE x [<!ENTITY a "b">]>${push.body}` }),
      WeChatCryptoError,
      crypto(-40002, "doctype"),
    );
  });

  it("URL check with a wrong signature", () => {
    expectError(
      () => endpoint.verifyUrl({ signature: "0".repeat(40), timestamp, nonce, echostr: "x" }),
      WeChatCryptoError,
      crypto(-40001, "signature_mismatch"),
    );
  });
});

describe("hostile bodies", () => {
  it("empty body, plaintext", () => {
    expectError(open(signedPlain("")), WeChatCryptoError, crypto(-40002, "empty"));
  });

  it("empty body, encrypted", () => {
    expectError(
      open({ query: sealedPayload(validXml).query, body: "" }),
      WeChatCryptoError,
      crypto(-40002, "empty"),
    );
  });

  it("10 MB body as text", () => {
    const body = `<xml><Content>${"a".repeat(10 * 1024 * 1024)}</Content></xml>`;
    expectError(open(signedPlain(body)), PayloadTooLargeError, {
      code: "payload_too_large",
      limit: 1024 * 1024,
    });
  });

  it("10 MB body as bytes, encrypted", () => {
    const body = Buffer.alloc(10 * 1024 * 1024, 0x41);
    expectError(open({ query: sealedPayload(validXml).query, body }), PayloadTooLargeError, {
      code: "payload_too_large",
    });
  });

  it("a multi-byte body just over the limit in bytes, not in characters", () => {
    const small = new PushEndpoint({ token, appId, now: () => NOW, maxBodyBytes: 1000 });
    const body = `<xml><Content>${"中".repeat(340)}</Content></xml>`;
    expectError(() => small.open(signedPlain(body).query, body), PayloadTooLargeError, { limit: 1000 });
  });

  it("billion laughs", () => {
    expectError(open(signedPlain(billionLaughs)), WeChatCryptoError, crypto(-40002, "doctype"));
  });

  it("billion laughs inside the encrypted payload", () => {
    expectError(open(sealedPayload(billionLaughs)), WeChatCryptoError, crypto(-40002, "doctype"));
  });

  it("external entity (SYSTEM file:///etc/passwd)", () => {
    expectError(open(signedPlain(externalEntity)), WeChatCryptoError, crypto(-40002, "doctype"));
  });

  it("__proto__ tags", () => {
    const body = "<xml><__proto__><polluted>yes</polluted></__proto__><MsgType>text</MsgType></xml>";
    expectError(open(signedPlain(body)), WeChatCryptoError, crypto(-40002, "forbidden_tag"));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("constructor and prototype tags inside the encrypted payload", () => {
    expectError(
      open(sealedPayload("<xml><constructor><prototype><x>1</x></prototype></constructor></xml>")),
      WeChatCryptoError,
      crypto(-40002, "forbidden_tag"),
    );
  });

  it("duplicated tags", () => {
    const body = validXml.replace("</xml>", "<Content><![CDATA[second]]></Content></xml>");
    expectError(open(signedPlain(body)), WeChatCryptoError, crypto(-40002, "bad_field"));
  });

  it("duplicated FromUserName inside the encrypted payload", () => {
    const xml = validXml.replace("</xml>", "<FromUserName><![CDATA[oOther]]></FromUserName></xml>");
    expectError(open(sealedPayload(xml)), WeChatCryptoError, crypto(-40002, "bad_field"));
  });

  it("truncated XML", () => {
    expectError(
      open(signedPlain(validXml.slice(0, validXml.length - 9))),
      WeChatCryptoError,
      crypto(-40002, "malformed"),
    );
  });

  it("unterminated CDATA", () => {
    expectError(
      open(signedPlain("<xml><Content><![CDATA[abc</Content></xml>")),
      WeChatCryptoError,
      crypto(-40002, "malformed"),
    );
  });

  it("non-XML (JSON)", () => {
    expectError(
      open(signedPlain('{"MsgType":"text","Content":"hi"}')),
      WeChatCryptoError,
      crypto(-40002, "malformed"),
    );
  });

  it("binary garbage", () => {
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 73 + 41) % 256));
    expectError(open(signedPlain(garbage)), WeChatCryptoError, crypto(-40002));
  });

  it("binary garbage where Encrypt should be", () => {
    const garbage = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 151 + 7) % 256));
    expectError(
      open({ query: sealedPayload(validXml).query, body: garbage }),
      WeChatCryptoError,
      crypto(-40002),
    );
  });

  it("undeclared entity", () => {
    expectError(
      open(signedPlain("<xml><Content>&xxe;</Content></xml>")),
      WeChatCryptoError,
      crypto(-40002, "bad_entity"),
    );
  });

  it("mismatched closing tag inside the encrypted payload", () => {
    expectError(
      open(sealedPayload("<xml><Content>a</MsgType></xml>")),
      WeChatCryptoError,
      crypto(-40002, "malformed"),
    );
  });

  it("nesting 100,000 deep", () => {
    const deep = `<xml>${"<a>".repeat(100_000)}${"</a>".repeat(100_000)}</xml>`;
    expectError(open(signedPlain(deep)), WeChatCryptoError, crypto(-40002, "too_deep"));
  });

  it("CreateTime that is not a number", () => {
    expectError(
      open(signedPlain(validXml.replace("1700000000", "soon"))),
      WeChatCryptoError,
      crypto(-40002, "bad_field"),
    );
  });
});

describe("hostile input to the XML codec directly", () => {
  it.each([
    ["a non-string document", 42 as unknown as string, crypto(-40002, "empty")],
    ["two roots", "<a/><b/>", crypto(-40002, "no_root")],
    ["two roots with text", "<a>1</a><b>2</b>", crypto(-40002, "malformed")],
    [
      "a processing instruction trick",
      "<?xml version='1.0'?><!DOCTYPE x SYSTEM 'http://evil/x.dtd'><xml/>",
      crypto(-40002, "doctype"),
    ],
    [
      "a parameter entity",
      '<!DOCTYPE x [<!ENTITY % p SYSTEM "http://evil">%p;]><xml/>',
      crypto(-40002, "doctype"),
    ],
    ["an ELEMENT declaration", "<xml><!ELEMENT x ANY></xml>", crypto(-40002, "declaration")],
    ["text and elements mixed", "<xml>a<B>1</B></xml>", crypto(-40002, "mixed_content")],
  ])("%s", (_name, xml, expected) => {
    expectError(() => parseXml(xml), WeChatCryptoError, expected);
  });

  it("a document over the limit", () => {
    expectError(() => parseXml(`<xml>${"x".repeat(2048)}</xml>`, { maxBytes: 1024 }), PayloadTooLargeError, {
      limit: 1024,
    });
  });

  it("an unusable tag when building", () => {
    expectError(() => buildXml({ "x><evil": "1" }), WeChatConfigError, { code: "config_invalid" });
  });
});

describe("mutation fuzzing: nothing but typed errors", () => {
  function mutate(text: string, random: () => number): string {
    const chars = [...text];
    const edits = 1 + Math.floor(random() * 4);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(random() * chars.length);
      const op = random();
      if (op < 0.4) chars[at] = String.fromCharCode(Math.floor(random() * 128));
      else if (op < 0.7) chars.splice(at, 1 + Math.floor(random() * 8));
      else
        chars.splice(
          at,
          0,
          ["<", ">", "]]>", "<![CDATA[", "&", "<!DOCTYPE", "</xml>", "\u0000"][Math.floor(random() * 8)] ??
            "",
        );
    }
    return chars.join("");
  }

  /** Runs `run`; the code of the WeChatError it threw, or "accepted". Anything else fails. */
  function outcomeOf(run: () => unknown): string {
    try {
      run();
      return "accepted";
    } catch (error) {
      expect(error).toBeInstanceOf(WeChatError);
      return (error as WeChatError).code;
    }
  }

  function tally(outcomes: string[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
    return counts;
  }

  it("mutated plaintext pushes and XML documents throw only WeChatError", () => {
    const random = mulberry32(20240601);
    const parsed: string[] = [];
    const opened: string[] = [];
    for (let i = 0; i < 1500; i++) {
      const body = mutate(validXml, random);
      parsed.push(outcomeOf(() => parseXml(body)));
      opened.push(outcomeOf(() => endpoint.open(signedPlain(body).query, body)));
    }
    // The mutations break most documents (the seed is fixed: these are the same every run), and
    // each refusal is the parser's typed one; the few edits that keep a document well-formed pass.
    for (const outcomes of [parsed, opened]) {
      const counts = tally(outcomes);
      expect(counts["xml_invalid"] ?? 0).toBeGreaterThan(1200);
      expect(counts["accepted"] ?? 0).toBeGreaterThan(0);
    }
  });

  it("mutated encrypted pushes throw only WeChatError", () => {
    const random = mulberry32(7);
    const push = sealedPayload(validXml);
    const outcomes: string[] = [];
    for (let i = 0; i < 1500; i++) {
      const body = mutate(push.body, random);
      // Half keep WeChat's signature; half are signed again over whatever Encrypt the mutation
      // left, as a sender holding the token would, so the mutated ciphertext reaches the cipher.
      const encrypt = /<Encrypt><!\[CDATA\[([^\]]*)\]\]><\/Encrypt>/.exec(body)?.[1];
      const query =
        random() < 0.5 || encrypt === undefined
          ? push.query
          : { ...push.query, msg_signature: msgSignature(token, timestamp, nonce, encrypt) };
      outcomes.push(outcomeOf(() => endpoint.open(query, body)));
    }
    const counts = tally(outcomes);
    const refused = outcomes.filter((outcome) => outcome !== "accepted").length;
    expect(refused).toBeGreaterThan(1200);
    // Refused at each layer: the signature, the XML, and the cipher behind a valid signature.
    expect(counts["signature_invalid"] ?? 0).toBeGreaterThan(100);
    expect(counts["xml_invalid"] ?? 0).toBeGreaterThan(100);
    const cipher = Object.keys(counts).filter(
      (code) => !["accepted", "signature_invalid", "xml_invalid"].includes(code),
    );
    expect(cipher.reduce((sum, code) => sum + (counts[code] ?? 0), 0)).toBeGreaterThan(100);
  });
});

afterAll(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});
