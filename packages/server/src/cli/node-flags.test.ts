import { describe, expect, it } from "vitest";
import { missingNodeFlags, SERVER_NODE_FLAGS } from "./node-flags.js";

describe("the server's node flags", () => {
  it("are missing until given on the command line or in NODE_OPTIONS, by name", () => {
    expect(missingNodeFlags([], "")).toEqual([...SERVER_NODE_FLAGS]);
    expect(missingNodeFlags([...SERVER_NODE_FLAGS], "")).toEqual([]);
    expect(missingNodeFlags([], SERVER_NODE_FLAGS.join(" "))).toEqual([]);
    // An operator's own value (in V8's other spelling) is kept, not overridden.
    expect(missingNodeFlags(["--max_semi_space_size=64"], "")).toEqual([]);
    expect(missingNodeFlags(["--inspect"], "--max-old-space-size=512")).toEqual([...SERVER_NODE_FLAGS]);
  });
});
