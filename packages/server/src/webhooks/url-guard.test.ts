import { describe, expect, it } from "vitest";
import { addressProblem, isInternalAddress, urlProblem } from "./url-guard.js";

describe("webhook URL guard", () => {
  it("knows internal addresses of both families, names aside", () => {
    for (const address of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.1.1",
      "169.254.169.254",
      "0.0.0.0",
      "100.64.0.1",
      "203.0.113.9",
      "::1",
      "fe80::1",
      "fd00::1",
      "::ffff:127.0.0.1",
      "::127.0.0.1",
      "2001:db8::1",
      "::",
    ]) {
      expect(isInternalAddress(address), address).toBe(true);
    }
    for (const address of ["8.8.8.8", "172.32.0.1", "2001:4860:4860::8888", "example.com"]) {
      expect(isInternalAddress(address), address).toBe(false);
    }
  });

  it("refuses loopback and private targets in production only", () => {
    for (const url of [
      "http://127.0.0.1:8080/hook",
      "http://localhost/hook",
      "http://api.localhost/x",
      "http://[::1]/x",
      "http://10.0.0.5/x",
      "http://169.254.169.254/latest/meta-data",
    ]) {
      expect(urlProblem(url, "production"), url).toMatch(/loopback or private/);
      expect(urlProblem(url, "sandbox"), url).toBeUndefined();
    }
    expect(urlProblem("https://hooks.example.com/wx", "production")).toBeUndefined();
  });

  it("refuses other schemes, credentials in the URL and non-URLs in every mode", () => {
    expect(urlProblem("ftp://example.com/x", "sandbox")).toMatch(/http/);
    expect(urlProblem("file:///etc/passwd", "sandbox")).toMatch(/http/);
    expect(urlProblem("http://user:pw@example.com/", "sandbox")).toMatch(/credentials/);
    expect(urlProblem("not a url", "sandbox")).toMatch(/absolute/);
  });

  it("refuses, in production only, hosts that do not resolve or resolve to private addresses", async () => {
    expect(await addressProblem("http://hooks.nowhere.invalid/x", "production")).toMatchObject({
      code: "address_unresolvable",
      message: "hooks.nowhere.invalid cannot be resolved",
    });
    expect(await addressProblem("http://localhost:9/x", "production")).toMatchObject({
      code: "address_not_allowed",
    });
    expect(await addressProblem("http://[::ffff:7f00:1]:9/x", "production")).toMatchObject({
      code: "address_not_allowed",
    });
    const rebinding = { resolve: async () => ["93.184.216.34", "10.0.0.1"], allows: () => false };
    expect(await addressProblem("http://hooks.example.com/x", "production", rebinding)).toMatchObject({
      code: "address_not_allowed",
    });
    expect(await addressProblem("http://hooks.nowhere.invalid/x", "sandbox")).toBeUndefined();
    expect(await addressProblem("http://localhost:9/x", "sandbox")).toBeUndefined();
  });
});
