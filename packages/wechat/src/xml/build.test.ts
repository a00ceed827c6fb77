import { describe, expect, it } from "vitest";
import { WeChatConfigError } from "../errors/index.js";
import { buildXml, cdata } from "./build.js";
import { parseXml } from "./parse.js";

describe("buildXml", () => {
  it("writes strings as CDATA and numbers bare, in insertion order", () => {
    expect(buildXml({ ToUserName: "o1", CreateTime: 1700000000, Skip: undefined, Flag: true })).toBe(
      "<xml><ToUserName><![CDATA[o1]]></ToUserName><CreateTime>1700000000</CreateTime><Flag>true</Flag></xml>",
    );
  });

  it("splits ]]> across CDATA sections so it round-trips", () => {
    const text = "a]]>b]]>]]>";
    expect(cdata(text)).toBe("<![CDATA[a]]]]><![CDATA[>b]]]]><![CDATA[>]]]]><![CDATA[>]]>");
    expect(parseXml(buildXml({ Content: text })).Content).toBe(text);
  });

  it("writes nested records and arrays as repeated tags", () => {
    const xml = buildXml({
      ArticleCount: 2,
      Articles: { item: [{ Title: "a", Url: "https://x/?a=1&b=2" }, { Title: "b" }] },
    });
    expect(xml).toBe(
      "<xml><ArticleCount>2</ArticleCount><Articles><item><Title><![CDATA[a]]></Title><Url><![CDATA[https://x/?a=1&b=2]]></Url></item>" +
        "<item><Title><![CDATA[b]]></Title></item></Articles></xml>",
    );
    expect(parseXml(xml).Articles).toEqual({
      item: [{ Title: "a", Url: "https://x/?a=1&b=2" }, { Title: "b" }],
    });
  });

  it("refuses unusable tags and non-finite numbers", () => {
    expect(() => buildXml({ "a b": "x" })).toThrow(WeChatConfigError);
    expect(() => buildXml({ constructor: "x" } as Record<string, string>)).toThrow(WeChatConfigError);
    expect(() => buildXml({ N: Number.NaN })).toThrow(WeChatConfigError);
    expect(() => buildXml({}, "1bad")).toThrow(WeChatConfigError);
  });
});
