import { isIP } from "node:net";
import {
  type AddressPolicy,
  AddressRefusedError,
  allowedAddresses,
  bareHost,
  isForbiddenAddress,
  publicOnly,
} from "../platform/addresses.js";
import type { Mode } from "../platform/config.js";

/** True when `address` (an IP literal) is one a production webhook may not target; false for names. */
export function isInternalAddress(address: string): boolean {
  return isIP(address) !== 0 && isForbiddenAddress(address);
}

/** Why a URL may not be a webhook, or undefined when it may — from the URL alone, without DNS. */
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
 * Why a webhook URL's host may not be saved in production: its name does not resolve, or one of
 * its addresses is not public. Deliveries are judged again when they connect (platform/outbound.ts),
 * so a name re-pointed after this check gains nothing.
 */
export async function addressProblem(
  url: string,
  mode: Mode,
  policy: AddressPolicy = publicOnly,
): Promise<AddressRefusedError | undefined> {
  if (mode !== "production") return undefined;
  try {
    await allowedAddresses(bareHost(new URL(url)), policy);
    return undefined;
  } catch (error) {
    if (error instanceof AddressRefusedError) return error;
    throw error;
  }
}
