import type { LookupAddress } from "node:dns";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Agent } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { type AddressPolicy, AddressRefusedError, isForbiddenAddress, type Resolver } from "./addresses.js";
import { addressRefusal, createGuardedAgent, guardedLookup, outboundFetch } from "./outbound.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A receiver on one loopback address, telling who connected. */
interface Receiver {
  port: number;
  connections: number;
  peers: string[];
}

async function receiver(host: string, options: { close?: boolean } = {}): Promise<Receiver> {
  const seen: Receiver = { port: 0, connections: 0, peers: [] };
  const server: Server = createServer((request, response) => {
    seen.peers.push(request.socket.localAddress ?? "");
    if (options.close) response.setHeader("connection", "close");
    response.end("ok");
  });
  server.on("connection", () => {
    seen.connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  seen.port = (server.address() as AddressInfo).port;
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return seen;
}

function agent(policy: AddressPolicy, options: Agent.Options = {}): Agent {
  const created = createGuardedAgent(policy, options);
  cleanups.push(() => created.close());
  return created;
}

/** A resolver giving each answer in turn (the last one from then on), counting the lookups. */
function answering(...answers: string[][]): Resolver & { calls: number } {
  const resolve = Object.assign(
    async () => {
      const answer = answers[Math.min(resolve.calls, answers.length - 1)]!;
      resolve.calls++;
      return answer;
    },
    { calls: 0 },
  );
  return resolve;
}

async function refusedWith(request: Promise<unknown>): Promise<AddressRefusedError> {
  const error = await request.then(
    () => undefined,
    (e: unknown) => e,
  );
  const refusal = addressRefusal(error);
  expect(refusal, String(error)).toBeInstanceOf(AddressRefusedError);
  return refusal!;
}

describe("the guarded lookup", () => {
  const publicRules = (resolve: Resolver): AddressPolicy => ({
    resolve,
    allows: (address) => !isForbiddenAddress(address),
  });

  function lookup(policy: AddressPolicy, all: boolean): Promise<LookupAddress[] | string> {
    return new Promise((resolve, reject) => {
      guardedLookup(policy)("tokens.example.com", { all }, (error, address) =>
        error ? reject(error) : resolve(address),
      );
    });
  }

  it("hands the socket the address it judged, and judges again on the next lookup (rebinding)", async () => {
    const resolve = answering(["93.184.216.34"], ["127.0.0.1"]);
    const policy = publicRules(resolve);
    expect(await lookup(policy, true)).toEqual([{ address: "93.184.216.34", family: 4 }]);
    expect(resolve.calls).toBe(1);
    const refused = await lookup(policy, false).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AddressRefusedError);
    expect(refused).toMatchObject({ code: "address_not_allowed", host: "tokens.example.com" });
    expect(resolve.calls).toBe(2);
  });

  it("answers a single-address lookup with the first judged address and its family", async () => {
    const policy = publicRules(answering(["2001:4860:4860::8888", "8.8.8.8"]));
    await new Promise<void>((done) => {
      guardedLookup(policy)("dns.example", {}, (error, address, family) => {
        expect(error).toBeNull();
        expect([address, family]).toEqual(["2001:4860:4860::8888", 6]);
        done();
      });
    });
  });
});

describe("guarded connections", () => {
  it("connects only to the judged address when the name is re-pointed to a private one", async () => {
    // 127.0.0.1 stands in for a public address here; 127.0.0.2 is the private one.
    const allowed = await receiver("127.0.0.1", { close: true });
    const forbidden = await receiver("127.0.0.2");
    const resolve = answering(["127.0.0.1"], ["127.0.0.2"]);
    const fetch = outboundFetch({
      production: true,
      agent: agent({ resolve, allows: (address) => address === "127.0.0.1" }),
    });
    const target = `http://hooks.example.com:${allowed.port}/x`;

    const first = await fetch(target);
    expect(await first.text()).toBe("ok");
    expect(allowed.peers).toEqual(["127.0.0.1"]);
    expect(resolve.calls).toBe(1);

    // The name now answers the private address: the new connection is refused before it opens.
    const refused = await refusedWith(fetch(target));
    expect(refused.code).toBe("address_not_allowed");
    expect(refused.message).toBe("hooks.example.com resolves to an address that is not public (127.0.0.2)");
    expect(resolve.calls).toBe(2);
    expect(forbidden.connections).toBe(0);
    expect(allowed.connections).toBe(1);
  });

  it("keeps a judged connection alive for the next request, without resolving again", async () => {
    const seen = await receiver("127.0.0.1");
    const resolve = answering(["127.0.0.1"]);
    // One connection per origin, so that each request waits for the previous one's socket.
    const fetch = outboundFetch({
      production: true,
      agent: agent({ resolve, allows: (address) => address === "127.0.0.1" }, { connections: 1 }),
    });
    for (let i = 0; i < 3; i++) {
      expect(await (await fetch(`http://hooks.example.com:${seen.port}/x`)).text()).toBe("ok");
    }
    expect(seen.connections).toBe(1);
    expect(resolve.calls).toBe(1);
  });

  it("refuses a name that does not resolve", async () => {
    const refused = await refusedWith(outboundFetch({ production: true })("http://hooks.nowhere.invalid/x"));
    expect(refused.code).toBe("address_unresolvable");
    expect(refused.message).toBe("hooks.nowhere.invalid cannot be resolved");
  });

  it("refuses private IP literals in any spelling without connecting, and allows them in the sandbox", async () => {
    const seen = await receiver("127.0.0.1");
    const production = outboundFetch({ production: true });
    for (const host of ["127.0.0.1", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::127.0.0.1]", "0x7f.1"]) {
      const refused = await refusedWith(production(`http://${host}:${seen.port}/x`));
      expect(refused.code, host).toBe("address_not_allowed");
    }
    expect(seen.connections).toBe(0);
    const sandbox = outboundFetch({ production: false });
    expect(await (await sandbox(`http://127.0.0.1:${seen.port}/x`)).text()).toBe("ok");
  });

  it("refuses localhost through the addresses it resolves to", async () => {
    const seen = await receiver("127.0.0.1");
    const refused = await refusedWith(outboundFetch({ production: true })(`http://localhost:${seen.port}/x`));
    expect(refused.code).toBe("address_not_allowed");
    expect(seen.connections).toBe(0);
  });
});
