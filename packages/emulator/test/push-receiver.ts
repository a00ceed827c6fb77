import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type OpenedPush, PushEndpoint, type PushEndpointOptions } from "@wxgate/wechat";

/** One push as the receiver saw it. */
export interface ReceivedPush {
  path: string;
  query: Record<string, string>;
  body: string;
  /** Opened with @wxgate/wechat's PushEndpoint (undefined when it refused the push). */
  opened?: OpenedPush;
  refusal?: unknown;
}

/** What to answer: a body (default `success`), a status, or never answer at all. */
export type ReceiverAnswer = { status?: number; body?: string } | "hang";

export interface Receiver {
  url: string;
  pushes: ReceivedPush[];
  /** Pushes whose document has this InfoType / MsgType / Event. */
  find(kind: string): ReceivedPush[];
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/**
 * A developer's server on 127.0.0.1: records every push, opens it with PushEndpoint (signature,
 * decryption) and answers with `answer(push, endpoint)`.
 */
export async function startReceiver(
  endpointOptions: PushEndpointOptions,
  answer: (push: ReceivedPush, endpoint: PushEndpoint) => ReceiverAnswer = () => ({}),
): Promise<Receiver> {
  const endpoint = new PushEndpoint({ replayWindowSeconds: 0, ...endpointOptions });
  const pushes: ReceivedPush[] = [];
  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const body = await readBody(request);
    const push: ReceivedPush = { path: url.pathname, query: Object.fromEntries(url.searchParams), body };
    try {
      push.opened = endpoint.open(push.query, body);
    } catch (error) {
      push.refusal = error;
    }
    pushes.push(push);
    const reply = answer(push, endpoint);
    if (reply === "hang") return;
    response.writeHead(reply.status ?? 200, { "content-type": "text/plain; charset=utf-8" });
    response.end(reply.body ?? "success");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const kindOf = (push: ReceivedPush): string[] => {
    const message = push.opened?.message as
      | { infoType?: string; msgType?: string; event?: string }
      | undefined;
    return [message?.infoType, message?.msgType, message?.event].filter((v): v is string => v !== undefined);
  };
  return {
    url: `http://127.0.0.1:${port}`,
    pushes,
    find: (kind) => pushes.filter((push) => kindOf(push).includes(kind)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
