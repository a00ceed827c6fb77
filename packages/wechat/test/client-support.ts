import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A request as the scripted WeChat saw it. */
export interface SeenRequest {
  method: string;
  /** Path without query, prefix included. */
  path: string;
  query: URLSearchParams;
  /** Parsed JSON body, or undefined. */
  body: unknown;
  rawBody: string;
  headers: IncomingMessage["headers"];
}

/** What the scripted WeChat answers. */
export type ScriptedAnswer =
  | { json: unknown; status?: number }
  | { text: string; status?: number; contentType?: string }
  | { bytes: Buffer; contentType: string; status?: number }
  /** Never answers: for timeouts. */
  | { hang: true }
  /** Sends headers, then never finishes the body. */
  | { hangBody: true };

export type Responder = (request: SeenRequest, index: number) => ScriptedAnswer | Promise<ScriptedAnswer>;

/** A local HTTP server, scripted per test to answer like WeChat. */
export interface ScriptedWeChat {
  /** `http://127.0.0.1:<port>` */
  url: string;
  requests: SeenRequest[];
  /** Requests to one path. */
  requestsTo(path: string): SeenRequest[];
  /** Answer `path` (any method) with `responder`; the index counts calls to that path from 0. */
  on(path: string, responder: Responder | ScriptedAnswer): void;
  close(): Promise<void>;
}

/** Starts the scripted server on 127.0.0.1, port 0. Unscripted paths answer 404 with errcode 404. */
export async function startScriptedWeChat(): Promise<ScriptedWeChat> {
  const routes = new Map<string, Responder>();
  const counts = new Map<string, number>();
  const requests: SeenRequest[] = [];

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    let body: unknown;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      body = undefined;
    }
    const seen: SeenRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      body,
      rawBody,
      headers: req.headers,
    };
    requests.push(seen);
    const index = counts.get(url.pathname) ?? 0;
    counts.set(url.pathname, index + 1);
    const responder = routes.get(url.pathname);
    const answer: ScriptedAnswer = responder
      ? await responder(seen, index)
      : { json: { errcode: 404, errmsg: `no route ${url.pathname}` }, status: 404 };
    if ("hang" in answer) return;
    if ("hangBody" in answer) {
      res.writeHead(200, { "content-type": "application/json" });
      res.write("{");
      return;
    }
    if ("json" in answer) {
      res.writeHead(answer.status ?? 200, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(answer.json));
    } else if ("text" in answer) {
      res.writeHead(answer.status ?? 200, { "content-type": answer.contentType ?? "text/html" });
      res.end(answer.text);
    } else {
      res.writeHead(answer.status ?? 200, { "content-type": answer.contentType });
      res.end(answer.bytes);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    requestsTo: (path) => requests.filter((r) => r.path === path),
    on(path, responder) {
      routes.set(path, typeof responder === "function" ? responder : () => responder);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A WeChat error body with a request id, as WeChat formats it. */
export function wechatError(
  errcode: number,
  message: string,
  rid = "6523a3f1-2c3a9e0b-1f5e7a55",
): { json: unknown } {
  return { json: { errcode, errmsg: `${message} rid: ${rid}` } };
}
