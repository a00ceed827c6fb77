import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MATERIALS_EXTENSION, type MaterialsBook } from "../src/apis/materials.js";
import { mediaSamples } from "../src/apis/media-samples.js";
import type { Account } from "../src/world/types.js";
import { startWithAccount, type TestEmulator, tokenFor } from "./support.js";

let emu: TestEmulator;
let token: string;
let account: Account;

beforeEach(async () => {
  ({ emu, token, account } = await startWithAccount());
});
afterEach(async () => {
  await emu.close();
});

async function upload(
  path: string,
  query: Record<string, string>,
  file: { name: string; data: Buffer; type?: string } | undefined,
  fields: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file)
    form.append(
      "media",
      new Blob([new Uint8Array(file.data)], { type: file.type ?? "application/octet-stream" }),
      file.name,
    );
  const url = new URL(`${emu.baseUrls.api}${path}`);
  for (const [k, v] of Object.entries({ ...query, access_token: token })) url.searchParams.set(k, v);
  const res = await fetch(url, { method: "POST", body: form });
  return (await res.json()) as Record<string, unknown>;
}

const temp = (type: string, name: string, data: Buffer) =>
  upload("/cgi-bin/media/upload", { type }, { name, data });
const perm = (type: string, name: string, data: Buffer, fields?: Record<string, string>) =>
  upload("/cgi-bin/material/add_material", { type }, { name, data }, fields);

describe("media/upload (temporary)", () => {
  it("stores an image for 3 days and hands its bytes back", async () => {
    const data = mediaSamples.png(2048);
    const res = await temp("image", "a.png", data);
    expect(res).toMatchObject({ type: "image", created_at: Math.floor(emu.clock.now() / 1000) });
    const mediaId = res.media_id as string;
    expect(mediaId).toHaveLength(64);
    const got = await fetch(
      `${emu.baseUrls.api}/cgi-bin/media/get?access_token=${token}&media_id=${mediaId}`,
    );
    expect(Buffer.from(await got.arrayBuffer()).equals(data)).toBe(true);
    await emu.control.advanceClock(3 * 86_400_000);
    token = await tokenFor(emu, account);
    const expired = await emu.get("/cgi-bin/media/get", { access_token: token, media_id: mediaId });
    expect(expired.body.errcode).toBe(40007);
  });

  it("answers a thumb with thumb_media_id", async () => {
    const res = await temp("thumb", "t.jpg", mediaSamples.jpg(1000));
    expect(res.type).toBe("thumb");
    expect(res.thumb_media_id).toHaveLength(64);
  });

  it("refuses each limit with WeChat's code", async () => {
    expect((await temp("file", "a.png", mediaSamples.png())).errcode).toBe(40004);
    expect((await upload("/cgi-bin/media/upload", { type: "image" }, undefined)).errcode).toBe(41005);
    expect((await temp("image", "a.webp", mediaSamples.png())).errcode).toBe(40005);
    // The name says png, the bytes say jpg.
    expect((await temp("image", "a.png", mediaSamples.jpg())).errcode).toBe(40005);
    expect((await temp("image", "big.png", mediaSamples.png(10 * 1024 * 1024 + 1))).errcode).toBe(40009);
    expect((await temp("voice", "v.mp3", mediaSamples.mp3(2 * 1024 * 1024 + 1))).errcode).toBe(40010);
    expect((await temp("voice", "long.amr", mediaSamples.amr(61))).errcode).toBe(45007);
    expect((await temp("voice", "ok.amr", mediaSamples.amr(59))).media_id).toBeTypeOf("string");
    expect((await temp("video", "v.mp4", mediaSamples.mp4(10 * 1024 * 1024 + 1))).errcode).toBe(40011);
    expect((await temp("thumb", "t.jpg", mediaSamples.jpg(64 * 1024 + 1))).errcode).toBe(40012);
    expect((await temp("thumb", "t.png", mediaSamples.png())).errcode).toBe(40005);
  });
});

