import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { buildXml, type PushMode, sealPush } from "@wxgate/wechat";
import {
  type CallbackAccounts,
  type CallbackCredentials,
  type CallbacksOptions,
  callbacksModule,
} from "../src/callbacks/index.js";
import type { Scope } from "../src/http/principal.js";
import { createTestServer, type TestServer } from "../src/testing/server.js";
import { webhooksModule } from "../src/webhooks/index.js";

export const TOKEN = "gatewaytoken";
export const AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
export const PREVIOUS_AES_KEY = "ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvutsrqponmlkj";
/** A directly connected account in safe mode (encrypted pushes only). */
export const APP_ID = "wx1111111111111111";
/** The same, configured for plaintext pushes. */
export const PLAINTEXT_APP_ID = "wx1111111111111112";
/** The same, configured for compatible mode. */
export const COMPATIBLE_APP_ID = "wx1111111111111113";
export const DISABLED_APP_ID = "wx2222222222222222";
export const COMPONENT_APP_ID = "wx3333333333333333";
export const PLATFORM_APP_ID = "wx4444444444444444";
export const ORIGINAL_ID = "gh_0123456789ab";

/** The test account for each mode: an account accepts the one mode it is configured for. */
export const APP_ID_FOR_MODE: Record<PushMode, string> = {
  safe: APP_ID,
  plaintext: PLAINTEXT_APP_ID,
  compatible: COMPATIBLE_APP_ID,
};

function direct(appId: string, mode: PushMode, enabled = true): [string, CallbackCredentials] {
  return [appId, { appId, enabled, token: TOKEN, encodingAESKey: AES_KEY, cipherAppId: appId, mode }];
}

/** An in-test stand-in for the accounts module's side of the port. */
export class TestAccounts implements CallbackAccounts {
  readonly accounts = new Map<string, CallbackCredentials>([
    direct(APP_ID, "safe"),
    direct(PLAINTEXT_APP_ID, "plaintext"),
    direct(COMPATIBLE_APP_ID, "compatible"),
    direct(DISABLED_APP_ID, "safe", false),
    [
      PLATFORM_APP_ID,
      {
        appId: PLATFORM_APP_ID,
        enabled: true,
        token: TOKEN,
        encodingAESKey: AES_KEY,
        previousEncodingAESKey: PREVIOUS_AES_KEY,
        cipherAppId: COMPONENT_APP_ID,
        mode: "safe",
      },
    ],
  ]);
  async credentialsFor(appId: string): Promise<CallbackCredentials | undefined> {
    return this.accounts.get(appId);
  }
}

/** A wxgate listening on loopback, with an admin API key. */
export interface Gateway {
  server: TestServer;
  url: string;
  apiKey: string;
  close(): Promise<void>;
}

export async function startGateway(
  options: Partial<CallbacksOptions> & { env?: Record<string, string> } = {},
): Promise<Gateway> {
  const { env, ...rest } = options;
  const server = await createTestServer({
    modules: [callbacksModule({ accounts: new TestAccounts(), ...rest }), webhooksModule()],
    ...(env ? { env } : {}),
  });
  await server.app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = server.app.server.address() as AddressInfo;
  const created = await server.auth.createApiKey(
    { userId: null, name: "test" },
    { name: "tests", scopes: ["webhooks:write", "events:read"] satisfies Scope[] },
  );
  return { server, url: `http://127.0.0.1:${port}`, apiKey: created.key, close: () => server.dispose() };
}

let msgIds = 0n;

/** A follower's text message, as WeChat writes it. */
export function textXml(content: string, createTime: number, msgId?: string): string {
  msgIds += 1n;
  return buildXml({
    ToUserName: ORIGINAL_ID,
    FromUserName: "oFollower000000000000000001",
    CreateTime: createTime,
    MsgType: "text",
    Content: content,
    MsgId: msgId ?? String(24000000000000000n + msgIds),
  });
}

/** A subscribe event. */
export function subscribeXml(createTime: number, openId = "oFollower000000000000000002"): string {
  return buildXml({
    ToUserName: ORIGINAL_ID,
    FromUserName: openId,
    CreateTime: createTime,
    MsgType: "event",
    Event: "subscribe",
  });
}

/** A push sealed the way WeChat does, and the account it is meant for. */
export interface SealedTestPush {
  query: Record<string, string>;
  body: string;
  /** The account configured for the push's mode (or the one named when sealing). */
  appId: string;
}

/**
 * Seals a push the way WeChat does, at the server's clock, for the test account configured
 * for `mode` unless another appid is named.
 */
export function seal(
  gateway: Gateway,
  xml: string,
  mode: PushMode,
  extra: { appId?: string; encodingAESKey?: string; nonce?: string; timestamp?: string } = {},
): SealedTestPush {
  const appId = extra.appId ?? APP_ID_FOR_MODE[mode];
  const sealed = sealPush(xml, {
    token: TOKEN,
    appId,
    encodingAESKey: extra.encodingAESKey ?? AES_KEY,
    mode,
    now: () => gateway.server.clock.now(),
    ...(extra.nonce ? { nonce: extra.nonce } : {}),
    ...(extra.timestamp ? { timestamp: extra.timestamp } : {}),
  });
  return { ...sealed, appId };
}

/** POSTs a sealed push to an account's callback URL (the one it was sealed for by default). */
export function push(
  gateway: Gateway,
  sealed: { query: Record<string, string>; body: string; appId?: string },
  appId = sealed.appId ?? APP_ID,
  init: { contentType?: string } = {},
): Promise<Response> {
  const query = new URLSearchParams(sealed.query).toString();
  return fetch(`${gateway.url}/wechat/accounts/${appId}/callback?${query}`, {
    method: "POST",
    headers: { "content-type": init.contentType ?? "text/xml" },
    body: sealed.body,
  });
}

/** Calls the JSON API with the gateway's key. */
export async function api(gateway: Gateway, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${gateway.url}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${gateway.apiKey}`,
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

/** What a test receiver saw. */
export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A local HTTP receiver whose answers the test scripts. */
export interface Receiver {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

export async function startReceiver(
  answer: (request: Received, index: number, response: ServerResponse) => void,
): Promise<Receiver> {
  const received: Received[] = [];
  const server = createHttpServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const entry = {
        method: request.method ?? "",
        url: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      received.push(entry);
      answer(entry, received.length - 1, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function countRows(server: TestServer, table: "events" | "webhook_deliveries" | "webhooks") {
  const row = await server.store.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
