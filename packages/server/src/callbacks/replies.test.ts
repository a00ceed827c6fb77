import type { InboundMessage } from "@wxgate/wechat";
import { describe, expect, it } from "vitest";
import { createLogger } from "../platform/logger.js";
import type { ReplyRequest } from "./ports.js";
import { ReplyChain } from "./replies.js";

const request: ReplyRequest = {
  eventId: "e1",
  appId: "wx1",
  message: { kind: "unknown", raw: {} } as InboundMessage,
  plaintextXml: "<xml/>",
  mode: "plaintext",
  receivedAt: 0,
};
const logger = createLogger({ level: "silent" });

describe("reply chain", () => {
  it("asks providers in order; the first reply wins; a failing provider is skipped", async () => {
    const chain = new ReplyChain({ deadlineMs: 1000, logger });
    const asked: string[] = [];
    chain.register({
      name: "none",
      reply: async () => {
        asked.push("none");
        return undefined;
      },
    });
    chain.register({
      name: "broken",
      reply: async () => {
        asked.push("broken");
        throw new Error("down");
      },
    });
    chain.register({
      name: "text",
      reply: async () => {
        asked.push("text");
        return { type: "text", content: "hi" };
      },
    });
    chain.register({
      name: "late",
      reply: async () => {
        asked.push("late");
        return { type: "text", content: "no" };
      },
    });
    chain.register(
      {
        name: "first",
        reply: async () => {
          asked.push("first");
          return undefined;
        },
      },
      "first",
    );
    expect(await chain.reply(request)).toEqual({ reply: { type: "text", content: "hi" }, provider: "text" });
    expect(asked).toEqual(["first", "none", "broken", "text"]);
  });

  it("gives up when the budget is spent and aborts the provider's signal", async () => {
    const chain = new ReplyChain({ deadlineMs: 20, logger });
    let aborted = false;
    chain.register({
      name: "never",
      reply: (_request, signal) =>
        new Promise((resolve) => {
          signal.addEventListener("abort", () => {
            aborted = true;
            resolve(undefined);
          });
        }),
    });
    expect(await chain.reply(request)).toBeUndefined();
    expect(aborted).toBe(true);
  });

  it("answers each push of a shared deadline: in time with its reply, past it with undefined", async () => {
    const chain = new ReplyChain({ deadlineMs: 50, logger });
    chain.register({
      name: "some",
      // Only e2 is answered; the others ignore the signal and never settle.
      reply: (asked) =>
        asked.eventId === "e2"
          ? Promise.resolve({ type: "text", content: "hi" } as const)
          : new Promise<undefined>(() => {}),
    });
    const answers = await Promise.all(
      ["e1", "e2", "e3", "e4"].map((eventId) => chain.reply({ ...request, eventId })),
    );
    expect(answers).toEqual([
      undefined,
      { reply: { type: "text", content: "hi" }, provider: "some" },
      undefined,
      undefined,
    ]);
  });

  it("does not abort the signal of a slot whose pushes all had their answer", async () => {
    const chain = new ReplyChain({ deadlineMs: 20, logger });
    const signals: AbortSignal[] = [];
    chain.register({
      name: "quick",
      reply: (_request, signal) => {
        signals.push(signal);
        return Promise.resolve(undefined);
      },
    });
    await chain.reply(request);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await chain.reply(request); // a later slot: the first one is done
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(signals).toHaveLength(2);
    expect(signals[0]).not.toBe(signals[1]);
    expect(signals[0]?.aborted).toBe(false);
  });

  it("answers undefined without providers", async () => {
    expect(await new ReplyChain({ deadlineMs: 10, logger }).reply(request)).toBeUndefined();
  });
});
