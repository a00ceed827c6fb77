import dayjs from "dayjs";
import { describe, expect, it } from "vitest";
import type { Campaign } from "../../../api/campaigns.js";
import { emptyValues, fieldLimit, formFieldOf, inputOf, valuesOf } from "./form.js";

describe("the campaign form's values", () => {
  it("sends a template's fields, in the template's order, and drops the empty optional parts", () => {
    const input = inputOf(
      {
        ...emptyValues(),
        name: "  发货提醒 ",
        templateId: "tpl-1",
        data: { keyword1: "NO.1", first: "已发货", stale: "from another template" },
        url: " ",
        mpAppid: "wx123",
      },
      ["first", "keyword1", "remark"],
    );
    expect(input).toEqual({
      name: "发货提醒",
      channel: "template",
      audience: { kind: "all" },
      content: {
        channel: "template",
        templateId: "tpl-1",
        data: { first: { value: "已发货" }, keyword1: { value: "NO.1" }, remark: { value: "" } },
        miniprogram: { appid: "wx123" },
      },
      scheduledAt: null,
    });
  });

  it("takes the audience by kind and the time only when sending later", () => {
    const at = dayjs("2026-12-01T10:00:00+08:00");
    const input = inputOf(
      {
        ...emptyValues(),
        channel: "custom",
        audienceKind: "tag",
        tagId: 101,
        customType: "text",
        text: "你好",
        // Left from another type: not sent with a text.
        mediaId: "media-1",
        when: "later",
        scheduledAt: at,
      },
      [],
    );
    expect(input.audience).toEqual({ kind: "tag", tagId: 101 });
    expect(input.content).toEqual({ channel: "custom", type: "text", text: "你好" });
    expect(input.scheduledAt).toBe(at.toISOString());
    expect(inputOf({ ...emptyValues(), when: "now", scheduledAt: at }, []).scheduledAt).toBeNull();
  });

  it("reads a saved campaign back into the form", () => {
    const campaign = {
      name: "会员提醒",
      channel: "subscribe",
      audience: { kind: "subscribers", templateId: "sub-1" },
      content: {
        channel: "subscribe",
        templateId: "sub-1",
        data: { thing1: { value: "续费" } },
        page: "pages/a",
      },
      scheduledAt: null,
    } as Pick<Campaign, "name" | "channel" | "audience" | "content" | "scheduledAt"> as Campaign;
    const values = valuesOf(campaign);
    expect(values).toMatchObject({
      name: "会员提醒",
      channel: "subscribe",
      audienceKind: "subscribers",
      templateId: "sub-1",
      data: { thing1: "续费" },
      page: "pages/a",
      when: "now",
    });
    expect(inputOf(values, ["thing1"]).content).toEqual(campaign.content);
  });

  it("places a refused part beside its field, or nowhere when the form has none", () => {
    expect(formFieldOf("content.data.keyword1.value", "template")).toEqual(["data", "keyword1"]);
    expect(formFieldOf("content.miniprogram.pagepath", "template")).toEqual(["mpPath"]);
    expect(formFieldOf("content.type", "custom")).toEqual(["customType"]);
    expect(formFieldOf("content.type", "mass")).toEqual(["massType"]);
    expect(formFieldOf("audience.tagId", "mass")).toEqual(["tagId"]);
    expect(formFieldOf("content.unknownPart", "custom")).toBeUndefined();
  });

  it("counts a template field to 200 characters and a subscription field by its kind", () => {
    expect(fieldLimit("template", "keyword1")).toBe(200);
    expect(fieldLimit("subscribe", "thing3")).toBe(20);
    expect(fieldLimit("subscribe", "phrase2")).toBe(5);
    expect(fieldLimit("subscribe", "name12")).toBe(10);
  });
});