describe("material (permanent)", () => {
  it("adds, lists newest first, counts, reads and deletes", async () => {
    const first = await perm("image", "one.jpg", mediaSamples.jpg());
    expect(first.url).toMatch(/^http:\/\/mmbiz\.qpic\.cn\/mmbiz_jpg\//);
    await emu.control.advanceClock(1000);
    const second = await perm("image", "two.gif", mediaSamples.gif());
    const video = await perm("video", "v.mp4", mediaSamples.mp4(), {
      description: JSON.stringify({ title: "开箱", introduction: "介绍" }),
    });
    expect(video.media_id).toBeTypeOf("string");
    expect((await perm("video", "v.mp4", mediaSamples.mp4())).errcode).toBe(40097);

    const counts = await emu.get("/cgi-bin/material/get_materialcount", { access_token: token });
    expect(counts.body).toEqual({ voice_count: 0, video_count: 1, image_count: 2, news_count: 0 });

    const page = await emu.post(
      "/cgi-bin/material/batchget_material",
      { type: "image", offset: 0, count: 1 },
      { access_token: token },
    );
    expect(page.body).toMatchObject({ total_count: 2, item_count: 1 });
    expect((page.body.item as { media_id: string; name: string }[])[0]).toMatchObject({
      media_id: second.media_id,
      name: "two.gif",
    });
    const bad = await emu.post(
      "/cgi-bin/material/batchget_material",
      { type: "image", offset: 0, count: 21 },
      { access_token: token },
    );
    expect(bad.body.errcode).toBe(40097);

    const got = await emu.post(
      "/cgi-bin/material/get_material",
      { media_id: video.media_id },
      { access_token: token },
    );
    expect(got.body).toMatchObject({ title: "开箱", description: "介绍" });
    const del = await emu.post(
      "/cgi-bin/material/del_material",
      { media_id: first.media_id },
      { access_token: token },
    );
    expect(del.body.errcode).toBe(0);
    const again = await emu.post(
      "/cgi-bin/material/del_material",
      { media_id: first.media_id },
      { access_token: token },
    );
    expect(again.body.errcode).toBe(40007);
  });

  it("adds news whose thumbs are permanent, and refuses the rest", async () => {
    const thumb = await perm("thumb", "c.jpg", mediaSamples.jpg());
    const article = {
      title: "标题",
      thumb_media_id: thumb.media_id,
      content: "<p>正文</p>",
      show_cover_pic: 1,
    };
    const news = await emu.post(
      "/cgi-bin/material/add_news",
      { articles: [article] },
      { access_token: token },
    );
    expect(news.body.media_id).toBeTypeOf("string");
    const read = await emu.post(
      "/cgi-bin/material/get_material",
      { media_id: news.body.media_id },
      { access_token: token },
    );
    expect((read.body.news_item as { title: string }[])[0]?.title).toBe("标题");

    const tempThumb = await temp("thumb", "t.jpg", mediaSamples.jpg());
    const wrongThumb = await emu.post(
      "/cgi-bin/material/add_news",
      { articles: [{ ...article, thumb_media_id: tempThumb.thumb_media_id }] },
      { access_token: token },
    );
    expect(wrongThumb.body.errcode).toBe(40007);
    const nine = await emu.post(
      "/cgi-bin/material/add_news",
      { articles: Array(9).fill(article) },
      { access_token: token },
    );
    expect(nine.body.errcode).toBe(45008);
    const longTitle = await emu.post(
      "/cgi-bin/material/add_news",
      { articles: [{ ...article, title: "字".repeat(65) }] },
      { access_token: token },
    );
    expect(longTitle.body.errcode).toBe(45002);
  });

  it("stops at the permanent limit (45034)", async () => {
    emu.world.extension<MaterialsBook>(MATERIALS_EXTENSION, () => ({ items: {}, caps: {} })).caps.voice = 2;
    expect((await perm("voice", "1.mp3", mediaSamples.mp3())).media_id).toBeTypeOf("string");
    expect((await perm("voice", "2.amr", mediaSamples.amr(3))).media_id).toBeTypeOf("string");
    expect((await perm("voice", "3.mp3", mediaSamples.mp3())).errcode).toBe(45034);
    // Temporary media do not count.
    expect((await temp("voice", "4.mp3", mediaSamples.mp3())).media_id).toBeTypeOf("string");
  });
});

describe("customer-service accounts and the jsapi ticket", () => {
  it("adds, lists, updates, uploads an avatar and deletes", async () => {
    const add = (kf_account: string, nickname: string) =>
      emu.post("/customservice/kfaccount/add", { kf_account, nickname }, { access_token: token });
    expect((await add("alice@shop", "小爱")).body.errcode).toBe(0);
    expect((await add("alice@shop", "小爱")).body.errcode).toBe(65406);
    expect((await add("toolongprefix1@shop", "x")).body.errcode).toBe(65404);
    expect((await add("bob@shop", "名".repeat(17))).body.errcode).toBe(65403);
    const update = await emu.post(
      "/customservice/kfaccount/update",
      { kf_account: "alice@shop", nickname: "爱" },
      { access_token: token },
    );
    expect(update.body.errcode).toBe(0);
    const avatar = await upload(
      "/customservice/kfaccount/uploadheadimg",
      { kf_account: "alice@shop" },
      { name: "a.jpg", data: mediaSamples.jpg() },
    );
    expect(avatar.errcode).toBe(0);
    const list = await emu.get("/cgi-bin/customservice/getkflist", { access_token: token });
    expect(list.body.kf_list).toEqual([
      expect.objectContaining({
        kf_account: "alice@shop",
        kf_nick: "爱",
        kf_headimgurl: expect.stringMatching(/^http/),
      }),
    ]);
    expect(
      (await emu.post("/customservice/kfaccount/del", { kf_account: "alice@shop" }, { access_token: token }))
        .body.errcode,
    ).toBe(0);
    expect(
      (await emu.post("/customservice/kfaccount/del", { kf_account: "alice@shop" }, { access_token: token }))
        .body.errcode,
    ).toBe(65401);
  });

  it("hands out the same jsapi ticket until it expires", async () => {
    const first = await emu.get("/cgi-bin/ticket/getticket", { access_token: token, type: "jsapi" });
    expect(first.body).toMatchObject({ errcode: 0, expires_in: 7200 });
    const again = await emu.get("/cgi-bin/ticket/getticket", { access_token: token, type: "jsapi" });
    expect(again.body.ticket).toBe(first.body.ticket);
    await emu.control.advanceClock(7200_000);
    token = await tokenFor(emu, account);
    const next = await emu.get("/cgi-bin/ticket/getticket", { access_token: token, type: "jsapi" });
    expect(next.body.ticket).not.toBe(first.body.ticket);
  });
});
