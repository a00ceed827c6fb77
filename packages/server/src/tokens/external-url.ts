import {
  type AddressPolicy,
  AddressRefusedError,
  allowedAddresses,
  bareHost,
  publicOnly,
} from "../platform/addresses.js";
import { PlatformError } from "../platform/errors.js";
import { outboundFetch } from "../platform/outbound.js";

export { isForbiddenAddress, type Resolver } from "../platform/addresses.js";

function refuse(reason: string, message: string): PlatformError {
  return new PlatformError("validation_failed", message, { reason, field: "tokenUrl" });
}

/**
 * Checks a token URL before it is stored: http(s) only, and in production every address its
 * host resolves to must be public. Fetches are judged again when they connect
 * ({@link guardedFetch}), so a name re-pointed after this check gains nothing.
 *
 * @throws {PlatformError} `validation_failed` with `details.reason`: `invalid_url`,
 *   `address_unresolvable` or `address_not_allowed`
 */
export async function checkTokenUrl(
  raw: string,
  options: { production: boolean; policy?: AddressPolicy },
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
  try {
    await allowedAddresses(bareHost(url), options.policy ?? publicOnly);
  } catch (error) {
    if (error instanceof AddressRefusedError)
      throw refuse(error.code, `the token URL is refused: ${error.message}`);
    throw error;
  }
  return url;
}

/**
 * A fetch for customer token URLs: in production each connection goes only to an address
 * judged public when it was looked up (see platform/outbound.ts); redirects are never followed.
 */
export function guardedFetch(options: { production: boolean }): typeof fetch {
  const send = outboundFetch(options);
  return (input, init) => send(input, { ...init, redirect: "error" });
}
