import { describe, expect, it } from "vitest";
import type { ModuleFactory } from "../module.js";
import { createTestServer } from "../testing/server.js";
import { ServiceOrderError, ServiceRegistry } from "./services.js";

declare module "./services.js" {
  interface ModuleServices {
    "test.greeter": { greet(name: string): string };
  }
}

const provider: ModuleFactory = function greeterProvider(ctx) {
  ctx.provide("test.greeter", { greet: (name) => `hello ${name}` });
  return { name: "provider" };
};

let greeted = "";
const user: ModuleFactory = function greeterUser(ctx) {
  greeted = ctx.use("test.greeter").greet("user");
  return { name: "user" };
};

describe("named services between modules", () => {
  it("hands a module what a module listed before it provided, each factory called once", async () => {
    let calls = 0;
    const counted: ModuleFactory = (ctx) => {
      calls++;
      return provider(ctx);
    };
    const server = await createTestServer({ modules: [counted, user] });
    try {
      expect(greeted).toBe("hello user");
      expect(calls).toBe(1);
      expect(server.modules.map((m) => m.name)).toEqual(["auth", "provider", "user"]);
    } finally {
      await server.dispose();
    }
  });

  it("fails the start, naming the module and the service, when the provider is listed after its user", async () => {
    await expect(createTestServer({ modules: [user, provider] })).rejects.toSatisfy(
      (error: unknown) =>
        error instanceof ServiceOrderError &&
        error.message.includes(
          'the module greeterUser (number 1 in the list) uses the service "test.greeter"',
        ) &&
        error.message.includes("no module listed before it provides"),
    );
  });

  it("fails the start when no module provides the service at all", async () => {
    await expect(createTestServer({ modules: [user] })).rejects.toThrow(ServiceOrderError);
  });

  it("refuses a second provider of one name", () => {
    const services = new ServiceRegistry();
    services.building('the module "a"');
    services.provide("test.greeter", { greet: () => "a" });
    services.building('the module "b"');
    expect(() => services.provide("test.greeter", { greet: () => "b" })).toThrow(
      'the module "b" provides the service "test.greeter", which the module "a" already provides',
    );
  });
});
