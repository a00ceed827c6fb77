import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { PlatformError } from "../platform/errors.js";

/**
 * Addresses a customer's token URL may not reach in production: loopback, private, link-local
 * (cloud metadata lives there), carrier-grade NAT, unspecified, multicast and reserved ranges —
 * wxgate must not become a way into its own network.
 */
const forbidden = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  forbidden.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
  ["64:ff9b::", 96],
] as const) {
  forbidden.addSubnet(net, prefix, "ipv6");
}

/** True when `address` (IPv4 or IPv6) is one a production server must not fetch from. */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return forbidden.check(address, "ipv4");
  if (family !== 6) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return forbidden.check(mapped[1]!, "ipv4");
  return forbidden.check(address, "ipv6");
}

/** Resolves host names; injectable for tests. */
export type Resolver = (hostname: string) => Promise<string[]>;

const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

function refuse(reason: string, message: string): PlatformError {
  return new PlatformError("validation_failed", message, { reason, field: "tokenUrl" });
}

/**
 * Checks a token URL before it is stored or fetched: http(s) only, and in production every
 * address its host resolves to must be public.
 *
 * @throws {PlatformError} `validation_failed` with `details.reason`
 */
export async function checkTokenUrl(
  raw: string,
  options: { production: boolean; resolve?: Resolver },
): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse("invalid_url", "the token URL is not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw refuse("invalid_url", "the token URL must use http or https");
  }
  if (!options.production) return url;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  if (isIP(host)) {
    addresses = [host];
  } else {
    try {
      addresses = await (options.resolve ?? systemResolver)(host);
    } catch {
      throw refuse("unresolvable_host", `the token URL's host ${host} cannot be resolved`);
    }
  }
  if (addresses.length === 0)
    throw refuse("unresolvable_host", `the token URL's host ${host} has no address`);
  const bad = addresses.filter(isForbiddenAddress);
  if (bad.length > 0) {
    throw refuse(
      "private_address",
      `the token URL's host ${host} resolves to an address that is not public (${bad.join(", ")})`,
    );
  }
  return url;
}

/**
 * A fetch for customer token URLs: in production, checks the addresses again before every
 * request (the name may have been re-pointed since it was saved) and never follows redirects.
 */
export function guardedFetch(options: { production: boolean; resolve?: Resolver }): typeof fetch {
  return async (input, init) => {
    const target = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    await checkTokenUrl(target, options);
    return fetch(input, { ...init, redirect: "error" });
  };
}
