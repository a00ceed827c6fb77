import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { wechatTransport } from "./wechat-transport.js";

let server: Server;
let url: string;
let received: { method: string; path: string; body: string }[];

beforeEach(async () => {
  received = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({
        method: req.method ?? "",
        path: req.url ?? "",
        body: Buffer.concat(chunks).toString(),
      });
      if (req.url?.startsWith("/hang")) return;
      if (req.url?.startsWith("/moved")) {
        res.writeHead(302, { location: "/elsewhere" }).end();
        return;
      }
      const status = req.url?.startsWith("/busy") ? 503 : 200;
      res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify({ errcode: 0, echo: Buffer.concat(chunks).toString() }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("the WeChat transport", () => {
  it("posts the JSON text and returns the whole answer with its status and content type", async () => {
    const send = wechatTransport();
    const answer = await send({
      url: `${url}/cgi-bin/user/info/batchget?access_token=t`,
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8", accept: "application/json" },
      body: '{"user_list":[{"openid":"o1"}]}',
      signal: AbortSignal.timeout(5_000),
    });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe("application/json; charset=utf-8");
    expect(JSON.parse(answer.body.toString("utf8"))).toEqual({
      errcode: 0,
      echo: '{"user_list":[{"openid":"o1"}]}',
    });
    expect(received).toEqual([
      {
        method: "POST",
        path: "/cgi-bin/user/info/batchget?access_token=t",
        body: '{"user_list":[{"openid":"o1"}]}',
      },
    ]);
  });

  it("hands error statuses and redirects back as answers, without following them", async () => {
    const send = wechatTransport();
    const busy = await send({
      url: `${url}/busy`,
      method: "GET",
      headers: {},
      signal: AbortSignal.timeout(5_000),
    });
    expect(busy.status).toBe(503);
    const moved = await send({
      url: `${url}/moved`,
      method: "GET",
      headers: {},
      signal: AbortSignal.timeout(5_000),
    });
    expect(moved.status).toBe(302);
    expect(received.map((r) => r.path)).toEqual(["/busy", "/moved"]);
  });

  it("rejects when the signal aborts before the answer came", async () => {
    const send = wechatTransport();
    const controller = new AbortController();
    const pending = send({ url: `${url}/hang`, method: "GET", headers: {}, signal: controller.signal });
    while (received.length === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    await expect(pending).rejects.toThrow();
  });
});
