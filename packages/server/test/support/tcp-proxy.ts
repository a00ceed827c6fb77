import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * A TCP relay on 127.0.0.1 in front of a real server (PostgreSQL): what a server under test
 * connects to, so a test can take the database away from it, as a network failure or a
 * database restart would, and give it back on the same address.
 */
export interface TcpProxy {
  /** The port the relay listens on (the same after {@link restore}). */
  readonly port: number;
  /** Connections relayed so far. */
  readonly accepted: number;
  /** Stops listening and drops every relayed connection: the target is unreachable. */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  let server: Server | undefined;

  const listen = (port: number) =>
    new Promise<Server>((resolve, reject) => {
      const listening = createServer((client) => {
        accepted++;
        const upstream = createConnection(target, client);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on("close", () => sockets.delete(socket));
          // A dropped connection ends both sides; the error itself is the point of a cut.
          socket.on("error", () => {});
        }
        client.pipe(upstream);
        upstream.pipe(client);
        client.on("close", () => upstream.destroy());
        upstream.on("close", () => client.destroy());
      });
      listening.once("error", reject);
      listening.listen(port, "127.0.0.1", () => resolve(listening));
    });

  server = await listen(0);
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the relay has no port");
  const port = address.port;

  const stop = async () => {
    const closing = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
  };

  return {
    port,
    get accepted() {
      return accepted;
    },
    cut: stop,
    async restore() {
      if (!server) server = await listen(port);
    },
    close: stop,
  };
}

function createConnection(target: { host: string; port: number }, client: Socket): Socket {
  const upstream = connect(target.port, target.host);
  upstream.on("error", () => client.destroy());
  return upstream;
}
