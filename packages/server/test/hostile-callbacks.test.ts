import { msgSignature, sealPush, urlSignature } from "@wxgate/wechat";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AES_KEY,
  APP_ID,
  COMPATIBLE_APP_ID,
  countRows,
  type Gateway,
  ORIGINAL_ID,
  PLAINTEXT_APP_ID,
  PREVIOUS_AES_KEY,
  push,
  seal,
  startGateway,
  TOKEN,
  textXml,
} from "./callbacks-helpers.js";

interface Attack {
  name: string;
  send(gateway: Gateway): Promise<Response>;
  status: number;
  code: string;
}

const seconds = (gateway: Gateway) => String(Math.floor(gateway.server.clock.now() / 1000));
const callback = (gateway: Gateway, query: Record<string, string> | string, appId = APP_ID) =>
  `${gateway.url}/wechat/accounts/${appId}/callback?${typeof query === "string" ? query : new URLSearchParams(query)}`;
const post = (
  gateway: Gateway,
  query: Record<string, string> | string,
  body: string | Uint8Array,
  appId = APP_ID,
) =>
  fetch(callback(gateway, query, appId), { method: "POST", headers: { "content-type": "text/xml" }, body });

/** A plaintext push of `xml` whose signature is right: only the body is hostile. */
function signedPlain(gateway: Gateway, xml: string) {
  return post(
    gateway,
    sealPush("<xml/>", {
      token: TOKEN,
      appId: PLAINTEXT_APP_ID,
      mode: "plaintext",
      now: () => gateway.server.clock.now(),
    }).query,
    xml,
    PLAINTEXT_APP_ID,
  );
}

