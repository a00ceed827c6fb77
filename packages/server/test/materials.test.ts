import { MATERIALS_EXTENSION, type MaterialsBook, mediaSamples } from "@wxgate/emulator";
import { createMaterialApi } from "@wxgate/wechat";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMaterials, type Materials } from "../src/materials/index.js";
import { type TestDatabase, testEngines } from "../src/testing/engines.js";
import { type Answer, authorizeAccount, type SandboxHarness, startSandbox } from "./accounts-fixture.js";

let h: SandboxHarness;
let appId: string;
let materials: Materials;
let database: TestDatabase | undefined;

const DAY = 86_400_000;

interface Item {
  mediaId: string;
  kind: string;
  type: string;
  name: string;
  size: number;
  createdAt: number;
  expiresAt: number | null;
}
interface Refusal {
  error: { code: string; details?: { reason?: string; errcode?: number; limit?: number } };
}

async function upload(
  path: string,
  type: string,
  file: { name: string; data: Buffer },
  fields: Record<string, string> = {},
): Promise<Answer<Item & Refusal>> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append("media", new Blob([new Uint8Array(file.data)]), file.name);
  const response = await fetch(`${h.url}/api/v1/accounts/${appId}${path}?type=${type}`, {
    method: "POST",
    headers: { authorization: `Bearer ${h.apiKey}` },
    body: form,
  });
  return { status: response.status, body: (await response.json()) as Item & Refusal };
}
const temporary = (type: string, name: string, data: Buffer) =>
  upload("/materials/media", type, { name, data });
const permanent = (type: string, name: string, data: Buffer, fields?: Record<string, string>) =>
  upload("/materials", type, { name, data }, fields);
const uploads = () =>
  h.wechatCalls("/cgi-bin/media/upload") + h.wechatCalls("/cgi-bin/material/add_material");

