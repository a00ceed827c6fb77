import { describe, expect, it } from "vitest";
import { AddressRefusedError, allowedAddresses, isForbiddenAddress, parseAddress } from "./addresses.js";

function refusal(promise: Promise<unknown>): Promise<AddressRefusedError> {
  return promise.then(
    () => {
      throw new Error("expected a refusal");
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(AddressRefusedError);
      return error as AddressRefusedError;
    },
  );
}

describe("address classification", () => {
  it.each([
    ["IPv4 loopback", "127.0.0.1"],
    ["IPv4 loopback, elsewhere in 127/8", "127.255.0.9"],
    ["IPv4 private 10/8", "10.1.2.3"],
    ["IPv4 private 172.16/12", "172.31.255.255"],
    ["IPv4 private 192.168/16", "192.168.1.1"],
    ["IPv4 link-local (cloud metadata)", "169.254.169.254"],
    ["IPv4 carrier-grade NAT", "100.64.0.1"],
    ["IPv4 unspecified", "0.0.0.0"],
    ["IPv4 this network", "0.1.2.3"],
    ["IPv4 multicast", "224.0.0.1"],
    ["IPv4 reserved", "240.0.0.1"],
    ["IPv4 broadcast", "255.255.255.255"],
    ["IPv4 documentation", "203.0.113.9"],
    ["IPv4 benchmarking", "198.18.0.1"],
    ["IPv4 in a numeric spelling", "0x7f.1"],
    ["IPv6 unspecified", "::"],
    ["IPv6 loopback", "::1"],
    ["IPv6 loopback, written out", "0:0:0:0:0:0:0:1"],
    ["IPv6 link-local", "fe80::1"],
    ["IPv6 link-local with a zone id", "fe80::1%eth0"],
    ["IPv6 unique-local fc00::/7", "fc00::1"],
    ["IPv6 unique-local fd00::/8", "FD12:3456::1"],
    ["IPv6 multicast", "ff02::1"],
    ["IPv6 site-local", "fec0::1"],
    ["IPv6 documentation", "2001:db8::1"],
    ["IPv6 documentation 3fff::/20", "3fff::1"],
    ["IPv6 discard-only", "100::1"],
    ["IPv4-compatible, dotted", "::127.0.0.1"],
    ["IPv4-compatible, dotted, public IPv4", "::8.8.8.8"],
    ["IPv4-compatible, hex", "::7f00:1"],
    ["IPv4-compatible, bracketed", "[::127.0.0.1]"],
    ["IPv4-mapped, dotted", "::ffff:127.0.0.1"],
    ["IPv4-mapped, hex", "::ffff:7f00:1"],
    ["IPv4-mapped, upper case", "::FFFF:7F00:1"],
    ["IPv4-mapped, written out", "0000:0000:0000:0000:0000:ffff:0a00:0001"],
    ["IPv4-mapped, private", "::ffff:10.0.0.1"],
    ["IPv4-mapped, metadata", "::ffff:169.254.169.254"],
    ["IPv4-translated", "::ffff:0:127.0.0.1"],
    ["IPv4-translated, hex", "::ffff:0:a00:1"],
    ["NAT64, loopback inside", "64:ff9b::7f00:1"],
    ["NAT64, dotted tail", "64:ff9b::10.0.0.1"],
    ["NAT64 local-use prefix", "64:ff9b:1::808:808"],
    ["6to4 of loopback", "2002:7f00:1::1"],
    ["6to4 of a private address", "2002:c0a8:101::1"],
    [
      "Teredo with a private client",
      `2001:0:4136:e378:8000:63bf:${(0x0a00 ^ 0xffff).toString(16)}:${(0x0001 ^ 0xffff).toString(16)}`,
    ],
    ["Teredo with a private server", "2001:0:a00:1:8000:63bf:f7f7:f7f7"],
    ["IETF protocol assignments", "2001:2::1"],
    ["not an address", "not-an-ip"],
    ["a name", "example.com"],
    ["empty", ""],
  ])("refuses %s (%s)", (_form, address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });

  it.each([
    ["public IPv4", "8.8.8.8"],
    ["public IPv4 next to a private range", "172.32.0.1"],
    ["public IPv4 next to CGNAT", "100.128.0.1"],
    ["public IPv6", "2001:4860:4860::8888"],
    ["public IPv6, upper case and written out", "2001:4860:4860:0000:0000:0000:0000:8888"],
    ["public IPv6, bracketed", "[2400:3200::1]"],
    ["IPv4-mapped public", "::ffff:8.8.8.8"],
    ["IPv4-mapped public, hex", "::ffff:808:808"],
    ["NAT64 of a public address", "64:ff9b::8.8.8.8"],
    ["6to4 of a public address", "2002:808:808::1"],
    ["Teredo between public addresses", "2001:0:4136:e378:8000:63bf:f7f7:f7f7"],
  ])("allows %s (%s)", (_form, address) => {
    expect(isForbiddenAddress(address)).toBe(false);
  });

  it("reads every spelling as the same address", () => {
    const spellings = ["::ffff:127.0.0.1", "::FFFF:7F00:1", "[::ffff:7f00:1]", "0:0:0:0:0:ffff:7f00:0001%lo"];
    const canonical = spellings.map((spelling) => parseAddress(spelling)?.toString());
    expect(new Set(canonical)).toEqual(new Set(["::ffff:7f00:1"]));
    // The deprecated IPv4-compatible form stays itself, not the IPv4-mapped address next to it.
    expect(parseAddress("::127.0.0.1")?.toString()).toBe("::7f00:1");
    expect(parseAddress("[::8.8.8.8]")?.toString()).toBe("::808:808");
    expect(parseAddress("0177.0.0.1")?.toString()).toBe("127.0.0.1");
    expect(parseAddress("example.com")).toBeUndefined();
  });
});

