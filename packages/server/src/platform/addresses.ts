import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";

/**
 * Which addresses a production server may make requests to on a customer's behalf (token URLs,
 * webhooks): public unicast only, so that wxgate never becomes a way into its own network
 * (loopback, private ranges, cloud metadata on link-local, the operator's NAT64 translator…).
 */

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;

// Every public IPv6 address lies in 2000::/3; what lies outside (the rest of ::/8 with the
// deprecated IPv4-compatible ::a.b.c.d, 100::/64, site-local fec0::/10…) is never a public host.
const globalUnicast = ipaddr.IPv6.parseCIDR("2000::/3");
// RFC 8215's local-use NAT64 prefix belongs to the operator's own translator, and where the IPv4
// address sits in it depends on a prefix length only that operator knows.
const localNat64 = ipaddr.IPv6.parseCIDR("64:ff9b:1::/48");

/**
 * Reads any spelling of an IP address — brackets, a zone id (`%eth0`), upper case, zero
 * compression, a dotted IPv4 tail, the numeric IPv4 forms `inet_aton` accepts — as the
 * address it names; undefined when the text is not an IP address.
 */
export function parseAddress(text: string): IPv4 | IPv6 | undefined {
  let spelling = text.trim();
  if (spelling.startsWith("[") && spelling.endsWith("]")) spelling = spelling.slice(1, -1);
  const zone = spelling.indexOf("%");
  if (zone !== -1) spelling = spelling.slice(0, zone);
  if (spelling.includes(":")) {
    // The URL standard's host parser writes every IPv6 address in one canonical spelling.
    // ipaddr.js alone would read the deprecated ::a.b.c.d as ::ffff:a.b.c.d, another address.
    const canonical = hostOf(`[${spelling}]`)?.slice(1, -1);
    return canonical && ipaddr.IPv6.isValid(canonical) ? ipaddr.IPv6.parse(canonical) : undefined;
  }
  return ipaddr.IPv4.isValid(spelling) ? ipaddr.IPv4.parse(spelling) : undefined;
}

function hostOf(host: string): string | undefined {
  try {
    return new URL(`http://${host}/`).hostname;
  } catch {
    return undefined;
  }
}

function ipv4Of(high: number, low: number): IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function isPublicIPv4(address: IPv4): boolean {
  // ipaddr.js names every special range (private, loopback, link-local, CGNAT, documentation,
  // benchmarking, multicast, 240/4…); what it leaves unnamed is public unicast.
  return address.range() === "unicast";
}

/**
 * IPv6 forms that carry an IPv4 address are judged by that address, as the packet would reach
 * it: mapped and translated (::ffff:a.b.c.d, ::ffff:0:a.b.c.d), NAT64 (64:ff9b::/96), 6to4
 * (2002::/16, bits 16–48) and Teredo (2001::/32: its server, and its client stored inverted).
 */
function isPublicIPv6(address: IPv6): boolean {
  const [, p1 = 0, p2 = 0, p3 = 0, , , p6 = 0, p7 = 0] = address.parts;
  switch (address.range()) {
    case "ipv4Mapped":
    case "rfc6145":
      return isPublicIPv4(ipv4Of(p6, p7));
    case "rfc6052":
      return !address.match(localNat64) && isPublicIPv4(ipv4Of(p6, p7));
    case "6to4":
      return isPublicIPv4(ipv4Of(p1, p2));
    case "teredo":
      return isPublicIPv4(ipv4Of(p2, p3)) && isPublicIPv4(ipv4Of(p6 ^ 0xffff, p7 ^ 0xffff));
    case "unicast":
      return address.match(globalUnicast);
    default:
      return false;
  }
}

/** True when `address` is not a public IP address (anything that is not an IP address included). */
export function isForbiddenAddress(address: string): boolean {
  const parsed = parseAddress(address);
  if (!parsed) return true;
  return parsed.kind() === "ipv4" ? !isPublicIPv4(parsed as IPv4) : !isPublicIPv6(parsed as IPv6);
}

/** Resolves a host name to all its addresses; injectable for tests. */
export type Resolver = (hostname: string) => Promise<string[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

/** Why an outbound request was refused before connecting. */
export type AddressRefusal = "address_not_allowed" | "address_unresolvable";

/**
 * A host wxgate will not connect to. The message names the host and the refused addresses,
 * never a URL: a URL may carry credentials.
 */
export class AddressRefusedError extends Error {
  constructor(
    readonly code: AddressRefusal,
    readonly host: string,
    message: string,
  ) {
    super(message);
    this.name = "AddressRefusedError";
  }
}

/** How outbound requests judge a host; both parts are replaceable in tests. */
export interface AddressPolicy {
  resolve: Resolver;
  /** True when a connection to this address (as the resolver spells it) is allowed. */
  allows: (address: string) => boolean;
}

export const publicOnly: AddressPolicy = {
  resolve: systemResolver,
  allows: (address) => !isForbiddenAddress(address),
};

/**
 * Resolves `host` once and judges every address it resolves to: all must be allowed, or none
 * is used (one private answer among public ones is how rebinding is attempted). An IP literal
 * is judged as it is, in its canonical spelling.
 *
 * @returns the addresses, in the resolver's order
 * @throws {AddressRefusedError} `address_unresolvable` or `address_not_allowed`
 */
export async function allowedAddresses(host: string, policy: AddressPolicy = publicOnly): Promise<string[]> {
  const literal = parseAddress(host);
  let addresses: string[];
  if (literal) {
    addresses = [literal.toString()];
  } else {
    try {
      addresses = await policy.resolve(host);
    } catch {
      throw new AddressRefusedError("address_unresolvable", host, `${host} cannot be resolved`);
    }
    if (addresses.length === 0) {
      throw new AddressRefusedError("address_unresolvable", host, `${host} has no address`);
    }
  }
  const refused = addresses.filter((address) => !policy.allows(address));
  if (literal && refused.length > 0) {
    throw new AddressRefusedError("address_not_allowed", host, `${host} is not a public address`);
  }
  if (refused.length > 0) {
    throw new AddressRefusedError(
      "address_not_allowed",
      host,
      `${host} resolves to an address that is not public (${refused.join(", ")})`,
    );
  }
  return addresses;
}

/** The host of a URL without IPv6 brackets. */
export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, "");
}
