import { WeChatApiError } from "@wxgate/wechat";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { accountsPolicy } from "../accounts/index.js";
import type { ModuleFactory } from "../module.js";
import { errors } from "../platform/errors.js";
import { createTestServer, type TestServer } from "../testing/server.js";
import { DOCS_CSP } from "./app.js";
import { defineRoute } from "./route.js";

/** A module exercising the edge: validation, scopes, error mapping, response shaping. */
const probeModule: ModuleFactory = () => ({
  name: "probe",
  // The probe takes an account action: an accounts:write key may call it, an accounts:read one not.
  policies: [accountsPolicy],
  routes: [
    defineRoute({
      method: "POST",
      url: "/probe/echo/:id",
      action: "accounts.update",
      summary: "Echo",
      params: z.object({ id: z.string().regex(/^\d+$/) }),
      query: z.object({ verbose: z.enum(["yes", "no"]).optional() }),
      body: z.object({ name: z.string().min(1), count: z.number().int().max(10) }),
      response: z.object({ id: z.string(), name: z.string(), count: z.number() }),
      handler: async ({ params, body }) => ({ id: params.id, ...body, secret: "must-not-leave" }),
    }),
    defineRoute({
      method: "GET",
      url: "/probe/wechat-failure",
      action: "public",
      summary: "Throws a WeChat API error",
      handler: async () => {
        throw new WeChatApiError({
          errcode: 40001,
          errmsg: "invalid credential rid: 6500-1",
          api: "/cgi-bin/menu/get",
          rid: "6500-1",
        });
      },
    }),
    defineRoute({
      method: "GET",
      url: "/probe/crash",
      action: "public",
      summary: "Throws an unexpected error",
      handler: async () => {
        throw new Error("db password is hunter2");
      },
    }),
    defineRoute({
      method: "GET",
      url: "/probe/conflict",
      action: "public",
      summary: "Throws a conflict",
      handler: async () => {
        throw errors.conflict("already there", { field: "name" });
      },
    }),
  ],
});

let server: TestServer;
let adminKey: string;
let readKey: string;

beforeEach(async () => {
  server = await createTestServer({ modules: [probeModule] });
  const { user } = await server.auth.createAdmin({ username: "root", password: "a long enough password" });
  const creator = { userId: user.id, name: "root" };
  adminKey = (await server.auth.createApiKey(creator, { name: "ci", scopes: ["accounts:write"] })).key;
  readKey = (await server.auth.createApiKey(creator, { name: "reader", scopes: ["accounts:read"] })).key;
});
afterEach(async () => {
  await server.dispose();
});

function echo(init: { key?: string; payload?: string; contentType?: string; url?: string }) {
  return server.app.inject({
    method: "POST",
    url: init.url ?? "/api/v1/probe/echo/42",
    headers: {
      ...(init.key ? { authorization: `Bearer ${init.key}` } : {}),
      "content-type": init.contentType ?? "application/json",
    },
    payload: init.payload ?? JSON.stringify({ name: "x", count: 1 }),
  });
}

