import { isIP } from "node:net";
import { bareHost, isForbiddenAddress, systemResolver } from "../platform/addresses.js";
import type { Mode } from "../platform/config.js";

/** True when `address` (an IP literal) is one a production webhook may not target; false for names. */
export function isInternalAddress(address: string): boolean {
  return isIP(address) !== 0 && isForbiddenAddress(address);
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
  const host = bareHost(parsed).toLowerCase();
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
  const host = bareHost(new URL(url));
  if (isIP(host) !== 0) return isInternalAddress(host);
  try {
    const addresses = await systemResolver(host);
    return addresses.some(isInternalAddress);
  } catch {
    return false;
  }
}
