import { describe, expect, it } from "vitest";
import { EventBus } from "./bus.js";

declare module "./bus.js" {
  interface BusTopics {
    "test.notice": { payload: string; result: undefined };
    "test.count": { payload: number; result: Record<string, number> | undefined };
  }
}

describe("the event bus", () => {
  it("tells every handler of a notice, in the order they were added, until one is removed", () => {
    const bus = new EventBus();
    const heard: string[] = [];
    bus.on("test.notice", (text) => {
      heard.push(`a:${text}`);
    });
    const off = bus.on("test.notice", (text) => {
      heard.push(`b:${text}`);
    });
    bus.emit("test.notice", "one");
    off();
    bus.emit("test.notice", "two");
    expect(heard).toEqual(["a:one", "b:one", "a:two"]);
  });

  it("collects the answers of a request, the handler added last asked first", async () => {
    const bus = new EventBus();
    const order: string[] = [];
    bus.on("test.count", async (n) => {
      order.push("events");
      return { events: n };
    });
    bus.on("test.count", (n) => {
      order.push("deliveries");
      return { deliveries: n * 2 };
    });
    bus.on("test.count", () => undefined);
    expect(await bus.request("test.count", 3)).toEqual([undefined, { deliveries: 6 }, { events: 3 }]);
    expect(order).toEqual(["deliveries", "events"]);
  });
});