describe("judging a host", () => {
  const answers =
    (...addresses: string[]) =>
    async () =>
      addresses;

  it("allows a host whose every address is public", async () => {
    const policy = {
      resolve: answers("93.184.216.34", "2606:2800:220:1::1"),
      allows: (a: string) => !isForbiddenAddress(a),
    };
    expect(await allowedAddresses("example.com", policy)).toEqual(["93.184.216.34", "2606:2800:220:1::1"]);
  });

  it("refuses a host with one private address among public ones, and names it", async () => {
    const policy = {
      resolve: answers("93.184.216.34", "::ffff:7f00:1"),
      allows: (a: string) => !isForbiddenAddress(a),
    };
    const refused = await refusal(allowedAddresses("example.com", policy));
    expect(refused.code).toBe("address_not_allowed");
    expect(refused.message).toContain("::ffff:7f00:1");
    expect(refused.message).not.toContain("93.184.216.34");
  });

  it("judges IP literals without resolving them", async () => {
    const resolve = async () => {
      throw new Error("an IP literal is not looked up");
    };
    const policy = { resolve, allows: (a: string) => !isForbiddenAddress(a) };
    expect((await refusal(allowedAddresses("::127.0.0.1", policy))).code).toBe("address_not_allowed");
    expect(await allowedAddresses("2001:4860:4860::8888", policy)).toEqual(["2001:4860:4860::8888"]);
  });

  it("refuses a name that does not resolve (the .invalid TLD never does)", async () => {
    const refused = await refusal(allowedAddresses("hooks.nowhere.invalid"));
    expect(refused.code).toBe("address_unresolvable");
    expect(refused.message).toBe("hooks.nowhere.invalid cannot be resolved");
  });

  it("refuses a name with no address at all", async () => {
    const policy = { resolve: answers(), allows: () => true };
    expect((await refusal(allowedAddresses("empty.example", policy))).code).toBe("address_unresolvable");
  });

  it("refuses localhost through what it resolves to", async () => {
    expect((await refusal(allowedAddresses("localhost"))).code).toBe("address_not_allowed");
  });
});