describe.each(testEngines)("materials on $name", (engine) => {
  beforeEach(async () => {
    database = await engine.database();
    h = await startSandbox({
      env: database.env,
      modules: [
        (ctx) => {
          materials = createMaterials(ctx);
          return materials.module;
        },
      ],
    });
    appId = h.demo.serviceAppId;
    await authorizeAccount(h, appId);
    await h.api("PUT", `/accounts/${appId}/openid-mapping`, { property: "openid" });
    expect((await h.api("POST", `/accounts/${appId}/enable`)).status).toBe(200);
    await h.settle();
  });
  afterEach(async () => {
    await h.close();
    await database?.dispose();
    database = undefined;
  });

  it("uploads a temporary image to WeChat, records it for 3 days and finds it by media_id until then", async () => {
    const data = mediaSamples.png(5000);
    const res = await temporary("image", "banner.png", data);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: "temporary", type: "image", name: "banner.png", size: 5000 });
    expect(res.body.expiresAt).toBe(res.body.createdAt + 3 * DAY);
    const stored = h.server.sandbox!.core.world.extension<MaterialsBook>(MATERIALS_EXTENSION, () => ({
      items: {},
      caps: {},
    })).items[res.body.mediaId];
    expect(stored).toMatchObject({ appId, kind: "temporary", size: 5000 });

    const preview = await fetch(`${h.url}/api/v1/accounts/${appId}/materials/${res.body.mediaId}/content`, {
      headers: { authorization: `Bearer ${h.apiKey}` },
    });
    expect(Buffer.from(await preview.arrayBuffer()).equals(data)).toBe(true);

    const thumb = await temporary("thumb", "t.jpg", mediaSamples.jpg(2000));
    expect(thumb.status).toBe(201);
    expect(thumb.body.type).toBe("thumb");

    expect(await materials.service.find(appId, res.body.mediaId)).toBeDefined();
    await h.server.sandbox!.core.control.advanceClock(3 * DAY);
    expect(await materials.service.find(appId, res.body.mediaId)).toBeUndefined();
    const list = await h.api<{ items: Item[] }>("GET", `/accounts/${appId}/materials?kind=temporary`);
    expect(list.body.items).toEqual([]);
    // The next upload clears the expired records away.
    const fresh = await temporary("image", "next.gif", mediaSamples.gif());
    const rows = await h.server.store.db
      .selectFrom("materials")
      .select("name")
      .where("appid", "=", appId)
      .execute();
    expect(rows.map((r) => r.name)).toEqual(["next.gif"]);
    expect(fresh.status).toBe(201);
  });

  it("refuses every WeChat limit locally, before calling WeChat", async () => {
    const refused = async (answer: Promise<Answer<Item & Refusal>>, status: number, reason: string) => {
      const res = await answer;
      expect(res.status, reason).toBe(status);
      expect(res.body.error.details?.reason, JSON.stringify(res.body)).toBe(reason);
    };
    await refused(temporary("image", "a.webp", mediaSamples.png()), 400, "file_type");
    await refused(temporary("image", "a.png", mediaSamples.jpg()), 400, "file_type");
    await refused(
      temporary("image", "big.png", mediaSamples.png(10 * 1024 * 1024 + 1)),
      413,
      "file_too_large",
    );
    await refused(temporary("voice", "v.mp3", mediaSamples.mp3(2 * 1024 * 1024 + 1)), 413, "file_too_large");
    await refused(temporary("voice", "long.amr", mediaSamples.amr(61)), 400, "voice_too_long");
    await refused(temporary("video", "v.mp4", mediaSamples.mp4(10 * 1024 * 1024 + 1)), 413, "file_too_large");
    await refused(temporary("thumb", "t.jpg", mediaSamples.jpg(64 * 1024 + 1)), 413, "file_too_large");
    await refused(temporary("thumb", "t.png", mediaSamples.png()), 400, "file_type");
    await refused(permanent("video", "v.mp4", mediaSamples.mp4()), 400, "video_description");
    // A file far over the cap is counted while it streams, not kept: the answer is the same.
    await refused(temporary("thumb", "huge.jpg", mediaSamples.jpg(3 * 1024 * 1024)), 413, "file_too_large");
    const unknownType = await temporary("file", "a.png", mediaSamples.png());
    expect(unknownType.status).toBe(400);
    expect(uploads()).toBe(0);

    // The same files sent to WeChat straight (wxgate bypassed) are refused by it, with its codes.
    const client = await h.accounts.tokens.clientFor(appId);
    const api = createMaterialApi(client);
    await expect(
      api.uploadTemporary("thumb", {
        filename: "t.jpg",
        contentType: "image/jpeg",
        data: mediaSamples.jpg(64 * 1024 + 1),
      }),
    ).rejects.toMatchObject({ errcode: 40012 });
    await expect(
      api.uploadTemporary("voice", {
        filename: "long.amr",
        contentType: "audio/amr",
        data: mediaSamples.amr(61),
      }),
    ).rejects.toMatchObject({ errcode: 45007 });
  });

  it("adds permanent materials and news, counts them at WeChat, pages the record and deletes", async () => {
    const image = await permanent("image", "cover.jpg", mediaSamples.jpg());
    expect(image.status).toBe(201);
    await h.server.sandbox!.core.control.advanceClock(1000);
    const video = await permanent("video", "clip.mp4", mediaSamples.mp4(), {
      title: "开箱视频",
      introduction: "介绍",
    });
    expect(video.body).toMatchObject({ kind: "permanent", type: "video", name: "开箱视频" });
    await h.server.sandbox!.core.control.advanceClock(1000);

    const article = {
      title: "新品上市",
      thumb_media_id: image.body.mediaId,
      content: "<p>正文</p>",
      show_cover_pic: 1,
    };
    const news = await h.api<Item>("POST", `/accounts/${appId}/materials/news`, { articles: [article] });
    expect(news.status).toBe(201);
    expect(news.body).toMatchObject({ type: "news", name: "新品上市" });
    const badThumb = await h.api<Refusal>("POST", `/accounts/${appId}/materials/news`, {
      articles: [{ ...article, thumb_media_id: "nope" }],
    });
    expect(badThumb.body.error.details?.reason).toBe("thumb_unknown");
    const nine = await h.api<Refusal>("POST", `/accounts/${appId}/materials/news`, {
      articles: Array(9).fill(article),
    });
    expect(nine.body.error.details).toMatchObject({ reason: "news_too_many", errcode: 45008 });

    const counts = await h.api("GET", `/accounts/${appId}/materials/counts`);
    expect(counts.body).toEqual({
      image: { count: 1, limit: 100_000 },
      voice: { count: 0, limit: 1000 },
      video: { count: 1, limit: 1000 },
      news: { count: 1, limit: 100_000 },
    });

    const first = await h.api<{ items: Item[]; next: string }>("GET", `/accounts/${appId}/materials?limit=2`);
    expect(first.body.items.map((i) => i.type)).toEqual(["news", "video"]);
    const second = await h.api<{ items: Item[]; next: string | null }>(
      "GET",
      `/accounts/${appId}/materials?limit=2&after=${first.body.next}`,
    );
    expect(second.body.items.map((i) => i.mediaId)).toEqual([image.body.mediaId]);
    expect(second.body.next).toBeNull();

    expect((await h.api("DELETE", `/accounts/${appId}/materials/${video.body.mediaId}`)).status).toBe(204);
    const after = await h.api<{ video: { count: number } }>("GET", `/accounts/${appId}/materials/counts`);
    expect(after.body.video.count).toBe(0);
    expect((await h.api("DELETE", `/accounts/${appId}/materials/${video.body.mediaId}`)).status).toBe(404);
    // Deleted at WeChat already (its own console): deleting here still clears the record.
    await createMaterialApi(await h.accounts.tokens.clientFor(appId)).deletePermanent(image.body.mediaId);
    expect((await h.api("DELETE", `/accounts/${appId}/materials/${image.body.mediaId}`)).status).toBe(204);
  });

  it("refuses past the permanent limit on its record, and syncs the record with WeChat's list", async () => {
    // 1,000 voices on record (the limit): the next is refused without calling WeChat.
    const rows = Array.from({ length: 1000 }, (_, i) => ({
      appid: appId,
      media_id: `voice-${String(i).padStart(4, "0")}`,
      kind: "permanent" as const,
      type: "voice" as const,
      name: `${i}.mp3`,
      size: 10,
      url: null,
      articles: null,
      created_at: 1000 + i,
      expires_at: null,
    }));
    for (let i = 0; i < rows.length; i += 200)
      await h.server.store.db
        .insertInto("materials")
        .values(rows.slice(i, i + 200))
        .execute();
    const full = await permanent("voice", "one-more.mp3", mediaSamples.mp3());
    expect(full.body.error.details).toMatchObject({ reason: "count_limit", errcode: 45034, limit: 1000 });
    expect(uploads()).toBe(0);

    // WeChat has none of them; two images were added in its own console (here: straight through the SDK).
    const api = createMaterialApi(await h.accounts.tokens.clientFor(appId));
    for (const name of ["a.jpg", "b.jpg"])
      await api.addPermanent("image", {
        filename: name,
        contentType: "image/jpeg",
        data: mediaSamples.jpg(),
      });
    const images = await h.api("POST", `/accounts/${appId}/materials/sync`, { type: "image" });
    expect(images.body).toEqual({ added: 2, removed: 0, total: 2 });
    const voices = await h.api("POST", `/accounts/${appId}/materials/sync`, { type: "voice" });
    expect(voices.body).toEqual({ added: 0, removed: 1000, total: 0 });
    const listed = await h.api<{ items: Item[] }>("GET", `/accounts/${appId}/materials?type=image`);
    expect(listed.body.items.map((i) => i.name).sort()).toEqual(["a.jpg", "b.jpg"]);
  });
});
