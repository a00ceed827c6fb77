import { describe, expect, it } from "vitest";
import { buildXml } from "../xml/index.js";
import { buildReplyXml, parseReply } from "./reply.js";
import { InvalidReplyError } from "./reply-error.js";
import type { Reply } from "./reply-types.js";

const address = { toUserName: "oFollower", fromUserName: "gh_abc", createTime: 1700000000 };

describe("buildReplyXml / parseReply", () => {
  const replies: Reply[] = [
    { type: "text", content: "hello ]]> 你好" },
    { type: "image", mediaId: "img" },
    { type: "voice", mediaId: "voc" },
    { type: "video", mediaId: "vid", title: "t", description: "d" },
    { type: "video", mediaId: "vid" },
    { type: "music", title: "song", musicUrl: "http://m", hqMusicUrl: "http://hq", thumbMediaId: "th" },
    { type: "news", articles: [{ title: "T", description: "D", picUrl: "http://p", url: "http://u" }] },
    { type: "transfer_customer_service" },
    { type: "transfer_customer_service", kfAccount: "test1@test" },
  ];

  it.each(replies)("round-trips %j", (reply) => {
    const parsed = parseReply(buildReplyXml(reply, address));
    expect(parsed).toEqual({ ...address, reply });
  });

  it("writes the documented text layout", () => {
    expect(buildReplyXml({ type: "text", content: "hi" }, address)).toBe(
      "<xml><ToUserName><![CDATA[oFollower]]></ToUserName><FromUserName><![CDATA[gh_abc]]></FromUserName>" +
        "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content></xml>",
    );
  });

  it("refuses news with more than one article as 45008, both ways", () => {
    const article = { title: "T", url: "http://u" };
    const build = () => buildReplyXml({ type: "news", articles: [article, article] }, address);
    expect(build).toThrow(InvalidReplyError);
    expect(build).toThrow(expect.objectContaining({ errcode: 45008, code: "reply_invalid" }));
    const twoArticles = buildXml({
      ToUserName: "o",
      FromUserName: "g",
      CreateTime: 1,
      MsgType: "news",
      ArticleCount: 2,
      Articles: {
        item: [
          { Title: "a", Url: "u" },
          { Title: "b", Url: "u" },
        ],
      },
    });
    expect(() => parseReply(twoArticles)).toThrow(expect.objectContaining({ errcode: 45008 }));
  });

  it.each([
    ["missing_field", () => buildReplyXml({ type: "image", mediaId: "" }, address)],
    ["missing_field", () => buildReplyXml({ type: "music", thumbMediaId: "" }, address)],
    ["no_article", () => buildReplyXml({ type: "news", articles: [] }, address)],
    ["bad_field", () => buildReplyXml({ type: "text", content: "x" }, { ...address, createTime: 1.5 })],
    [
      "unknown_type",
      () => parseReply(buildXml({ ToUserName: "o", FromUserName: "g", CreateTime: 1, MsgType: "card" })),
    ],
    [
      "missing_field",
      () => parseReply(buildXml({ ToUserName: "o", FromUserName: "g", CreateTime: 1, MsgType: "image" })),
    ],
    [
      "article_count_mismatch",
      () =>
        parseReply(
          buildXml({
            ToUserName: "o",
            FromUserName: "g",
            CreateTime: 1,
            MsgType: "news",
            ArticleCount: 3,
            Articles: { item: { Title: "a", Url: "u" } },
          }),
        ),
    ],
  ])("refuses with %s", (reason, run) => {
    expect(run).toThrow(InvalidReplyError);
    expect(run).toThrow(expect.objectContaining({ reason }));
  });
});