/** A safe-mode push whose `<Encrypt>` is `encrypt`, correctly signed. */
function signedEncrypt(gateway: Gateway, encrypt: string) {
  const timestamp = seconds(gateway);
  const nonce = "424242";
  const query = {
    signature: urlSignature(TOKEN, timestamp, nonce),
    timestamp,
    nonce,
    encrypt_type: "aes",
    msg_signature: msgSignature(TOKEN, timestamp, nonce, encrypt),
  };
  return post(
    gateway,
    query,
    `<xml><ToUserName><![CDATA[${ORIGINAL_ID}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
  );
}

const api = (
  gateway: Gateway,
  method: string,
  path: string,
  init: { body?: string; contentType?: string; key?: string | null } = {},
) =>
  fetch(`${gateway.url}/api/v1${path}`, {
    method,
    headers: {
      ...(init.key !== null ? { authorization: `Bearer ${init.key ?? gateway.apiKey}` } : {}),
      ...(init.contentType ? { "content-type": init.contentType } : {}),
    },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });

const billionLaughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&lol3;</Content><MsgId>1</MsgId></xml>`;
const externalEntity = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&xxe;</Content><MsgId>2</MsgId></xml>`;

const attacks: Attack[] = [
  // signatures
  {
    name: "plaintext push without signature",
    status: 400,
    code: "signature_invalid",
    send: (g) => {
      const { query, body } = seal(g, textXml("x", 1), "plaintext");
      delete query.signature;
      return post(g, query, body, PLAINTEXT_APP_ID);
    },
  },
  {
    name: "plaintext push with a wrong signature",
    status: 400,
    code: "signature_invalid",
    send: (g) => {
      const { query, body } = seal(g, textXml("x", 1), "plaintext");
      return post(g, { ...query, signature: "a".repeat(40) }, body, PLAINTEXT_APP_ID);
    },
  },
  {
    name: "plaintext push with an absurd signature",
    status: 400,
    code: "signature_invalid",
    send: (g) => {
      const { query, body } = seal(g, textXml("x", 1), "plaintext");
      return post(g, { ...query, signature: "'; DROP TABLE events; --".repeat(40) }, body, PLAINTEXT_APP_ID);
    },
  },
  {
    name: "encrypted push without msg_signature",
    status: 400,
    code: "signature_invalid",
    send: (g) => {
      const { query, body } = seal(g, textXml("x", 1), "safe");
      delete query.msg_signature;
      return post(g, query, body);
    },
  },
  {
    name: "encrypted push with a wrong msg_signature",
    status: 400,
    code: "signature_invalid",
    send: (g) => {
      const { query, body } = seal(g, textXml("x", 1), "safe");
      return post(g, { ...query, msg_signature: "0".repeat(40) }, body);
    },
  },
  {
    name: "push without timestamp",
    status: 400,
    code: "signature_invalid",
    send: (g) => {
      const { query, body } = seal(g, textXml("x", 1), "safe");
      delete query.timestamp;
      return post(g, query, body);
    },
  },
  {
    name: "push without nonce",
    status: 400,
    code: "signature_invalid",
    send: (g) => {
      const { query, body } = seal(g, textXml("x", 1), "plaintext");
      delete query.nonce;
      return post(g, query, body, PLAINTEXT_APP_ID);
    },
  },
  {
    name: "unknown encrypt_type",
    status: 400,
    code: "signature_invalid",
    send: (g) => {
      const { query, body } = seal(g, textXml("x", 1), "safe");
      return post(g, { ...query, encrypt_type: "des" }, body);
    },
  },
  // forgeries: a valid `signature` (it covers only Token, timestamp and nonce) on a body of the forger's choosing
  {
    name: "plaintext push to a safe-mode account, correctly signed",
    status: 400,
    code: "signature_invalid",
    send: (g) => {
      const { query, body } = seal(g, textXml("forged", 1), "plaintext");
      return post(g, query, body, APP_ID);
    },
  },
  {
    name: "plaintext push to a compatible-mode account, correctly signed",
    status: 400,
    code: "signature_invalid",
    send: (g) => {
      const { query, body } = seal(g, textXml("forged", 1), "plaintext");
      return post(g, query, body, COMPATIBLE_APP_ID);
    },
  },
  {
    name: "an encrypted push's signature, timestamp and nonce on a plaintext body",
    status: 400,
    code: "signature_invalid",
    send: (g) => {
      const { query } = seal(g, textXml("genuine", 1), "safe");
      const { signature, timestamp, nonce } = query as Record<string, string>;
      return post(g, { signature: signature!, timestamp: timestamp!, nonce: nonce! }, textXml("forged", 1));
    },
  },
  {
    name: "compatible-mode body to a safe-mode account",
    status: 400,
    code: "signature_invalid",
    send: (g) => push(g, seal(g, textXml("x", 1), "compatible", { appId: APP_ID }), APP_ID),
  },
  {
    name: "URL check with a wrong signature",
    status: 400,
    code: "signature_invalid",
    send: (g) =>
      fetch(callback(g, { signature: "b".repeat(40), timestamp: "1", nonce: "1", echostr: "<script>" })),
  },
  {
    name: "URL check without echostr",
    status: 400,
    code: "signature_invalid",
    send: (g) => fetch(callback(g, { signature: urlSignature(TOKEN, "1", "2"), timestamp: "1", nonce: "2" })),
  },
  // replays
  {
    name: "timestamp ten minutes old",
    status: 400,
    code: "timestamp_stale",
    send: (g) => push(g, seal(g, textXml("old", 1), "safe", { timestamp: String(Number(seconds(g)) - 600) })),
  },
  {
    name: "timestamp ten minutes ahead",
    status: 400,
    code: "timestamp_stale",
    send: (g) =>
      push(g, seal(g, textXml("future", 1), "plaintext", { timestamp: String(Number(seconds(g)) + 600) })),
  },
  {
    name: "timestamp that is not a number",
    status: 400,
    code: "timestamp_stale",
    send: (g) => {
      const q = { signature: urlSignature(TOKEN, "abc", "1"), timestamp: "abc", nonce: "1" };
      return post(g, q, textXml("x", 1), PLAINTEXT_APP_ID);
    },
  },
  // bodies
  {
    name: "10 MB body",
    status: 413,
    code: "payload_too_large",
    send: (g) =>
      post(
        g,
        seal(g, textXml("x", 1), "plaintext").query,
        new Uint8Array(10 * 1024 * 1024).fill(0x41),
        PLAINTEXT_APP_ID,
      ),
  },
  {
    name: "body one byte over 1 MiB",
    status: 413,
    code: "payload_too_large",
    send: (g) =>
      post(
        g,
        seal(g, textXml("x", 1), "plaintext").query,
        "<xml>".padEnd(1024 * 1024 + 1, "x"),
        PLAINTEXT_APP_ID,
      ),
  },
  { name: "empty body", status: 400, code: "xml_invalid", send: (g) => signedPlain(g, "") },
  {
    name: "malformed XML",
    status: 400,
    code: "xml_invalid",
    send: (g) => signedPlain(g, "<xml><ToUserName>a</ToUser"),
  },
  {
    name: "not XML at all",
    status: 400,
    code: "xml_invalid",
    send: (g) => signedPlain(g, '{"MsgType":"text"}'),
  },
  { name: "billion laughs", status: 400, code: "xml_invalid", send: (g) => signedPlain(g, billionLaughs) },
  { name: "external entity", status: 400, code: "xml_invalid", send: (g) => signedPlain(g, externalEntity) },
  {
    name: "__proto__ tag",
    status: 400,
    code: "xml_invalid",
    send: (g) =>
      signedPlain(g, "<xml><__proto__><isAdmin>1</isAdmin></__proto__><MsgType>text</MsgType></xml>"),
  },
  {
    name: "constructor tag",
    status: 400,
    code: "xml_invalid",
    send: (g) => signedPlain(g, "<xml><constructor><prototype>1</prototype></constructor></xml>"),
  },
  {
    name: "bad base64 in Encrypt",
    status: 400,
    code: "decrypt_failed",
    send: (g) => signedEncrypt(g, "!!!not*base64!!!"),
  },
  {
    name: "Encrypt of the wrong length",
    status: 400,
    code: "decrypt_failed",
    send: (g) => signedEncrypt(g, Buffer.alloc(40, 7).toString("base64")),
  },
  {
    name: "wrong appid inside the ciphertext",
    status: 400,
    code: "appid_mismatch",
    send: (g) => push(g, seal(g, textXml("x", 1), "safe", { appId: "wx9999999999999999" }), APP_ID),
  },
  {
    name: "encrypted with a key the account does not hold",
    status: 400,
    code: "decrypt_failed",
    send: (g) => push(g, seal(g, textXml("x", 1), "safe", { encodingAESKey: PREVIOUS_AES_KEY })),
  },
  {
    name: "encrypted push without Encrypt",
    status: 400,
    code: "xml_invalid",
    send: (g) => {
      const { query } = seal(g, textXml("x", 1), "safe");
      return post(g, query, textXml("plain only", 1));
    },
  },
  // routing and query
  {
    name: "unknown appid",
    status: 404,
    code: "account_not_found",
    send: (g) =>
      push(g, seal(g, textXml("x", 1), "safe", { appId: "wx5555555555555555" }), "wx5555555555555555"),
  },
  {
    name: "appid with path characters",
    status: 404,
    code: "account_not_found",
    send: (g) =>
      fetch(`${g.url}/wechat/accounts/wx%2F..%2Fadmin/callback`, { method: "POST", body: "<xml/>" }),
  },
  {
    name: "repeated signature parameter (query injection)",
    status: 400,
    code: "bad_query",
    send: (g) => {
      const { query, body } = seal(g, textXml("x", 1), "plaintext");
      return post(g, `${new URLSearchParams(query)}&signature=${"c".repeat(40)}`, body, PLAINTEXT_APP_ID);
    },
  },
  {
    name: "parameter smuggled in a value",
    status: 400,
    code: "signature_invalid",
    send: (g) => {
      const { query, body } = seal(g, textXml("x", 1), "plaintext");
      return post(
        g,
        { ...query, nonce: `${query.nonce}&signature=${query.signature}` },
        body,
        PLAINTEXT_APP_ID,
      );
    },
  },
  {
    name: "PUT on the callback",
    status: 404,
    code: "not_found",
    send: (g) => fetch(callback(g, {}), { method: "PUT", body: "<xml/>" }),
  },
  // the API
  {
    name: "malformed JSON to /webhooks",
    status: 400,
    code: "malformed_json",
    send: (g) => api(g, "POST", "/webhooks", { body: '{"url": "http://x', contentType: "application/json" }),
  },
  {
    name: "__proto__ in JSON to /webhooks",
    status: 400,
    code: "malformed_json",
    send: (g) =>
      api(g, "POST", "/webhooks", {
        body: '{"url":"http://127.0.0.1/x","__proto__":{"admin":true}}',
        contentType: "application/json",
      }),
  },
  {
    name: "JSON array to /webhooks",
    status: 400,
    code: "validation_failed",
    send: (g) => api(g, "POST", "/webhooks", { body: "[1,2]", contentType: "application/json" }),
  },
  {
    name: "unknown field to /webhooks",
    status: 400,
    code: "validation_failed",
    send: (g) =>
      api(g, "POST", "/webhooks", {
        body: '{"url":"http://127.0.0.1/x","secret":"mine"}',
        contentType: "application/json",
      }),
  },
  {
    name: "text/plain to /webhooks",
    status: 415,
    code: "unsupported_media_type",
    send: (g) => api(g, "POST", "/webhooks", { body: "url=http://x", contentType: "text/plain" }),
  },
  {
    name: "file: URL for a webhook",
    status: 400,
    code: "validation_failed",
    send: (g) =>
      api(g, "POST", "/webhooks", { body: '{"url":"file:///etc/passwd"}', contentType: "application/json" }),
  },
  {
    name: "URL with credentials for a webhook",
    status: 400,
    code: "validation_failed",
    send: (g) =>
      api(g, "POST", "/webhooks", {
        body: '{"url":"http://u:p@127.0.0.1/x"}',
        contentType: "application/json",
      }),
  },
  {
    name: "absurd maxAttempts",
    status: 400,
    code: "validation_failed",
    send: (g) =>
      api(g, "POST", "/webhooks", {
        body: '{"url":"http://127.0.0.1/x","maxAttempts":100000}',
        contentType: "application/json",
      }),
  },
  {
    name: "event filter with SQL",
    status: 400,
    code: "validation_failed",
    send: (g) =>
      api(g, "POST", "/webhooks", {
        body: `{"url":"http://127.0.0.1/x","events":["text' OR 1=1 --"]}`,
        contentType: "application/json",
      }),
  },
  {
    name: "2 MB JSON to /webhooks",
    status: 413,
    code: "payload_too_large",
    send: (g) =>
      api(g, "POST", "/webhooks", {
        body: `{"url":"${"a".repeat(2 * 1024 * 1024)}"}`,
        contentType: "application/json",
      }),
  },
  {
    name: "/webhooks without credentials",
    status: 401,
    code: "unauthorized",
    send: (g) =>
      api(g, "POST", "/webhooks", {
        body: '{"url":"http://127.0.0.1/x"}',
        contentType: "application/json",
        key: null,
      }),
  },
  {
    name: "/events with a forged key",
    status: 401,
    code: "unauthorized",
    send: (g) => api(g, "GET", "/events", { key: "wxg_forged" }),
  },
  {
    name: "/events with an absurd limit",
    status: 400,
    code: "validation_failed",
    send: (g) => api(g, "GET", "/events?limit=100000"),
  },
  {
    name: "/events with a non-numeric time",
    status: 400,
    code: "validation_failed",
    send: (g) => api(g, "GET", "/events?from=yesterday"),
  },
  {
    name: "unknown event id",
    status: 404,
    code: "not_found",
    send: (g) => api(g, "GET", "/events/00000000-0000-7000-8000-000000000000"),
  },
  {
    name: "retry of a delivery of an unknown webhook",
    status: 404,
    code: "not_found",
    send: (g) => api(g, "POST", "/webhooks/nope/deliveries/nope/retry"),
  },
];

describe("hostile requests at the callback gateway and its API", () => {
  let gateway: Gateway;

  beforeAll(async () => {
    gateway = await startGateway();
  });
  afterAll(async () => {
    await gateway.close();
  });

  it(`has at least 30 attacks (${attacks.length})`, () => {
    expect(attacks.length).toBeGreaterThanOrEqual(30);
  });

  for (const attack of attacks) {
    it(`refuses: ${attack.name}`, async () => {
      let response: Response;
      try {
        response = await attack.send(gateway);
      } catch (error) {
        // A server may close the connection while a huge upload is still being sent; that is a refusal too.
        expect(attack.status).toBe(413);
        expect(String(error)).toMatch(/fetch failed|closed|EPIPE|ECONNRESET/i);
        return;
      }
      const text = await response.text();
      expect(response.status, text).toBe(attack.status);
      expect((JSON.parse(text) as { error: { code: string } }).error.code).toBe(attack.code);
      for (const secret of [TOKEN, AES_KEY, PREVIOUS_AES_KEY, gateway.apiKey])
        expect(text).not.toContain(secret);
      expect(await countRows(gateway.server, "events")).toBe(0);
      expect(await countRows(gateway.server, "webhooks")).toBe(0);
      expect(await countRows(gateway.server, "webhook_deliveries")).toBe(0);
    });
  }

  it("refuses a reused nonce with another body, yet answers the same push again as a retry", async () => {
    const sealed = seal(gateway, textXml("genuine", Number(seconds(gateway))), "plaintext");
    expect((await push(gateway, sealed)).status).toBe(200);
    const forged = await push(gateway, {
      ...sealed,
      body: textXml("forged", Number(seconds(gateway))),
    });
    expect(forged.status).toBe(409);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe("nonce_reused");
    const retry = await push(gateway, sealed);
    expect(retry.status).toBe(200);
    expect(await countRows(gateway.server, "events")).toBe(1);
  });

  it("stays healthy and never logs a secret", async () => {
    const health = await fetch(`${gateway.url}/healthz`);
    expect(health.status).toBe(200);
    const logs = gateway.server.logLines.join("\n");
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [TOKEN, AES_KEY, PREVIOUS_AES_KEY, gateway.apiKey])
      expect(logs).not.toContain(secret);
  });
});
