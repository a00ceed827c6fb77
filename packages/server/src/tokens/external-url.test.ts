import { describe, expect, it } from "vitest";
import { PlatformError } from "../platform/errors.js";
import { checkTokenUrl, isForbiddenAddress } from "./external-url.js";

describe("token URL checks", () => {
  it("tells public from non-public addresses", () => {
    for (const address of [
      "127.0.0.1",
      "10.0.0.1",
      "172.31.255.255",
      "192.168.0.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "::1",
      "::",
      "fe80::1",
      "fc00::1",
      "::ffff:10.0.0.1",
      "not-an-ip",
    ]) {
      expect(isForbiddenAddress(address), address).toBe(true);
    }
    for (const address of ["1.1.1.1", "203.119.0.1", "172.32.0.1", "2400:3200::1", "::ffff:8.8.8.8"]) {
      expect(isForbiddenAddress(address), address).toBe(false);
    }
  });

  it("checks every address a name resolves to, not only the first", async () => {
    const resolve = async () => ["93.184.216.34", "10.0.0.7"];
    const refusal = await checkTokenUrl("https://tokens.example.com/t", { production: true, resolve }).catch(
      (e: unknown) => e,
    );
    expect(refusal).toBeInstanceOf(PlatformError);
    expect((refusal as PlatformError).details).toMatchObject({ reason: "private_address" });
    expect((refusal as PlatformError).message).toContain("10.0.0.7");
    const ok = await checkTokenUrl("https://tokens.example.com/t", {
      production: true,
      resolve: async () => ["93.184.216.34"],
    });
    expect(ok.hostname).toBe("tokens.example.com");
  });

  it("allows anything http(s) outside production, and refuses names that do not resolve", async () => {
    expect((await checkTokenUrl("http://127.0.0.1/t", { production: false })).port).toBe("");
    const failing = async () => {
      throw new Error("ENOTFOUND");
    };
    const refusal = await checkTokenUrl("https://nowhere.invalid/t", {
      production: true,
      resolve: failing,
    }).catch((e: unknown) => e);
    expect((refusal as PlatformError).details).toMatchObject({ reason: "unresolvable_host" });
  });
});
