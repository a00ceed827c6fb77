import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { createTestServer, type TestServer } from "../../src/testing/server.js";

export const ADMIN = { username: "ops", password: "correct horse battery staple" };

/** A sign-in answer as a client sees it. */
export interface SignInAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: {
    error?: { code: string; message: string; details?: Record<string, unknown>; requestId: string };
    csrfToken?: string;
  };
  /** The `wxgate_session` cookie, when one was set. */
  sessionCookie: string | undefined;
}

/** A listening wxgate (auth only) with one admin, signed into over real HTTP. */
export interface SignInHarness {
  server: TestServer;
  /**
   * `POST /api/v1/session` from the loopback address `from` (127.0.0.1 by default): each
   * address of 127.0.0.0/8 is a different client to the server.
   */
  signIn(input: { username: string; password: string; from?: string }): Promise<SignInAnswer>;
  close(): Promise<void>;
}

/** Starts a server with `env` added to its settings, listening on 127.0.0.1. */
export async function startSignInServer(env: Record<string, string> = {}): Promise<SignInHarness> {
  const server = await createTestServer({ env });
  try {
    await server.auth.createAdmin(ADMIN);
    await server.app.listen({ host: "127.0.0.1", port: 0 });
  } catch (error) {
    await server.dispose();
    throw error;
  }
  const { port } = server.app.server.address() as AddressInfo;
  return {
    server,
    signIn: (input) =>
      post(port, input.from ?? "127.0.0.1", { username: input.username, password: input.password }),
    close: () => server.dispose(),
  };
}

function post(port: number, from: string, payload: unknown): Promise<SignInAnswer> {
  const data = JSON.stringify(payload);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        localAddress: from,
        // A fresh connection each time: none is left open when the server closes.
        agent: false,
        method: "POST",
        path: "/api/v1/session",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(data) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const cookie = (res.headers["set-cookie"] ?? []).find((c) => c.startsWith("wxgate_session="));
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text ? (JSON.parse(text) as SignInAnswer["body"]) : {},
            sessionCookie: cookie?.split(";")[0]?.slice("wxgate_session=".length),
          });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}
