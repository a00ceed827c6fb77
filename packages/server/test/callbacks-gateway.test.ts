import { openReply, type PushMode, sealPush } from "@wxgate/wechat";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type TestDatabase, testEngines } from "../src/testing/engines.js";
import { verifyWebhookSignature } from "../src/webhooks/index.js";
import {
  AES_KEY,
  APP_ID,
  api,
  COMPONENT_APP_ID,
  countRows,
  DISABLED_APP_ID,
  type Gateway,
  PLATFORM_APP_ID,
  PREVIOUS_AES_KEY,
  push,
  type Receiver,
  seal,
  startGateway,
  startReceiver,
  subscribeXml,
  TOKEN,
  textXml,
} from "./callbacks-helpers.js";

const now = (gateway: Gateway) => Math.floor(gateway.server.clock.now() / 1000);

describe.each(testEngines)("callback gateway over HTTP on $name", (engine) => {
  let gateway: Gateway;
  let replier: Receiver;
  let database: TestDatabase;

  beforeEach(async () => {
    database = await engine.database();
    gateway = await startGateway({ replyDeadlineMs: 2000, env: database.env });
    expect(gateway.server.store.dialect).toBe(engine.name);
    replier = await startReceiver((request, _index, response) => {
      const event = JSON.parse(request.body) as { message: { content?: string } };
      response.setHeader("content-type", "application/json");
      response.end(
        JSON.stringify({ reply: { type: "text", content: `echo: ${event.message.content ?? "?"}` } }),
      );
    });
  });

  afterEach(async () => {
    await replier.close();
    await gateway.close();
    await database.dispose();
  });

  async function addReplyWebhook(extra: Record<string, unknown> = {}) {
    const response = await api(gateway, "POST", "/webhooks", { url: replier.url, reply: true, ...extra });
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string; secret: string };
  }

  it("answers the URL check with echostr, and refuses a wrong signature", async () => {
    const sealed = sealPush("", {
      token: TOKEN,
      appId: APP_ID,
      mode: "plaintext",
      now: () => gateway.server.clock.now(),
    });
    const good = await fetch(
      `${gateway.url}/wechat/accounts/${APP_ID}/callback?${new URLSearchParams({ ...sealed.query, echostr: "hello-123" })}`,
    );
    expect(good.status).toBe(200);
    expect(await good.text()).toBe("hello-123");
    const bad = await fetch(
      `${gateway.url}/wechat/accounts/${APP_ID}/callback?${new URLSearchParams({ ...sealed.query, signature: "0".repeat(40), echostr: "x" })}`,
    );
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("signature_invalid");
  });

  for (const mode of ["plaintext", "compatible", "safe"] as const satisfies PushMode[]) {
    it(`replies through a reply webhook in ${mode} mode, encrypted when the push was`, async () => {
      const hook = await addReplyWebhook();
      const sealed = seal(gateway, textXml(`hi ${mode}`, now(gateway)), mode);
      const response = await push(gateway, sealed);
      expect(response.status).toBe(200);
      const body = await response.text();
      const opened = openReply(body, {
        token: TOKEN,
        appId: sealed.appId,
        encodingAESKey: AES_KEY,
        requireEncrypted: mode !== "plaintext",
      });
      expect(opened.encrypted).toBe(mode !== "plaintext");
      expect(opened.reply).toEqual({ type: "text", content: `echo: hi ${mode}` });
      expect(opened.address?.toUserName).toBe("oFollower000000000000000001");

      expect(replier.received).toHaveLength(1);
      const call = replier.received[0]!;
      expect(
        verifyWebhookSignature(hook.secret, call.headers["x-wxgate-signature"] as string, call.body, {
          nowSeconds: now(gateway),
        }),
      ).toBe(true);

      const list = (await (await api(gateway, "GET", `/events?appid=${sealed.appId}`)).json()) as {
        items: { id: string; mode: string; status: string; msgType: string }[];
      };
      expect(list.items).toHaveLength(1);
      expect(list.items[0]).toMatchObject({ mode, status: "replied", msgType: "text" });
      expect(call.headers["x-wxgate-event-id"]).toBe(list.items[0]!.id);
      const detail = (await (await api(gateway, "GET", `/events/${list.items[0]!.id}`)).json()) as {
        replyXml: string;
        plaintextXml: string;
      };
      expect(detail.replyXml).toContain(`echo: hi ${mode}`);
      expect(detail.plaintextXml).toContain(`hi ${mode}`);
    });
  }

  it("answers WeChat's three tries of one push once: one event, one webhook call, the same reply", async () => {
    await addReplyWebhook();
    const sealed = seal(gateway, textXml("retry me", now(gateway)), "safe");
    const bodies: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await push(gateway, sealed);
      expect(response.status).toBe(200);
      bodies.push(await response.text());
      gateway.server.clock.advance(5000);
    }
    expect(new Set(bodies).size).toBe(1);
    const opened = openReply(bodies[0]!, { token: TOKEN, appId: APP_ID, encodingAESKey: AES_KEY });
    expect(opened.reply).toEqual({ type: "text", content: "echo: retry me" });
    expect(await countRows(gateway.server, "events")).toBe(1);
    expect(await countRows(gateway.server, "webhook_deliveries")).toBe(1);
    expect(replier.received).toHaveLength(1);
  });

  it("treats the same message under a new nonce as a retry too (MsgId de-duplication)", async () => {
    await addReplyWebhook();
    const xml = textXml("same msgid", now(gateway), "9988776655");
    const first = await (await push(gateway, seal(gateway, xml, "plaintext", { nonce: "111" }))).text();
    const second = await (await push(gateway, seal(gateway, xml, "plaintext", { nonce: "222" }))).text();
    expect(second).toBe(first);
    expect(await countRows(gateway.server, "events")).toBe(1);
  });

  it("answers success within the budget when the reply webhook never answers", async () => {
    await gateway.close();
    await database.dispose();
    database = await engine.database();
    gateway = await startGateway({ replyDeadlineMs: 150, env: database.env });
    const silent = await startReceiver(() => {
      /* never answers */
    });
    try {
      await api(gateway, "POST", "/webhooks", { url: silent.url, reply: true });
      const response = await push(gateway, seal(gateway, textXml("anyone?", now(gateway)), "safe"));
      expect(response.status).toBe(200);
      expect(await response.text()).toBe("success");
      const list = (await (await api(gateway, "GET", "/events")).json()) as { items: { status: string }[] };
      expect(list.items).toEqual([expect.objectContaining({ status: "answered_success" })]);
      expect(silent.received).toHaveLength(1);
    } finally {
      await silent.close();
    }
  });

  it("answers success without a reply provider, and records events", async () => {
    const response = await push(gateway, seal(gateway, subscribeXml(now(gateway)), "compatible"));
    expect(await response.text()).toBe("success");
    const list = (await (await api(gateway, "GET", "/events?type=subscribe")).json()) as {
      items: { event: string; fromOpenId: string }[];
    };
    expect(list.items).toEqual([
      expect.objectContaining({ event: "subscribe", fromOpenId: "oFollower000000000000000002" }),
    ]);
    const none = (await (await api(gateway, "GET", "/events?type=CLICK")).json()) as { items: unknown[] };
    expect(none.items).toEqual([]);
  });

  it("answers a disabled account's push with success, records it, and routes it nowhere", async () => {
    await addReplyWebhook();
    const response = await push(
      gateway,
      seal(gateway, textXml("hello?", now(gateway)), "safe", { appId: DISABLED_APP_ID }),
      DISABLED_APP_ID,
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("success");
    expect(replier.received).toHaveLength(0);
    const list = (await (await api(gateway, "GET", `/events?appid=${DISABLED_APP_ID}`)).json()) as {
      items: { status: string }[];
    };
    expect(list.items).toEqual([expect.objectContaining({ status: "ignored_disabled" })]);
  });

  it("opens a platform-authorized account's pushes with the component appid and the previous key", async () => {
    await addReplyWebhook();
    const sealed = seal(gateway, textXml("old key", now(gateway)), "safe", {
      appId: COMPONENT_APP_ID,
      encodingAESKey: PREVIOUS_AES_KEY,
    });
    const response = await push(gateway, sealed, PLATFORM_APP_ID);
    expect(response.status).toBe(200);
    const opened = openReply(await response.text(), {
      token: TOKEN,
      appId: COMPONENT_APP_ID,
      encodingAESKey: PREVIOUS_AES_KEY,
      requireEncrypted: true,
    });
    expect(opened.reply).toEqual({ type: "text", content: "echo: old key" });
  });

  it("accepts a push relayed unchanged by another system, whatever its content type", async () => {
    const sealed = seal(gateway, textXml("relayed", now(gateway)), "safe");
    const response = await push(gateway, sealed, APP_ID, { contentType: "application/octet-stream" });
    expect(response.status).toBe(200);
    expect(await countRows(gateway.server, "events")).toBe(1);
  });

  it("pages the event list", async () => {
    for (let i = 0; i < 5; i++) {
      await push(gateway, seal(gateway, textXml(`n${i}`, now(gateway)), "plaintext"));
      gateway.server.clock.advance(1);
    }
    const first = (await (await api(gateway, "GET", "/events?limit=3")).json()) as {
      items: { id: string }[];
      nextCursor: string;
    };
    expect(first.items).toHaveLength(3);
    const second = (await (
      await api(gateway, "GET", `/events?limit=3&cursor=${first.nextCursor}`)
    ).json()) as {
      items: { id: string }[];
      nextCursor: string | null;
    };
    expect(second.items).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.items, ...second.items].map((e) => e.id)).size).toBe(5);
  });
});
