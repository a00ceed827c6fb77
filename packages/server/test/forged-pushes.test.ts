import { createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { buildXml, sealPush, urlSignature } from "@wxgate/wechat";
import { afterEach, describe, expect, it } from "vitest";
import { GatewayError } from "../src/callbacks/errors.js";
import { createCallbacks } from "../src/callbacks/index.js";
import { moduleFactories } from "../src/registry.js";
import { createTestServer, type TestServer } from "../src/testing/server.js";
import { authorizeThroughPage } from "./authorization-page.js";

/**
 * Forged pushes, end to end on the registry's modules and the sandbox WeChat: WeChat's
 * `signature` covers only the Token, timestamp and nonce, and travels on encrypted pushes too.
 * Whoever lifts a genuine push's three values (from a log, a forwarded request, a proxy) must
 * not be able to put another body under them — on an account's callback URL or on the
 * platform's authorization-event URL. Each refusal stores nothing, changes nothing and queues
 * no webhook.
 */

interface Harness {
  server: TestServer;
  url: string;
  apiKey: string;
  componentAppId: string;
  serviceAppId: string;
  miniProgramAppId: string;
  received: string[];
  api<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

interface ErrorAnswer {
  error: { code: string; details?: { reason?: string } };
}

const running: Harness[] = [];
afterEach(async () => {
  for (const harness of running.splice(0)) await harness.close();
});

/** The sandbox with 示例服务号 authorized through the platform and a webhook for every push. */
async function start(): Promise<Harness> {
  const server = await createTestServer({ modules: moduleFactories, sandbox: true });
  const url = server.url!;
  const core = server.sandbox!.core;
  const demo = core.world.state.extensions["demo"] as {
    componentAppId: string;
    serviceAppId: string;
    miniProgramAppId: string;
  };
  const ticket = await core.control.component.pushTicket(demo.componentAppId);
  if (ticket.push.outcome !== "success") throw new Error(`the ticket push ended ${ticket.push.outcome}`);
  const { user } = await server.auth.createAdmin({ username: "admin", password: "correct horse battery" });
  const { key: apiKey } = await server.auth.createApiKey(
    { userId: user.id, name: user.username },
    { name: "tests", scopes: ["admin"] },
  );
  const api = async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
  };

  const received: string[] = [];
  const receiver = createHttpServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push(Buffer.concat(chunks).toString("utf8"));
      response.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  expect((await api("POST", "/webhooks", { url: hookUrl, events: ["*"] })).status).toBe(201);

  const link = await api<{ pcUrl: string }>("POST", "/authorizations", {});
  const back = await authorizeThroughPage({ pcUrl: link.body.pcUrl, appId: demo.serviceAppId });
  if (back.status !== 200) throw new Error(`the redirect page answered ${back.status}`);
  await core.control.push.idle();

  const harness: Harness = {
    server,
    url,
    apiKey,
    ...demo,
    received,
    api,
    close: async () => {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
      await server.dispose();
    },
  };
  running.push(harness);
  return harness;
}

/** A follower writes to the account: WeChat pushes it, encrypted, to the account's callback URL. */
async function genuineMessage(h: Harness, appId: string, content: string) {
  const follow = await fetch(`${h.url}/sandbox/__emulator/follower/follow`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ appId, nickname: "粉丝" }),
  });
  const { openId } = (await follow.json()) as { openId: string };
  const sent = await fetch(`${h.url}/sandbox/__emulator/follower/send-text`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ appId, openId, content }),
  });
  expect(((await sent.json()) as { push: { outcome: string } }).push.outcome).toBe("success");
  await h.server.queue.runDue();
  return openId;
}

/** What a forger can see of a recorded push: its query, as it was received. */
async function liftedQuery(h: Harness, appId: string): Promise<URLSearchParams> {
  const row = await h.server.store.db
    .selectFrom("events")
    .select(["query"])
    .where("appid", "=", appId)
    .orderBy("id", "desc")
    .executeTakeFirstOrThrow();
  return new URLSearchParams(row.query);
}

