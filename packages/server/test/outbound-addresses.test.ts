import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { accountsModule } from "../src/accounts/index.js";
import { createTestServer, type TestServer } from "../src/testing/server.js";
import { tokensModule } from "../src/tokens/index.js";
import { api, type Gateway, startGateway } from "./callbacks-helpers.js";

/** A production server: the address checks apply (the sandbox allows private addresses). */
const PRODUCTION = {
  WXGATE_MODE: "production",
  WXGATE_COMPONENT_APPID: "wx0123456789abcdef",
  WXGATE_COMPONENT_SECRET: "0123456789abcdef0123456789abcdef",
  WXGATE_COMPONENT_TOKEN: "platformtoken",
  WXGATE_COMPONENT_ENCODING_AES_KEY: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
};

const MINI_PROGRAM = "wx5555555555555555";

interface ErrorAnswer {
  error: { code: string; message: string; details: unknown };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("mini program send config in production", () => {
  async function production(): Promise<{
    server: TestServer;
    put: (tokenUrl: string) => Promise<{ status: number; body: unknown }>;
  }> {
    const server = await createTestServer({ modules: [tokensModule, accountsModule], env: PRODUCTION });
    cleanups.push(() => server.dispose());
    await server.app.listen({ host: "127.0.0.1", port: 0 });
    const base = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}/api/v1`;
    const { key } = await server.auth.createApiKey(
      { userId: null, name: "test" },
      { name: "tests", scopes: ["admin"] },
    );
    // A mini program connected earlier with its AppSecret: reaching WeChat is not what is tested.
    const now = server.clock.now();
    await server.store.db
      .insertInto("accounts")
      .values({
        id: "mini-program-account",
        appid: MINI_PROGRAM,
        kind: "miniprogram",
        connection: "direct",
        nickname: "小程序",
        declared_verified: 0,
        func_info: "[]",
        authorization_state: "authorized",
        authorized_at: now,
        enabled: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
    return {
      server,
      put: async (tokenUrl) => {
        const response = await fetch(`${base}/accounts/${MINI_PROGRAM}/miniprogram/send-config`, {
          method: "PUT",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify({ mode: "token_url", tokenUrl, header: "X-Token-Key: s3cret-header" }),
        });
        return { status: response.status, body: await response.json() };
      },
    };
  }

  async function sendConfig(server: TestServer) {
    return server.store.db
      .selectFrom("accounts")
      .select(["send_mode", "send_token_url", "send_token_header"])
      .where("appid", "=", MINI_PROGRAM)
      .executeTakeFirstOrThrow();
  }

  it("refuses token URLs whose IPv6 address embeds a private IPv4 address, and stores nothing", async () => {
    const { server, put } = await production();
    for (const tokenUrl of [
      "http://[::127.0.0.1]:9/x",
      "http://[::ffff:7f00:1]/x",
      "http://[64:ff9b::7f00:1]/x",
      "http://[::ffff:0:10.0.0.1]/x",
      "http://[2002:a9fe:a9fe::1]/latest/meta-data",
      "http://[FE80::1]/x",
      "http://[2001:db8::1]/x",
    ]) {
      const answer = await put(tokenUrl);
      expect(answer.status, tokenUrl).toBe(400);
      const { error } = answer.body as ErrorAnswer;
      expect(error.code, tokenUrl).toBe("validation_failed");
      expect(error.details, tokenUrl).toEqual({ reason: "address_not_allowed", field: "tokenUrl" });
      expect(error.message, tokenUrl).toMatch(/^the token URL is refused: .+ is not a public address$/);
      expect(JSON.stringify(answer.body)).not.toContain("s3cret-header");
    }
    expect(await sendConfig(server)).toEqual({
      send_mode: null,
      send_token_url: null,
      send_token_header: null,
    });
  });

  it("refuses a token URL whose name does not resolve, and stores nothing", async () => {
    const { server, put } = await production();
    const answer = await put("https://tokens.nowhere.invalid/token");
    expect(answer.status).toBe(400);
    expect((answer.body as ErrorAnswer).error).toMatchObject({
      code: "validation_failed",
      message: "the token URL is refused: tokens.nowhere.invalid cannot be resolved",
      details: { reason: "address_unresolvable", field: "tokenUrl" },
    });
    expect((await sendConfig(server)).send_token_url).toBeNull();
  });

  it("accepts a public address, IPv4-mapped spelling included", async () => {
    const { server, put } = await production();
    const answer = await put("http://[::ffff:8.8.8.8]/token");
    expect(answer.status).toBe(200);
    const stored = await sendConfig(server);
    expect(stored.send_mode).toBe("token_url");
    // Stored sealed, like every URL that may carry a credential.
    expect(stored.send_token_url).not.toContain("8.8.8.8");
  });
});

describe("webhooks in production", () => {
  let gateway: Gateway;

  async function start(): Promise<Gateway> {
    gateway = await startGateway({ env: PRODUCTION });
    cleanups.push(() => gateway.close());
    return gateway;
  }

  async function stored(): Promise<unknown[]> {
    const response = await api(gateway, "GET", "/webhooks");
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: unknown[] }).items;
  }

  it("refuses a webhook whose name does not resolve, and stores nothing", async () => {
    await start();
    const response = await api(gateway, "POST", "/webhooks", { url: "https://hooks.nowhere.invalid/wx" });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: {
        code: "validation_failed",
        details: [
          {
            path: "url",
            reason: "address_unresolvable",
            message: "hooks.nowhere.invalid cannot be resolved",
          },
        ],
      },
    });
    expect(await stored()).toHaveLength(0);
  });

  it("refuses webhooks on IPv6 spellings of private addresses and on names that resolve to loopback", async () => {
    await start();
    for (const url of [
      "http://[::127.0.0.1]:9/x",
      "http://[::ffff:7f00:1]/x",
      "http://[64:ff9b::7f00:1]/x",
      "http://localhost:9/x",
    ]) {
      const response = await api(gateway, "POST", "/webhooks", { url });
      expect(response.status, url).toBe(400);
      expect(((await response.json()) as ErrorAnswer).error.code, url).toBe("validation_failed");
    }
    expect(await stored()).toHaveLength(0);
  });
});
