import { describe, expect, it } from "vitest";
import { isForbiddenAddress } from "../platform/addresses.js";
import { PlatformError } from "../platform/errors.js";
import { checkTokenUrl } from "./external-url.js";

const publicRules = (resolve: () => Promise<string[]>) => ({
  resolve,
  allows: (address: string) => !isForbiddenAddress(address),
});

async function refusal(url: string, policy?: ReturnType<typeof publicRules>): Promise<PlatformError> {
  const error = await checkTokenUrl(url, { production: true, ...(policy ? { policy } : {}) }).catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PlatformError);
  return error as PlatformError;
}

describe("token URL checks", () => {
  it("checks every address a name resolves to, not only the first", async () => {
    const refused = await refusal(
      "https://tokens.example.com/t",
      publicRules(async () => ["93.184.216.34", "10.0.0.7"]),
    );
    expect(refused.code).toBe("validation_failed");
    expect(refused.details).toMatchObject({ reason: "address_not_allowed", field: "tokenUrl" });
    expect(refused.message).toContain("10.0.0.7");
    const ok = await checkTokenUrl("https://tokens.example.com/t", {
      production: true,
      policy: publicRules(async () => ["93.184.216.34"]),
    });
    expect(ok.hostname).toBe("tokens.example.com");
  });

  it("refuses IPv6 spellings of private IPv4 addresses", async () => {
    for (const url of [
      "http://[::127.0.0.1]:9/x",
      "http://[::ffff:7f00:1]/x",
      "http://[::ffff:0:127.0.0.1]/x",
      "http://[64:ff9b::7f00:1]/x",
      "http://[2002:a00:1::1]/x",
    ]) {
      expect((await refusal(url)).details, url).toMatchObject({ reason: "address_not_allowed" });
    }
  });

  it("allows anything http(s) outside production, and refuses names that do not resolve", async () => {
    expect((await checkTokenUrl("http://127.0.0.1/t", { production: false })).port).toBe("");
    const refused = await refusal("https://tokens.nowhere.invalid/t");
    expect(refused.details).toMatchObject({ reason: "address_unresolvable" });
    expect(refused.message).toBe("the token URL is refused: tokens.nowhere.invalid cannot be resolved");
  });

  it("refuses other schemes in every mode", async () => {
    const ftp = await checkTokenUrl("ftp://example.com/t", { production: false }).catch((e: unknown) => e);
    expect((ftp as PlatformError).details).toMatchObject({ reason: "invalid_url" });
  });
});
