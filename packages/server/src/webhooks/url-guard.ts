import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import type { Mode } from "../platform/config.js";

/** Addresses a webhook may not reach in production: loopback, private, link-local, CGNAT, unspecified, multicast. */
const blocked = new BlockList();
for (const [network, prefix] of [
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
  blocked.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  blocked.addSubnet(network, prefix, "ipv6");
}

/** True when `address` (an IP literal) is one a production webhook may not target. */
export function isInternalAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped?.[1]) return blocked.check(mapped[1], "ipv4");
    return blocked.check(address, "ipv6");
  }
  return blocked.check(address, "ipv4");
}

/** Why a URL may not be a webhook, or undefined when it may. */
export function urlProblem(url: string, mode: Mode): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "must be an absolute URL";
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return "must use http or https";
  if (parsed.username !== "" || parsed.password !== "") return "must not carry credentials";
  if (mode !== "production") return undefined;
  const host = parsed.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost") || isInternalAddress(host)) {
    return "must not point to a loopback or private address in production";
  }
  return undefined;
}

/**
 * Checks at sending time that the host does not resolve to an internal address (a name
 * registered as public may later point inside). Only in production; the sandbox allows all.
 */
export async function resolvesInternally(url: string, mode: Mode): Promise<boolean> {
  if (mode !== "production") return false;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) !== 0) return isInternalAddress(host);
  try {
    const addresses = await lookup(host, { all: true });
    return addresses.some((a) => isInternalAddress(a.address));
  } catch {
    return false;
  }
}
