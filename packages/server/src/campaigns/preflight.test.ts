import { describe, expect, it } from "vitest";
import { parseCsv } from "./lists.js";
import { contentLimits, contentProblems, templateFieldsOf } from "./preflight.js";

describe("content checks", () => {
  it("finds a template's fields and names each one missing, empty or too long", () => {
    const fields = templateFieldsOf("{{first.DATA}}\n订单号：{{keyword1.DATA}}\n{{ remark.DATA }}");
    expect(fields).toEqual(["first", "keyword1", "remark"]);
    const problems = contentProblems(
      "template",
      {
        channel: "template",
        templateId: "t",
        data: {
          first: { value: " " },
          keyword1: { value: "字".repeat(contentLimits.templateValueChars + 1) },
        },
      },
      fields,
    );
    expect(problems).toEqual([
      { field: "content.data.first", reason: "field_empty" },
      { field: "content.data.keyword1", reason: "field_too_long", limit: contentLimits.templateValueChars },
      { field: "content.data.remark", reason: "field_missing" },
    ]);
  });

  it("measures customer-service text in UTF-8 bytes and asks for the media a message needs", () => {
    const text = "字".repeat(683); // 2049 bytes
    expect(contentProblems("custom", { channel: "custom", type: "text", text })).toEqual([
      { field: "content.text", reason: "text_too_long", limit: 2048 },
    ]);
    expect(contentProblems("custom", { channel: "custom", type: "image" })).toEqual([
      { field: "content.mediaId", reason: "media_id_required" },
    ]);
    expect(contentProblems("mass", { channel: "custom", type: "text", text: "x" })).toEqual([
      { field: "content.channel", reason: "channel_mismatch" },
    ]);
  });
});

describe("CSV lists", () => {
  it("reads quoted cells, CRLF line ends and blank lines", () => {
    expect(parseCsv('id,wechat_openid\r\n"c,1",o1\r\n\r\n"say ""hi""",o2')).toEqual([
      ["id", "wechat_openid"],
      ["c,1", "o1"],
      ['say "hi"', "o2"],
    ]);
  });
});
