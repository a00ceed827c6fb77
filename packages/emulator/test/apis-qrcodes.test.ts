import QRCode from "qrcode";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Account } from "../src/world/types.js";
import { ridOf, startEmulator, startWithAccount, type TestEmulator, tokenFor } from "./support.js";

let emu: TestEmulator;
let account: Account;
let token: string;

async function image(ticket: string): Promise<Response> {
  return fetch(`${emu.baseUrls.mp}/cgi-bin/showqrcode?ticket=${encodeURIComponent(ticket)}`);
}

beforeEach(async () => {
  ({ emu, account, token } = await startWithAccount({ limits: { "/cgi-bin/qrcode/create": 5 } }));
});
afterEach(async () => {
  await emu.close();
});

describe("qrcode/create", () => {
  it("makes a temporary code (default 60 s) stored with its scene, and serves its PNG until it expires", async () => {
    const res = await emu.post(
      "/cgi-bin/qrcode/create",
      { action_name: "QR_SCENE", action_info: { scene: { scene_id: 123 } } },
      { access_token: token },
    );
    expect(res.body.expire_seconds).toBe(60);
    const ticket = res.body.ticket as string;
    const url = res.body.url as string;
    expect(url).toMatch(/^http:\/\/weixin\.qq\.com\/q\/[A-Za-z0-9]{22}$/);
    expect(emu.world.state.qrcodes[ticket]).toMatchObject({
      appId: account.appId,
      sceneId: 123,
      actionName: "QR_SCENE",
    });

    const png = await image(ticket);
    expect(png.status).toBe(200);
    expect(png.headers.get("content-type")).toBe("image/png");
    const bytes = Buffer.from(await png.arrayBuffer());
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // The same encoder with the same options gives the same picture: the image encodes the code's url.
    expect(bytes.equals(await QRCode.toBuffer(url, { type: "png", margin: 2, width: 430 }))).toBe(true);

    await emu.control.advanceClock(60_000);
    const expired = await image(ticket);
    expect(expired.status).toBe(404);
    const body = (await expired.json()) as { errcode: number; errmsg: string };
    expect(body.errcode).toBe(40097);
    expect(ridOf(body.errmsg)).toBeDefined();
    expect((await image("gQnotaticket==")).status).toBe(404);
  });

  it("clamps expire_seconds to 30 days and keeps string scenes", async () => {
    const res = await emu.post(
      "/cgi-bin/qrcode/create",
      {
        expire_seconds: 9_999_999,
        action_name: "QR_STR_SCENE",
        action_info: { scene: { scene_str: "活动-2024" } },
      },
      { access_token: token },
    );
    expect(res.body.expire_seconds).toBe(2_592_000);
    expect(emu.world.state.qrcodes[res.body.ticket as string]?.sceneStr).toBe("活动-2024");
  });

  it("makes permanent codes without expiry, one ticket per scene", async () => {
    const body = { action_name: "QR_LIMIT_SCENE", action_info: { scene: { scene_id: 7 } } };
    const first = await emu.post("/cgi-bin/qrcode/create", body, { access_token: token });
    expect(first.body.expire_seconds).toBeUndefined();
    const again = await emu.post("/cgi-bin/qrcode/create", body, { access_token: token });
    expect(again.body.ticket).toBe(first.body.ticket);
    await emu.control.advanceClock(400 * 86_400_000);
    expect((await image(first.body.ticket as string)).status).toBe(200);
    expect(emu.control.apis.qrCodes(account.appId)).toHaveLength(1);
  });

  it("answers the validator's codes", async () => {
    const call = (body: unknown) => emu.post("/cgi-bin/qrcode/create", body, { access_token: token });
    expect(
      (await call({ action_name: "QR_FOO", action_info: { scene: { scene_id: 1 } } })).body.errcode,
    ).toBe(40052);
    expect(
      (await call({ action_name: "QR_LIMIT_SCENE", action_info: { scene: { scene_id: 100_001 } } })).body
        .errcode,
    ).toBe(40053);
    expect(
      (
        await call({
          action_name: "QR_LIMIT_STR_SCENE",
          action_info: { scene: { scene_str: "x".repeat(65) } },
        })
      ).body.errcode,
    ).toBe(40053);
  });

  it("refuses a permanent code past 100,000 (45029) but still makes temporary ones", async () => {
    for (let i = 1; i <= 100_000; i++) {
      const ticket = `perm${i}`;
      emu.world.state.qrcodes[ticket] = {
        ticket,
        appId: account.appId,
        actionName: "QR_LIMIT_SCENE",
        sceneId: i,
        createdAt: 0,
        url: "http://weixin.qq.com/q/x",
      };
    }
    const perm = await emu.post(
      "/cgi-bin/qrcode/create",
      { action_name: "QR_LIMIT_STR_SCENE", action_info: { scene: { scene_str: "new" } } },
      { access_token: token },
    );
    expect(perm.body.errcode).toBe(45029);
    const temp = await emu.post(
      "/cgi-bin/qrcode/create",
      { action_name: "QR_SCENE", action_info: { scene: { scene_id: 1 } } },
      { access_token: token },
    );
    expect(temp.body.ticket).toBeTypeOf("string");
  });

  it("counts creations per day (100,000 by default; 5 in this emulator) → 45009", async () => {
    const view = await emu.post(
      "/cgi-bin/openapi/quota/get",
      { cgi_path: "/cgi-bin/qrcode/create" },
      { access_token: token },
    );
    expect(view.body.quota).toEqual({ daily_limit: 5, used: 0, remain: 5 });
    const body = { action_name: "QR_SCENE", action_info: { scene: { scene_id: 1 } } };
    for (let i = 0; i < 5; i++) {
      expect(
        (await emu.post("/cgi-bin/qrcode/create", body, { access_token: token })).body.ticket,
      ).toBeDefined();
    }
    expect((await emu.post("/cgi-bin/qrcode/create", body, { access_token: token })).body.errcode).toBe(
      45009,
    );
    await emu.control.advanceClock(86_400_000);
    token = await tokenFor(emu, account);
    expect(
      (await emu.post("/cgi-bin/qrcode/create", body, { access_token: token })).body.ticket,
    ).toBeDefined();
  });

  it("is refused to subscription accounts (48001, the core's rule)", async () => {
    const sub = emu.control.createAccount({ kind: "subscription", verifyType: 0 });
    const res = await emu.post(
      "/cgi-bin/qrcode/create",
      { action_name: "QR_SCENE", action_info: { scene: { scene_id: 1 } } },
      { access_token: await tokenFor(emu, sub) },
    );
    expect(res.body.errcode).toBe(48001);
  });
});

describe("the default daily limit", () => {
  it("is 100,000 creations", async () => {
    const plain = await startEmulator();
    try {
      const a = plain.control.createAccount({ kind: "service" });
      const view = await plain.post(
        "/cgi-bin/openapi/quota/get",
        { cgi_path: "/cgi-bin/qrcode/create" },
        { access_token: await tokenFor(plain, a) },
      );
      expect((view.body.quota as { daily_limit: number }).daily_limit).toBe(100_000);
    } finally {
      await plain.close();
    }
  });
});
