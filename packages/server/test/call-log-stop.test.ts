import { rmSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { openStore } from "../src/platform/store/store.js";
import { authorizeAccount, startSandbox } from "./accounts-fixture.js";

it("a graceful stop writes the WeChat calls waiting in the call log before the store closes", async () => {
  const h = await startSandbox();
  const { dataDir } = h.server;
  try {
    const appId = h.demo.serviceAppId;
    await authorizeAccount(h, appId);
    // A call just made: its record waits for the call log's next batch when the server stops.
    expect((await h.api("POST", `/accounts/${appId}/quota/reset`)).status).toBe(200);
    expect(h.wechatCalls("/cgi-bin/clear_quota", appId)).toBe(1);
    await h.server.close();

    const store = await openStore(`sqlite:${join(dataDir, "wxgate.db")}`);
    try {
      const rows = await store.db
        .selectFrom("api_calls")
        .select(["api", "errcode"])
        .where("appid", "=", appId)
        .where("api", "=", "/cgi-bin/clear_quota")
        .execute();
      expect(rows).toEqual([{ api: "/cgi-bin/clear_quota", errcode: 0 }]);
    } finally {
      await store.close();
    }
  } finally {
    await h.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 30_000);
