import { isIP } from "node:net";
import { bareHost, isForbiddenAddress, type Resolver, systemResolver } from "../platform/addresses.js";
import { PlatformError } from "../platform/errors.js";

export { isForbiddenAddress, type Resolver } from "../platform/addresses.js";

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
  const host = bareHost(url);
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
