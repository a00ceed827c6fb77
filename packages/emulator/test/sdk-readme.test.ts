import {
  AccessTokenCredential,
  createOfficialAccountApi,
  WeChatApiError,
  WeChatClient,
} from "@wxgate/wechat";
import { afterEach, describe, expect, it } from "vitest";
import { ControllableClock } from "../src/clock.js";
import { createEmulator, type RunningEmulator } from "../src/index.js";

let emu: RunningEmulator | undefined;
afterEach(async () => {
  await emu?.close();
});

// The "Calling WeChat" example of packages/wechat/README.md, pointed at the emulator.
describe("the SDK README's client example", () => {
  it("creates a menu with a credential, and surfaces WeChat's error with its rid", async () => {
    emu = await createEmulator({ seed: 7, clock: new ControllableClock({ frozen: true }) });
    const account = emu.control.createAccount({ kind: "service", verifyType: 0 });
    const base = new WeChatClient({ endpoints: emu.baseUrls });
    const token = new AccessTokenCredential({ appId: account.appId, secret: account.secret, client: base });
    const api = createOfficialAccountApi(base.withToken(token));
    await api.menu.create([{ type: "click", name: "今日歌曲", key: "V1001_TODAY_MUSIC" }]);
    const menu = await api.menu.get();
    expect(JSON.stringify(menu)).toContain("V1001_TODAY_MUSIC");

    const tooLong = api.menu.create([{ type: "click", name: "一二三四五六", key: "K" }]);
    await expect(tooLong).rejects.toBeInstanceOf(WeChatApiError);
    await expect(tooLong).rejects.toMatchObject({ errcode: 40018, rid: expect.any(String) });
  });
});