describe("the HTTP edge", () => {
  it("validates, calls, and lets only the response schema's keys out", async () => {
    const response = await echo({ key: adminKey });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ id: "42", name: "x", count: 1 });
    expect(response.body).not.toContain("must-not-leave");
    expect(response.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers["cache-control"]).toBe("no-store");
  });

  it("keeps a sane incoming request id", async () => {
    const response = await server.app.inject({
      method: "GET",
      url: "/healthz",
      headers: { "x-request-id": "lb-1234" },
    });
    expect(response.headers["x-request-id"]).toBe("lb-1234");
    const odd = await server.app.inject({
      method: "GET",
      url: "/healthz",
      headers: { "x-request-id": "<script>" },
    });
    expect(odd.headers["x-request-id"]).not.toBe("<script>");
  });

  it("answers 401 unauthorized without credentials and with a bad key", async () => {
    for (const key of [undefined, "wxg_not-a-real-key", "sk_other-format"]) {
      const response = await echo(key ? { key } : {});
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe("unauthorized");
    }
  });

  it("answers 403 forbidden when the key lacks the scope", async () => {
    const response = await echo({ key: readKey });
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toMatchObject({
      code: "forbidden",
      message: "this operation needs the accounts:write scope",
    });
  });

  it("answers 400 malformed_json for broken JSON", async () => {
    const response = await echo({ key: adminKey, payload: '{"name": "x", ' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe("malformed_json");
  });

  it("answers 415 unsupported_media_type for other content types", async () => {
    for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "application/xml"]) {
      const response = await echo({ key: adminKey, contentType, payload: "name=x" });
      expect(response.statusCode).toBe(415);
      expect(response.json().error.code).toBe("unsupported_media_type");
    }
  });

  it("answers 413 payload_too_large above the body limit", async () => {
    const response = await echo({
      key: adminKey,
      payload: JSON.stringify({ name: "x".repeat(2 * 1024 * 1024), count: 1 }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe("payload_too_large");
  });

  it("answers 400 validation_failed with every issue, by location", async () => {
    const response = await echo({
      key: adminKey,
      url: "/api/v1/probe/echo/abc",
      payload: JSON.stringify({ name: "", count: 11 }),
    });
    expect(response.statusCode).toBe(400);
    const { error } = response.json();
    expect(error.code).toBe("validation_failed");
    expect(error.details).toEqual([expect.objectContaining({ in: "path", path: "id" })]);
    const body = await echo({ key: adminKey, payload: JSON.stringify({ name: "", count: 11 }) });
    expect(
      body
        .json()
        .error.details.map((d: { path: string }) => d.path)
        .sort(),
    ).toEqual(["count", "name"]);
    const query = await echo({ key: adminKey, url: "/api/v1/probe/echo/1?verbose=maybe" });
    expect(query.json().error.details[0]).toMatchObject({ in: "query", path: "verbose" });
  });

  it("maps WeChat API errors to 502 with errcode and rid", async () => {
    const response = await server.app.inject({ method: "GET", url: "/api/v1/probe/wechat-failure" });
    expect(response.statusCode).toBe(502);
    expect(response.json().error).toMatchObject({
      code: "wechat_api_error",
      details: { errcode: 40001, rid: "6500-1", api: "/cgi-bin/menu/get" },
    });
  });

  it("hides unexpected errors behind 500 internal_error", async () => {
    const response = await server.app.inject({ method: "GET", url: "/api/v1/probe/crash" });
    expect(response.statusCode).toBe(500);
    expect(response.json().error.code).toBe("internal_error");
    expect(response.body).not.toContain("hunter2");
  });

  it("passes platform errors through with their code and details", async () => {
    const response = await server.app.inject({ method: "GET", url: "/api/v1/probe/conflict" });
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatchObject({ code: "conflict", details: { field: "name" } });
  });

  it("answers 404 not_found for unknown routes", async () => {
    const response = await server.app.inject({ method: "GET", url: "/api/v1/nothing-here?access_token=x" });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe("not_found");
    expect(response.body).not.toContain("access_token");
  });

  it("serves /healthz", async () => {
    const response = await server.app.inject({ method: "GET", url: "/healthz" });
    expect(response.json()).toEqual({ status: "ok" });
  });

  it("publishes an OpenAPI 3.1 document built from the schemas, and a docs page", async () => {
    const document = (await server.app.inject({ method: "GET", url: "/api/v1/openapi.json" })).json();
    expect(document.openapi).toBe("3.1.0");
    const operation = document.paths["/api/v1/probe/echo/{id}"].post;
    expect(operation["x-wxgate-scope"]).toBe("accounts:write");
    expect(operation.tags).toEqual(["probe"]);
    expect(operation.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "id", in: "path", required: true }),
        expect.objectContaining({ name: "verbose", in: "query", required: false }),
      ]),
    );
    expect(operation.requestBody.content["application/json"].schema.required).toEqual(["name", "count"]);
    expect(document.paths["/api/v1/api-keys"].post.responses["201"]).toBeDefined();
    expect(document.paths["/api/v1/session"].post.security).toEqual([]);
    // The reference page: Swagger UI's own files under a CSP without inline script, over the same document.
    const docs = await server.app.inject({ method: "GET", url: "/api/v1/docs" });
    expect(docs.headers["content-type"]).toContain("text/html");
    expect(docs.headers["content-security-policy"]).toBe(DOCS_CSP);
    expect(docs.body).toContain('src="/api/v1/docs/static/swagger-ui-bundle.js"');
    expect(docs.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|https?:\/\/(?!127)/);
    // Its accessibility fixes (contrast, the server list's name) are files of their own too.
    for (const file of ["wxgate.css", "wxgate.js"]) {
      expect(docs.body).toContain(`/api/v1/docs/static/theme/${file}`);
      const served = await server.app.inject({ method: "GET", url: `/api/v1/docs/static/theme/${file}` });
      expect(served.statusCode).toBe(200);
    }
    const shown = await server.app.inject({ method: "GET", url: "/api/v1/docs/json" });
    expect(shown.json().paths).toEqual(document.paths);
  });
});
