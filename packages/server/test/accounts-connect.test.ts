import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { accountsModule } from "../src/accounts/index.js";
import { createTestServer, type TestServer } from "../src/testing/server.js";
import { tokensModule } from "../src/tokens/index.js";
import { type SandboxHarness, startSandbox } from "./accounts-fixture.js";

interface ErrorAnswer {
  error: { code: string; message: string; details: Record<string, unknown> };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function sandbox(): Promise<SandboxHarness> {
  const h = await startSandbox();
  cleanups.push(() => h.close());
  return h;
}

/** A customer's central token server on loopback, counting its calls. */
async function tokenServer(
  answer: () => unknown,
): Promise<{ url: string; calls: () => number; headers: string[] }> {
  let calls = 0;
  const headers: string[] = [];
  const server: Server = createHttpServer((request, response) => {
    calls++;
    headers.push(String(request.headers["x-token-key"] ?? ""));
    response.setHeader("content-type", "application/json");
    response.end(JSON.stringify(answer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`,
    calls: () => calls,
    headers,
  };
}

describe("direct connection (AppID + AppSecret)", () => {
  it("refuses a wrong secret with WeChat's errcode 40125 and stores nothing", async () => {
    const h = await sandbox();
    const refused = await h.api<ErrorAnswer>("POST", "/accounts", {
      appId: h.demo.serviceAppId,
      appSecret: "0123456789abcdef0123456789abcdef",
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe("validation_failed");
    expect(refused.body.error.details).toMatchObject({ reason: "credential_refused", errcode: 40125 });
    expect(refused.body.error.details.rid).toMatch(/\S/);
    expect(refused.body.error.message).toContain("invalid appsecret");
    expect((await h.api("GET", `/accounts/${h.demo.serviceAppId}`)).status).toBe(404);
  });

  it("connects with the right secret, keeps the token it fetched, encrypts the secret, and enables on the operator's word", async () => {
    const h = await sandbox();
    const emulated = h.server.sandbox!.core.world.account(h.demo.serviceAppId)!;
    const created = await h.api("POST", "/accounts", {
      appId: emulated.appId,
      appSecret: emulated.secret,
      kind: "service",
      nickname: "服务号",
      verified: true,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      connection: "direct",
      kind: "service",
      nickname: "服务号",
      verified: true,
      permissionSets: { applicable: false, missing: [] },
      enableChecks: { verified: true, permissionSets: true, openIdMapping: false },
    });
    const row = await h.server.store.db
      .selectFrom("accounts")
      .select("app_secret")
      .where("appid", "=", emulated.appId)
      .executeTakeFirstOrThrow();
    expect(row.app_secret).toMatch(/^v1:/);
    expect(row.app_secret).not.toContain(emulated.secret);
    expect(JSON.stringify(created.body)).not.toContain(emulated.secret);

    const again = await h.api<ErrorAnswer>("POST", "/accounts", {
      appId: emulated.appId,
      appSecret: emulated.secret,
    });
    expect(again.status).toBe(409);
    expect(again.body.error.details.reason).toBe("already_connected");

    await h.api("PUT", `/accounts/${emulated.appId}/openid-mapping`, { property: "openid" });
    expect((await h.api("POST", `/accounts/${emulated.appId}/enable`)).status).toBe(200);
    const token = await h.api<{ access_token: string }>("GET", `/accounts/${emulated.appId}/access-token`);
    expect(token.status).toBe(200);
    // The token fetched to check the secret is the one served: no second /cgi-bin/token call.
    expect(h.wechatCalls("/cgi-bin/token", emulated.appId)).toBe(1);
    const client = await h.server.context.use("accountClients").clientFor(emulated.appId);
    const tags = await client.call<{ tags: unknown[] }>("/cgi-bin/tags/get");
    expect(Array.isArray(tags.tags)).toBe(true);

    const deleted = await h.api("DELETE", `/accounts/${emulated.appId}`, { confirm: "服务号" });
    expect(deleted.status).toBe(200);
  });

  it("refuses malformed input with stable codes", async () => {
    const h = await sandbox();
    const malformed = await h.api<ErrorAnswer>("POST", "/accounts", '{"appId":');
    expect(malformed.body.error.code).toBe("malformed_json");
    const neither = await h.api<ErrorAnswer>("POST", "/accounts", { appId: h.demo.serviceAppId });
    expect(neither.status).toBe(400);
    expect(neither.body.error.code).toBe("validation_failed");
    const badKind = await h.api<ErrorAnswer>("POST", "/accounts", {
      appId: h.demo.serviceAppId,
      appSecret: "0123456789abcdef0123456789abcdef",
      kind: "enterprise",
    });
    expect(badKind.body.error.code).toBe("validation_failed");
  });
});

describe("external token mode (the customer's own 中控)", () => {
  it("reads tokens from the customer's URL (loopback is fine in the sandbox) and never refreshes them at WeChat", async () => {
    const h = await sandbox();
    let n = 0;
    const customer = await tokenServer(() => ({ access_token: `customer-token-${++n}`, expires_in: 7200 }));
    const created = await h.api("POST", "/accounts", {
      appId: h.demo.miniProgramAppId,
      tokenUrl: customer.url,
      header: "X-Token-Key: s3cr3t-header",
      kind: "miniprogram",
      verified: true,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ connection: "external", kind: "miniprogram" });
    expect(JSON.stringify(created.body)).not.toContain("127.0.0.1");
    expect(JSON.stringify(created.body)).not.toContain("s3cr3t");
    await h.api("PUT", `/accounts/${h.demo.miniProgramAppId}/openid-mapping`, { property: "mp_openid" });
    await h.api("POST", `/accounts/${h.demo.miniProgramAppId}/enable`);
    const token = await h.api<{ access_token: string }>(
      "GET",
      `/accounts/${h.demo.miniProgramAppId}/access-token`,
    );
    expect(token.body.access_token).toBe("customer-token-1");
    expect(customer.headers).toEqual(["s3cr3t-header"]);
    expect(h.wechatCalls("/cgi-bin/token")).toBe(0);

    const unreachable = await h.api<ErrorAnswer>("POST", "/accounts", {
      appId: h.demo.subscriptionAppId,
      tokenUrl: "http://127.0.0.1:1/token",
    });
    expect(unreachable.status).toBe(400);
    expect(unreachable.body.error.details.reason).toBe("credential_unchecked");
  });
});

describe("SSRF protection in production mode", () => {
  async function production(): Promise<{
    server: TestServer;
    api: (body: unknown) => Promise<{ status: number; body: ErrorAnswer }>;
  }> {
    const server = await createTestServer({
      modules: [tokensModule, accountsModule],
      env: {
        WXGATE_MODE: "production",
        WXGATE_COMPONENT_APPID: "wx0123456789abcdef",
        WXGATE_COMPONENT_SECRET: "0123456789abcdef0123456789abcdef",
        WXGATE_COMPONENT_TOKEN: "platformtoken",
        WXGATE_COMPONENT_ENCODING_AES_KEY: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
      },
    });
    cleanups.push(() => server.dispose());
    const { user } = await server.auth.createAdmin({ username: "admin", password: "correct horse battery" });
    const { key } = await server.auth.createApiKey(
      { userId: user.id, name: "admin" },
      { name: "t", scopes: ["admin"] },
    );
    return {
      server,
      api: async (body) => {
        const response = await server.app.inject({
          method: "POST",
          url: "/api/v1/accounts",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          payload: JSON.stringify(body),
        });
        return { status: response.statusCode, body: response.json() as ErrorAnswer };
      },
    };
  }

  it("refuses token URLs on loopback, private, link-local and unique-local addresses, by name or by number", async () => {
    const { server, api } = await production();
    for (const tokenUrl of [
      "http://127.0.0.1:8080/token",
      "http://localhost/token",
      "http://169.254.169.254/latest/meta-data",
      "http://10.1.2.3/token",
      "http://192.168.1.1/token",
      "http://[::1]/token",
      "http://[fd00::1]/token",
      "http://[::ffff:127.0.0.1]/token",
      "http://0.0.0.0/token",
    ]) {
      const answer = await api({ appId: "wx1111111111111111", tokenUrl });
      expect(answer.status, tokenUrl).toBe(400);
      expect(answer.body.error.details, tokenUrl).toMatchObject({
        reason: "address_not_allowed",
        field: "tokenUrl",
      });
    }
    const ftp = await api({ appId: "wx1111111111111111", tokenUrl: "ftp://example.com/token" });
    expect(ftp.body.error.details).toMatchObject({ reason: "invalid_url" });
    const rows = await server.store.db.selectFrom("accounts").selectAll().execute();
    expect(rows).toHaveLength(0);
  });
});
