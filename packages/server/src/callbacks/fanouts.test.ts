import type { InboundMessage } from "@wxgate/wechat";
import { describe, expect, it } from "vitest";
import { EventFanouts } from "./fanouts.js";
import type { EventFanout } from "./ports.js";

const message = { kind: "message", msgType: "text" } as unknown as InboundMessage;

function fanout(wants: boolean | Promise<boolean>, log: string[], name: string): EventFanout {
  return {
    wants: () => {
      log.push(`${name}?`);
      return wants;
    },
    recorded: () => {
      log.push(`${name}!`);
    },
  };
}

describe("the gateway's fan-outs", () => {
  it("wants nothing while no fan-out is registered", async () => {
    const fanouts = new EventFanouts();
    expect(await fanouts.wants("wx1", message)).toBe(false);
    fanouts.recorded();
  });

  it("answers with the one registered fan-out's own answer, synchronous when it is", () => {
    const log: string[] = [];
    const fanouts = new EventFanouts();
    fanouts.register(fanout(true, log, "webhooks"));
    expect(fanouts.wants("wx1", message)).toBe(true);
    fanouts.recorded();
    expect(log).toEqual(["webhooks?", "webhooks!"]);
  });

  it("with several, wants a push when any of them does, asking every one in order (some only observe), and tells all", async () => {
    const log: string[] = [];
    const fanouts = new EventFanouts();
    fanouts.register(fanout(Promise.resolve(false), log, "a"));
    fanouts.register(fanout(true, log, "b"));
    fanouts.register(fanout(true, log, "c"));
    expect(await fanouts.wants("wx1", message)).toBe(true);
    expect(log).toEqual(["a?", "b?", "c?"]);
    fanouts.recorded();
    expect(log.slice(3)).toEqual(["a!", "b!", "c!"]);
  });
});