/** Rows of every table a push can touch, and the account's state: all must stay as they were. */
async function snapshot(h: Harness, appId: string) {
  const count = async (table: "events" | "webhook_deliveries" | "jobs") =>
    Number(
      (
        await h.server.store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number | string>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const account = await h.api<{ authorizationState: string; enabled: boolean; lifecycle: { state: string } }>(
    "GET",
    `/accounts/${appId}`,
  );
  return {
    events: await count("events"),
    deliveries: await count("webhook_deliveries"),
    jobs: await count("jobs"),
    authorizationState: account.body.authorizationState,
    lifecycle: account.body.lifecycle.state,
    received: h.received.length,
  };
}

function textXml(toUserName: string, fromOpenId: string, content: string, createTime: number, msgId: string) {
  return buildXml({
    ToUserName: toUserName,
    FromUserName: fromOpenId,
    CreateTime: createTime,
    MsgType: "text",
    Content: content,
    MsgId: msgId,
  });
}

const post = (url: string, query: URLSearchParams | Record<string, string>, body: string) =>
  fetch(`${url}?${new URLSearchParams(query)}`, {
    method: "POST",
    headers: { "content-type": "text/xml" },
    body,
  });

describe("forged pushes", () => {
  it("refuses a plaintext push under a signature lifted from a platform account's encrypted push", async () => {
    const h = await start();
    const openId = await genuineMessage(h, h.serviceAppId, "genuine");
    const before = await snapshot(h, h.serviceAppId);
    expect(before.events).toBe(2); // the follow and the message
    const lifted = await liftedQuery(h, h.serviceAppId);
    expect(lifted.get("encrypt_type")).toBe("aes");

    const seconds = Math.floor(h.server.clock.now() / 1000);
    const forged = await post(
      `${h.url}/wechat/accounts/${h.serviceAppId}/callback`,
      {
        signature: lifted.get("signature")!,
        timestamp: lifted.get("timestamp")!,
        nonce: lifted.get("nonce")!,
      },
      textXml("gh_forged", openId, "transfer 1000 to me", seconds, "99999999999"),
    );
    expect(forged.status).toBe(400);
    const answer = (await forged.json()) as ErrorAnswer;
    expect(answer.error).toMatchObject({ code: "signature_invalid", details: { reason: "mode_refused" } });
    await h.server.queue.runDue();
    expect(await snapshot(h, h.serviceAppId)).toEqual(before);
  });

  it("refuses a plaintext platform push (a forged de-authorization) on /wechat/component, whatever signature it carries", async () => {
    const h = await start();
    await genuineMessage(h, h.serviceAppId, "genuine");
    const before = await snapshot(h, h.serviceAppId);
    expect(before.authorizationState).toBe("authorized");
    const lifted = await liftedQuery(h, h.serviceAppId);
    const deauthorize = buildXml({
      AppId: h.componentAppId,
      CreateTime: Math.floor(h.server.clock.now() / 1000),
      InfoType: "unauthorized",
      AuthorizerAppid: h.serviceAppId,
    });
    // The platform's Token signs account pushes too: the lifted signature is a valid one here.
    const triple = {
      signature: lifted.get("signature")!,
      timestamp: lifted.get("timestamp")!,
      nonce: lifted.get("nonce")!,
    };
    const forged = await post(`${h.url}/wechat/component`, triple, deauthorize);
    expect(forged.status).toBe(400);
    expect(((await forged.json()) as ErrorAnswer).error).toMatchObject({
      code: "signature_invalid",
      details: { reason: "mode_refused" },
    });
    // The same with the signature of a genuine platform push (the ticket push's pair).
    const ticketPair = await h.server.store.db
      .selectFrom("platform_pushes")
      .select(["timestamp", "nonce"])
      .executeTakeFirstOrThrow();
    const platform = h.server.sandbox!.core.world.platform(h.componentAppId)!;
    const ticketTriple = {
      signature: urlSignature(platform.token, ticketPair.timestamp, ticketPair.nonce),
      timestamp: ticketPair.timestamp,
      nonce: ticketPair.nonce,
    };
    expect((await post(`${h.url}/wechat/component`, ticketTriple, deauthorize)).status).toBe(400);
    await h.server.queue.runDue();
    expect(await snapshot(h, h.serviceAppId)).toEqual(before);
    expect(h.server.logLines.join("")).not.toContain(triple.signature);
  });

  it("applies a genuine platform push once: a replay changes nothing, another body under its pair is refused", async () => {
    const h = await start();
    const platform = h.server.sandbox!.core.world.platform(h.componentAppId)!;
    const sealAs = (xml: string, timestamp: string, nonce: string) =>
      sealPush(xml, {
        token: platform.token,
        appId: platform.componentAppId,
        encodingAESKey: platform.encodingAESKey,
        mode: "safe",
        timestamp,
        nonce,
      });
    const timestamp = String(Math.floor(h.server.clock.now() / 1000));
    const deauthorized = sealAs(
      buildXml({
        AppId: h.componentAppId,
        CreateTime: Number(timestamp),
        InfoType: "unauthorized",
        AuthorizerAppid: h.serviceAppId,
      }),
      timestamp,
      "4242",
    );
    // WeChat's genuine de-authorization, then the administrator authorizes again.
    expect((await post(`${h.url}/wechat/component`, deauthorized.query, deauthorized.body)).status).toBe(200);
    expect(
      (await h.api<{ authorizationState: string }>("GET", `/accounts/${h.serviceAppId}`)).body,
    ).toMatchObject({ authorizationState: "unauthorized" });
    const link = await h.api<{ pcUrl: string }>("POST", "/authorizations", {});
    expect((await authorizeThroughPage({ pcUrl: link.body.pcUrl, appId: h.serviceAppId })).status).toBe(200);
    await h.server.sandbox!.core.control.push.idle();
    const before = await snapshot(h, h.serviceAppId);
    expect(before.authorizationState).toBe("authorized");

    // The captured push, replayed within the window: answered, not applied again.
    const replay = await post(`${h.url}/wechat/component`, deauthorized.query, deauthorized.body);
    expect(replay.status).toBe(200);
    expect(await replay.text()).toBe("success");
    expect(await snapshot(h, h.serviceAppId)).toEqual(before);

    // Another (validly encrypted) body under the same pair: refused.
    const other = sealAs(
      buildXml({
        AppId: h.componentAppId,
        CreateTime: Number(timestamp),
        InfoType: "component_verify_ticket",
        ComponentVerifyTicket: "ticket@@@x",
      }),
      timestamp,
      "4242",
    );
    const refused = await post(`${h.url}/wechat/component`, other.query, other.body);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as ErrorAnswer).error.code).toBe("nonce_reused");
    expect(await snapshot(h, h.serviceAppId)).toEqual(before);
  });

  it("remembers a pair lifted from an encrypted push across a change of mode and a restart", async () => {
    const h = await start();
    const miniProgram = h.server.sandbox!.core.world.account(h.miniProgramAppId)!;
    expect(
      (
        await h.api("POST", "/accounts", {
          appId: miniProgram.appId,
          appSecret: miniProgram.secret,
          kind: "miniprogram",
          nickname: "小程序",
        })
      ).status,
    ).toBe(201);
    const token = "receipt0token";
    const encodingAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    const receipt = (mode: string) =>
      h.api("PUT", `/accounts/${miniProgram.appId}/miniprogram/receipt-config`, {
        token,
        encodingAESKey,
        mode,
      });
    expect((await receipt("safe")).status).toBe(200);
    const callbackUrl = `${h.url}/wechat/accounts/${miniProgram.appId}/callback`;
    const timestamp = String(Math.floor(h.server.clock.now() / 1000));
    const seconds = Number(timestamp);
    const genuine = sealPush(textXml("gh_mini", "oUser1", "genuine", seconds, "7001"), {
      token,
      appId: miniProgram.appId,
      encodingAESKey,
      mode: "safe",
      timestamp,
      nonce: "777",
    });
    expect((await post(callbackUrl, genuine.query, genuine.body)).status).toBe(200);
    await h.server.queue.runDue();

    // Safe mode: a plaintext body under the lifted signature is refused by the mode.
    const forgedBody = textXml("gh_mini", "oUser1", "forged", seconds, "7002");
    const lifted = { signature: genuine.query.signature!, timestamp, nonce: "777" };
    expect((await post(callbackUrl, lifted, forgedBody)).status).toBe(400);

    // The operator switches the account to plaintext within the window: the pair is still
    // claimed by the encrypted push's content.
    expect((await receipt("plaintext")).status).toBe(200);
    const before = await snapshot(h, h.serviceAppId);
    const reused = await post(callbackUrl, lifted, forgedBody);
    expect(reused.status).toBe(409);
    expect(((await reused.json()) as ErrorAnswer).error.code).toBe("nonce_reused");

    // After a restart (a fresh gateway rebuilding its memory from the store), still refused.
    const fresh = createCallbacks(h.server.context, {
      replies: h.server.context.use("replies"),
      fanout: h.server.context.use("eventFanout"),
    });
    await expect(
      fresh.gateway.receive(miniProgram.appId, new URLSearchParams(lifted).toString(), forgedBody),
    ).rejects.toSatisfy((error: unknown) => error instanceof GatewayError && error.code === "nonce_reused");
    await h.server.queue.runDue();
    expect(await snapshot(h, h.serviceAppId)).toEqual(before);

    // Compatible mode: the encrypted part is verified and used; a plaintext copy altered by a
    // relay changes nothing (the push is the genuine one, answered as a retry).
    expect((await receipt("compatible")).status).toBe(200);
    const compatibleTimestamp = String(seconds + 1);
    const compatible = sealPush(textXml("gh_mini", "oUser1", "genuine too", seconds + 1, "7003"), {
      token,
      appId: miniProgram.appId,
      encodingAESKey,
      mode: "compatible",
      timestamp: compatibleTimestamp,
      nonce: "778",
    });
    const altered = compatible.body.replace("genuine too", "altered copy");
    expect(altered).not.toBe(compatible.body);
    expect((await post(callbackUrl, compatible.query, altered)).status).toBe(200);
    const events = await h.api<{ items: { id: string }[] }>("GET", `/events?appid=${miniProgram.appId}`);
    const detail = await h.api<{ plaintextXml: string; query: string }>(
      "GET",
      `/events/${events.body.items[0]!.id}`,
    );
    expect(detail.body.plaintextXml).toContain("genuine too");
    expect(detail.body.plaintextXml).not.toContain("altered copy");
    // The events API does not hand out what signed the push.
    expect(detail.body.query).not.toMatch(/signature|nonce/);
    expect(detail.body.query).toContain(`timestamp=${compatibleTimestamp}`);
    // And a compatible account takes no plaintext-only push.
    const plainOnly = sealPush(textXml("gh_mini", "oUser1", "plain", seconds + 2, "7004"), {
      token,
      appId: miniProgram.appId,
      mode: "plaintext",
      timestamp: String(seconds + 2),
      nonce: "779",
    });
    const refused = await post(callbackUrl, plainOnly.query, plainOnly.body);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as ErrorAnswer).error.details?.reason).toBe("mode_refused");
  });
});
