import { describe, expect, it } from "vitest";
import { boundaryOf, parseMultipart } from "../multipart.js";
import { checkMediaUpload, sniffFormat, validateNews, voiceSeconds } from "./media-rules.js";

const amr = (frames: number) => {
  const out = Buffer.alloc(6 + frames * 32);
  out.write("#!AMR\n", 0, "latin1");
  for (let i = 0; i < frames; i++) out[6 + i * 32] = 0x3c;
  return out;
};
const jpg = (size: number) => {
  const out = Buffer.alloc(size);
  Buffer.from([0xff, 0xd8, 0xff, 0xe0]).copy(out);
  return out;
};

describe("media upload rules", () => {
  it("tells formats by their first bytes", () => {
    expect(sniffFormat(jpg(16))).toBe("jpg");
    expect(sniffFormat(Buffer.from("GIF89a......"))).toBe("gif");
    expect(sniffFormat(Buffer.from("\0\0\0\x18ftypmp42"))).toBe("mp4");
    expect(sniffFormat(Buffer.from("#!AMR\n"))).toBe("amr");
    expect(sniffFormat(Buffer.from("plain text"))).toBeUndefined();
  });

  it("measures AMR by frames (20 ms each) and CBR MP3 by bitrate", () => {
    expect(voiceSeconds(amr(3000), "amr")).toBeCloseTo(60);
    // One MPEG-1 Layer III header at 128 kbit/s, then 16,000 bytes: 1 second.
    const mp3 = Buffer.alloc(16_000);
    Buffer.from([0xff, 0xfb, 0x90, 0x00]).copy(mp3);
    expect(voiceSeconds(mp3, "mp3")).toBeCloseTo(1);
    expect(voiceSeconds(Buffer.alloc(10), "wav")).toBeUndefined();
  });

  it("refuses in WeChat's order, at the exact limits", () => {
    const at = (type: string, name: string, data: Buffer, kind: "temporary" | "permanent" = "temporary") =>
      checkMediaUpload(kind, type, { filename: name, size: data.length, head: data });
    expect(at("thumb", "t.jpg", jpg(64 * 1024))).toEqual({ ok: true, type: "thumb" });
    expect(at("thumb", "t.jpg", jpg(64 * 1024 + 1))).toMatchObject({ ok: false, errcode: 40012 });
    expect(at("thumb", "t.JPEG", jpg(100))).toMatchObject({ ok: true });
    expect(at("news", "t.jpg", jpg(100))).toMatchObject({ ok: false, errcode: 40004 });
    expect(at("image", "t.jpg", Buffer.alloc(0))).toMatchObject({ ok: false, errcode: 41005 });
    expect(at("voice", "v.amr", amr(3000))).toMatchObject({ ok: true });
    expect(at("voice", "v.amr", amr(3001))).toMatchObject({ ok: false, errcode: 45007 });
    // wav is a permanent voice format only.
    const wav = Buffer.from("RIFF\0\0\0\0WAVEfmt ");
    expect(at("voice", "v.wav", wav)).toMatchObject({ ok: false, errcode: 40005 });
    expect(at("voice", "v.wav", wav, "permanent")).toMatchObject({ ok: true });
  });

  it("checks news articles", () => {
    const article = { title: "标题", thumb_media_id: "m", content: "正文" };
    expect(validateNews({ articles: [article] })).toMatchObject({ ok: true });
    expect(validateNews({ articles: [] })).toMatchObject({ ok: false, errcode: 40097 });
    expect(validateNews({ articles: [{ ...article, thumb_media_id: "" }] })).toMatchObject({
      ok: false,
      errcode: 41006,
      path: "articles[0].thumb_media_id",
    });
    expect(validateNews({ articles: [{ ...article, author: "作者名字太长了啊啊" }] })).toMatchObject({
      ok: false,
      errcode: 45002,
    });
  });
});

describe("multipart/form-data", () => {
  it("splits parts with their names, file names and types, bytes untouched", () => {
    const boundary = boundaryOf('multipart/form-data; boundary="----x y"');
    expect(boundary).toBe("----x y");
    const file = Buffer.from([0x00, 0x0d, 0x0a, 0x2d, 0x2d, 0xff]);
    const body = Buffer.concat([
      Buffer.from('------x y\r\nContent-Disposition: form-data; name="title"\r\n\r\n开箱\r\n'),
      Buffer.from(
        '------x y\r\nContent-Disposition: form-data; name="media"; filename="a \\"b\\".jpg"\r\nContent-Type: image/jpeg\r\n\r\n',
      ),
      file,
      Buffer.from("\r\n------x y--\r\n"),
    ]);
    const parts = parseMultipart(body, "----x y");
    expect(parts?.map((p) => [p.name, p.filename, p.contentType])).toEqual([
      ["title", undefined, undefined],
      ["media", 'a "b".jpg', "image/jpeg"],
    ]);
    expect(parts?.[0]?.data.toString()).toBe("开箱");
    expect(parts?.[1]?.data.equals(file)).toBe(true);
  });

  it("answers undefined for a body cut short or a part without a name", () => {
    expect(
      parseMultipart(Buffer.from('--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nx'), "b"),
    ).toBeUndefined();
    expect(
      parseMultipart(Buffer.from("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--"), "b"),
    ).toBeUndefined();
    expect(boundaryOf("application/json")).toBeUndefined();
  });
});
