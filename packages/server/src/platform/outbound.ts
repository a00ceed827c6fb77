import type { TcpNetConnectOpts } from "node:net";
import { Agent, buildConnector, type Dispatcher, fetch as undiciFetch } from "undici";
import {
  type AddressPolicy,
  AddressRefusedError,
  allowedAddresses,
  parseAddress,
  publicOnly,
} from "./addresses.js";

type Lookup = NonNullable<TcpNetConnectOpts["lookup"]>;

/**
 * The `lookup` a socket uses to find its peer: resolves once, judges every address
 * ({@link allowedAddresses}) and hands the socket only addresses that passed, so the address
 * connected to is the address checked — a name re-pointed between a check and the connection
 * (DNS rebinding) gains nothing.
 */
export function guardedLookup(policy: AddressPolicy = publicOnly): Lookup {
  return (hostname, options, callback) => {
    const family = familyOf(options.family);
    allowedAddresses(hostname, policy).then(
      (addresses) => {
        // Handed on in canonical spelling: the socket gets exactly the address that was judged.
        const usable = addresses
          .map((address) => parseAddress(address))
          .filter((parsed) => parsed !== undefined)
          .map((parsed) => ({ address: parsed.toString(), family: parsed.kind() === "ipv6" ? 6 : 4 }))
          .filter((entry) => family === 0 || entry.family === family);
        const first = usable[0];
        if (!first) {
          const message = `${hostname} has no IPv${family} address`;
          callback(new AddressRefusedError("address_unresolvable", hostname, message), "");
        } else if (options.all) {
          callback(null, usable);
        } else {
          callback(null, first.address, first.family);
        }
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), ""),
    );
  };
}

function familyOf(family: number | "IPv4" | "IPv6" | undefined): 0 | 4 | 6 {
  if (family === 4 || family === "IPv4") return 4;
  if (family === 6 || family === "IPv6") return 6;
  return 0;
}

/**
 * A connector for undici: names go through {@link guardedLookup}; IP literals, which a socket
 * connects to without any lookup, are judged here first.
 */
export function guardedConnector(policy: AddressPolicy = publicOnly): buildConnector.connector {
  const connect = buildConnector({ lookup: guardedLookup(policy) });
  return (options, callback) => {
    const literal = parseAddress(options.hostname);
    if (literal && !policy.allows(literal.toString())) {
      const host = options.hostname;
      callback(new AddressRefusedError("address_not_allowed", host, `${host} is not a public address`), null);
      return;
    }
    connect(options, callback);
  };
}

/** An undici dispatcher whose every connection is judged by `policy`; connections are kept alive. */
export function createGuardedAgent(
  policy: AddressPolicy = publicOnly,
  options: Omit<Agent.Options, "connect"> = {},
): Agent {
  return new Agent({ ...options, connect: guardedConnector(policy) });
}

let shared: Agent | undefined;

/** Creates the guarded fetch's own agent on first use, so one pool of connections serves all callers. */
function sharedAgent(): Agent {
  shared ??= createGuardedAgent();
  return shared;
}

let sandboxAgent: Agent | undefined;

/**
 * The dispatcher for requests to customer-given URLs made with undici's request API (cheaper
 * per request than fetch, which matters for webhooks sent by the thousand): in production the
 * guarded agent — the pool {@link outboundFetch} uses — and in the sandbox a plain agent, so
 * the emulator and local receivers on loopback stay reachable. Both keep connections alive,
 * so a busy receiver is served over a few open connections, not a new one per request.
 */
export function outboundDispatcher(options: { production: boolean }): Dispatcher {
  if (options.production) return sharedAgent();
  sandboxAgent ??= new Agent();
  return sandboxAgent;
}

/**
 * The fetch for requests to customer-given URLs (webhooks, token URLs). In production every
 * connection goes through the guarded agent; in the sandbox private addresses stay reachable,
 * because the emulator and local receivers live on loopback.
 *
 * It takes a URL (not a Request) and a string body, which is all its callers send. A refused
 * address rejects like a network failure, with the {@link AddressRefusedError} as `cause`.
 */
export function outboundFetch(options: { production: boolean; agent?: Agent }): typeof fetch {
  if (!options.production) return globalThis.fetch;
  return (input, init) => {
    if (typeof input !== "string" && !(input instanceof URL)) {
      throw new TypeError("outbound requests take a URL, not a Request");
    }
    const body = init?.body;
    if (body !== undefined && body !== null && typeof body !== "string") {
      throw new TypeError("outbound requests take a string body");
    }
    return undiciFetch(input, {
      method: init?.method ?? "GET",
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      ...(typeof body === "string" ? { body } : {}),
      ...(init?.redirect ? { redirect: init.redirect } : {}),
      ...(init?.signal ? { signal: init.signal } : {}),
      dispatcher: options.agent ?? sharedAgent(),
    });
  };
}

/** The refusal behind a failed outbound request, when an address check caused it. */
export function addressRefusal(error: unknown): AddressRefusedError | undefined {
  if (error instanceof AddressRefusedError) return error;
  if (error instanceof Error && error.cause instanceof AddressRefusedError) return error.cause;
  return undefined;
}
