import { buildXml, sealPush } from "@wxgate/wechat";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountsModule } from "../src/accounts/index.js";
import { callbacksModule } from "../src/callbacks/index.js";
import { buildApp } from "../src/http/app.js";
import type { Authenticator } from "../src/http/principal.js";
import { MemoryRateLimitStore } from "../src/platform/rate-limit.js";
import { createTestServer, type TestServer } from "../src/testing/server.js";
import { tokensModule } from "../src/tokens/index.js";
import { webhooksModule } from "../src/webhooks/index.js";

/**
 * Accounts in an actor's reach, end to end: the real modules behind the real HTTP edge, with a
 * credential limited to one account. No credential is limited in production yet (sessions and
 * API keys reach every account), so the limited app's authenticator narrows the reach of the
 * credential the auth module recognised — the seam roles and departments will fill.
 */

const RECEIPT_TOKEN = "reachtoken";
/** An account nobody connected. */
const UNKNOWN = "wx9999999999999999";

interface Answer {
  status: number;
  body: Record<string, unknown> & { items?: Record<string, unknown>[] };
}

let server: TestServer;
let limitedApp: Awaited<ReturnType<typeof buildApp>>;
let adminKey: string;
let mine: string;
let theirs: string;
let pushes = 0;

async function call(app: "all" | "limited", method: string, url: string, payload?: unknown): Promise<Answer> {
  const response = await (app === "all" ? server.app : limitedApp).inject({
    method: method as "GET",
    url: `/api/v1${url}`,
    headers: { authorization: `Bearer ${adminKey}` },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
  return { status: response.statusCode, body: response.body ? response.json() : {} };
}

const all = (method: string, url: string, payload?: unknown) => call("all", method, url, payload);
const limited = (method: string, url: string, payload?: unknown) => call("limited", method, url, payload);

function expectOutOfReach(answer: Answer, action: string): void {
  expect(answer.status).toBe(403);
  expect(answer.body["error"]).toMatchObject({
    code: "forbidden",
    details: { reason: "out_of_reach", action },
  });
}

/** A follower's text message to `appId`, as WeChat sends it (plaintext mode), recorded by the gateway. */
async function pushText(appId: string): Promise<void> {
  pushes++;
  const xml = buildXml({
    ToUserName: "gh_0123456789ab",
    FromUserName: "oFollower000000000000000001",
    CreateTime: Math.floor(server.clock.now() / 1000),
    MsgType: "text",
    Content: `hello ${pushes}`,
    MsgId: String(24000000000000000n + BigInt(pushes)),
  });
  const sealed = sealPush(xml, {
    token: RECEIPT_TOKEN,
    appId,
    encodingAESKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    mode: "plaintext",
    now: () => server.clock.now(),
  });
  const response = await server.app.inject({
    method: "POST",
    url: `/wechat/accounts/${appId}/callback?${new URLSearchParams(sealed.query).toString()}`,
    headers: { "content-type": "text/xml" },
    payload: sealed.body,
  });
  expect(response.statusCode, response.body).toBe(200);
}

/** Connects a demo account with its AppSecret and enables it, ready to receive plaintext pushes. */
async function connect(appId: string): Promise<void> {
  const secret = server.sandbox!.core.world.account(appId)!.secret;
  expect((await all("POST", "/accounts", { appId, appSecret: secret, verified: true })).status).toBe(201);
  await all("PUT", `/accounts/${appId}/openid-mapping`, { property: "openid" });
  await all("PUT", `/accounts/${appId}/miniprogram/receipt-config`, {
    token: RECEIPT_TOKEN,
    mode: "plaintext",
  });
  expect((await all("POST", `/accounts/${appId}/enable`)).status).toBe(200);
}

const ids = (answer: Answer, key = "id") => (answer.body.items ?? []).map((item) => item[key]);

beforeAll(async () => {
  server = await createTestServer({
    modules: [tokensModule, accountsModule, callbacksModule(), webhooksModule()],
    sandbox: true,
  });
  const demo = server.sandbox!.core.world.state.extensions["demo"] as {
    serviceAppId: string;
    subscriptionAppId: string;
  };
  mine = demo.serviceAppId;
  theirs = demo.subscriptionAppId;
  const { user } = await server.auth.createAdmin({ username: "admin", password: "correct horse battery" });
  adminKey = (
    await server.auth.createApiKey(
      { userId: user.id, name: user.username },
      { name: "admin", scopes: ["admin"] },
    )
  ).key;

  const narrowed: Authenticator = {
    async authenticate(credentials) {
      const principal = await server.auth.authenticate(credentials);
      return principal && { ...principal, reach: { all: false, appIds: new Set([mine]) } };
    },
  };
  limitedApp = await buildApp({
    logger: server.context.logger,
    publicUrl: server.context.config.publicUrl,
    authenticator: narrowed,
    modules: server.modules,
    rateLimitStore: new MemoryRateLimitStore({ clock: server.clock }),
  });

  await connect(mine);
  await connect(theirs);
});

afterAll(async () => {
  await limitedApp?.close();
  await server?.dispose();
});

describe("a credential limited to some accounts", () => {
  it("lists only the accounts in its reach", async () => {
    expect(ids(await all("GET", "/accounts"), "appId").sort()).toEqual([mine, theirs].sort());
    expect(ids(await limited("GET", "/accounts"), "appId")).toEqual([mine]);
    expect((await limited("GET", "/authorization-notices")).body).toEqual({ items: [], nextBefore: null });
  });

  it("is refused every per-account operation on another account, before it runs, exists or not", async () => {
    expect((await limited("GET", `/accounts/${mine}`)).status).toBe(200);
    // Its own account's call log: the token fetched when it was connected.
    expect((await limited("GET", `/accounts/${mine}/api-calls`)).body.items?.length).toBeGreaterThan(0);
    expectOutOfReach(await limited("GET", `/accounts/${theirs}`), "accounts.read");
    expectOutOfReach(await limited("GET", `/accounts/${UNKNOWN}`), "accounts.read");
    expectOutOfReach(await limited("GET", `/accounts/${theirs}/api-calls`), "accounts.read");
    expectOutOfReach(await limited("GET", `/accounts/${theirs}/authorization-notices`), "accounts.read");
    expectOutOfReach(await limited("GET", `/accounts/${theirs}/access-token`), "tokens.read");
    expectOutOfReach(await limited("POST", `/accounts/${theirs}/disable`), "accounts.disable");
    expect((await all("GET", `/accounts/${theirs}`)).body).toMatchObject({ enabled: true });
    // Naming an account in a body: connecting one out of reach is refused before WeChat is asked.
    expectOutOfReach(
      await limited("POST", "/accounts", { appId: UNKNOWN, appSecret: "0123456789abcdef0123456789abcdef" }),
      "accounts.connect",
    );
  });

  it("reads only the events of its accounts", async () => {
    await pushText(mine);
    await pushText(theirs);
    await pushText(mine);
    const every = await all("GET", "/events");
    expect(ids(every, "appId").sort()).toEqual([mine, mine, theirs].sort());
    const own = await limited("GET", "/events");
    expect(ids(own, "appId")).toEqual([mine, mine]);
    // Newest first, and the keyset pages go on from the cursor.
    const first = await limited("GET", "/events?limit=1");
    expect(first.body["nextCursor"]).toBe(ids(own)[0]);
    const next = await limited("GET", `/events?limit=1&cursor=${String(first.body["nextCursor"])}`);
    expect(ids(next)).toEqual([ids(own)[1]]);

    expectOutOfReach(await limited("GET", `/events?appid=${theirs}`), "events.read");
    const theirEvent = (every.body.items ?? []).find((e) => e["appId"] === theirs)!;
    expectOutOfReach(await limited("GET", `/events/${String(theirEvent["id"])}`), "events.read");
    expect((await limited("GET", `/events/${String(ids(own)[0])}`)).status).toBe(200);
  });

  it("sees and manages only webhooks all of whose accounts it reaches, and their deliveries of its accounts", async () => {
    const create = async (accounts: string[]) =>
      String((await all("POST", "/webhooks", { url: "http://127.0.0.1:9/hook", accounts })).body["id"]);
    const forMine = await create([mine]);
    const forTheirs = await create([theirs]);
    const forEvery = await create(["*"]);
    // Deliveries of the other account first, then the webhook moved to this one.
    const moved = await create([theirs]);
    await pushText(theirs);
    await server.queue.runDue();
    expect((await all("PATCH", `/webhooks/${moved}`, { accounts: [mine] })).status).toBe(200);
    await pushText(mine);
    await server.queue.runDue();

    expect(ids(await limited("GET", "/webhooks")).sort()).toEqual([forMine, moved].sort());
    expect((await all("GET", "/webhooks")).body.items).toHaveLength(4);
    expect((await limited("GET", `/webhooks/${forMine}`)).status).toBe(200);
    expectOutOfReach(await limited("GET", `/webhooks/${forTheirs}`), "webhooks.read");
    expectOutOfReach(await limited("GET", `/webhooks/${forEvery}`), "webhooks.read");
    expectOutOfReach(await limited("GET", `/webhooks/${forTheirs}/deliveries`), "webhooks.read");
    expectOutOfReach(await limited("DELETE", `/webhooks/${forTheirs}`), "webhooks.manage");
    expectOutOfReach(
      await limited("PATCH", `/webhooks/${forMine}`, { accounts: [mine, theirs] }),
      "webhooks.manage",
    );
    expectOutOfReach(await limited("POST", "/webhooks", { url: "http://127.0.0.1:9/x" }), "webhooks.manage");
    expectOutOfReach(
      await limited("POST", "/webhooks", { url: "http://127.0.0.1:9/x", accounts: ["*"] }),
      "webhooks.manage",
    );
    expect(
      (await limited("POST", "/webhooks", { url: "http://127.0.0.1:9/x", accounts: [mine] })).status,
    ).toBe(201);

    const log = await all("GET", `/webhooks/${moved}/deliveries`);
    expect(ids(log, "appId").sort()).toEqual([mine, theirs].sort());
    expect(ids(await limited("GET", `/webhooks/${moved}/deliveries`), "appId")).toEqual([mine]);
    const theirDelivery = (log.body.items ?? []).find((d) => d["appId"] === theirs)!;
    expectOutOfReach(
      await limited("POST", `/webhooks/${moved}/deliveries/${String(theirDelivery["id"])}/retry`),
      "webhooks.manage",
    );
  });
});
