import { describe, expect, it } from "vitest";
import { PayloadTooLargeError, WeChatCryptoError } from "../errors/index.js";
import { scanPlainXml } from "./fast-scan.js";
import { generalParse, parseXml } from "./parse.js";

function xmlFailure(run: () => unknown): { errcode: number; reason: string } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WeChatCryptoError);
    const { errcode, reason } = error as WeChatCryptoError;
    return { errcode, reason };
  }
  throw new Error("expected a WeChatCryptoError");
}

const TEXT =
  "<xml><ToUserName><![CDATA[gh_123]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName>" +
  "<CreateTime>1348831860</CreateTime><MsgType><![CDATA[text]]></MsgType>" +
  "<Content><![CDATA[ 你好 <b> & ]]></Content><MsgId>9223372036854775807</MsgId></xml>";

describe("parseXml", () => {
  it("reads leaves as strings, CDATA verbatim, 64-bit ids untouched", () => {
    const record = parseXml(TEXT);
    expect(record.ToUserName).toBe("gh_123");
    expect(record.Content).toBe(" 你好 <b> & ");
    expect(record.MsgId).toBe("9223372036854775807");
    const prototype = Object.getPrototypeOf(record);
    expect(Object.getPrototypeOf(prototype)).toBeNull();
    expect(Object.getOwnPropertyNames(prototype)).toEqual([]);
    expect(Object.isFrozen(prototype)).toBe(true);
    expect("toString" in record).toBe(false);
  });

  it("nests elements and turns repeated tags into arrays", () => {
    const record = parseXml(
      "<xml><Articles><item><Title>a</Title></item><item><Title>b</Title></item></Articles><One><item><T>x</T></item></One></xml>",
    );
    expect(record.Articles).toEqual({ item: [{ Title: "a" }, { Title: "b" }] });
    expect(record.One).toEqual({ item: { T: "x" } });
  });

  it("decodes predefined and numeric entities outside CDATA only", () => {
    const record = parseXml("<xml><A>a &amp; b &lt;c&gt; &#20320;&#x597D;</A><B><![CDATA[&amp;]]></B></xml>");
    expect(record.A).toBe("a & b <c> 你好");
    expect(record.B).toBe("&amp;");
  });

  it("accepts a prolog, comments, attributes, whitespace and self-closing tags", () => {
    const record = parseXml(
      '<?xml version="1.0" encoding="utf-8"?>\n<xml>\n  <!-- note -->\n  <A id="1"> 12 </A>\n  <B/>\n  <C></C>\n</xml>\n',
    );
    expect({ ...record }).toEqual({ A: "12", B: "", C: "" });
  });

  it("trims XML whitespace only, keeping an ideographic space a user typed", () => {
    expect(parseXml("<xml><A>\u3000x\u3000</A></xml>").A).toBe("\u3000x\u3000");
  });

  it("accepts user text that mentions <!DOCTYPE inside CDATA", () => {
    expect(parseXml("<xml><Content><![CDATA[<!DOCTYPE x [<!ENTITY a 'b'>]>]]></Content></xml>").Content).toBe(
      "<!DOCTYPE x [<!ENTITY a 'b'>]>",
    );
  });

  it("refuses DOCTYPE, ENTITY and other declarations", () => {
    expect(xmlFailure(() => parseXml('<!DOCTYPE x [<!ENTITY a "b">]><xml><A>&a;</A></xml>'))).toEqual({
      errcode: -40002,
      reason: "doctype",
    });
    expect(xmlFailure(() => parseXml("<xml><!ELEMENT a ANY><A>1</A></xml>")).reason).toBe("declaration");
  });

  it.each([
    ["empty", ""],
    ["empty", "  \n "],
    ["malformed", "<xml><A>1</A>"],
    ["malformed", "<xml><A>1</B></xml>"],
    ["malformed", "not xml at all"],
    ["malformed", "<a>1</a><b>2</b>"],
    ["forbidden_tag", "<xml><__proto__><x>1</x></__proto__></xml>"],
    ["forbidden_tag", "<xml><constructor>1</constructor></xml>"],
    ["forbidden_tag", '<xml><prototype a="1">1</prototype></xml>'],
    ["mixed_content", "<xml><A>text<B>1</B></A></xml>"],
    ["bad_entity", "<xml><A>&nbsp;</A></xml>"],
    ["malformed", "<xml><A>fish & chips</A></xml>"],
    ["bad_entity", "<xml><A>&#0;</A></xml>"],
    ["no_root", "<xml>just text</xml>"],
  ])("fails with %s for %j", (reason, xml) => {
    expect(xmlFailure(() => parseXml(xml))).toEqual({ errcode: -40002, reason });
  });

  it("refuses documents nested deeper than 32", () => {
    const deep = `<xml>${"<a>".repeat(40)}1${"</a>".repeat(40)}</xml>`;
    expect(xmlFailure(() => parseXml(deep)).reason).toBe("too_deep");
    expect(xmlFailure(() => generalParse(deep)).reason).toBe("too_deep");
  });

  it("enforces the size limit in UTF-8 bytes", () => {
    const doc = `<xml><A>${"中".repeat(400)}</A></xml>`;
    expect(() => parseXml(doc, { maxBytes: 1000 })).toThrow(PayloadTooLargeError);
    expect(parseXml(doc, { maxBytes: 1300 }).A).toHaveLength(400);
  });

  it("treats names of Object.prototype members as ordinary tags", () => {
    const record = parseXml(
      "<xml><toString>a</toString><hasOwnProperty>b</hasOwnProperty><toString>c</toString></xml>",
    );
    expect(record.toString).toEqual(["a", "c"]);
    expect(record.hasOwnProperty).toBe("b");
    expect({ ...generalParse('<xml><toString a="1">a</toString><valueOf>b</valueOf></xml>') }).toEqual({
      toString: "a",
      valueOf: "b",
    });
  });

  it("keeps Object.prototype clean whatever the tags", () => {
    for (const xml of [
      "<xml><__proto__><polluted>1</polluted></__proto__></xml>",
      "<xml><polluted>1</polluted></xml>",
    ]) {
      try {
        parseXml(xml);
      } catch {
        // refused is fine; polluting is not
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("fast scan and general parser agree", () => {
  const plain = [
    TEXT,
    "<xml></xml>",
    "<xml><A/><B></B></xml>",
    "<xml>\n <A>\n  <![CDATA[ x ]]>\n </A>\n</xml>",
    "<xml><A><![CDATA[a]]]]><![CDATA[>b]]></A></xml>",
    "<xml><A>t1<![CDATA[x]]>tail</A></xml>",
    "<xml><L><I><T>1</T></I><I><T>2</T></I><I><T>3</T></I></L></xml>",
    '<?xml version="1.0"?><root><A>1</A><A>2</A></root>',
    "<xml><A>a > b</A></xml>",
  ];

  it.each(plain)("gives the same record for %j", (xml) => {
    const fast = scanPlainXml(xml);
    expect(fast).toBeDefined();
    expect(fast).toEqual(generalParse(xml));
  });

  it.each([
    "<xml><A x='1'>1</A></xml>",
    "<xml><!-- c --><A>1</A></xml>",
    "<xml><A>&amp;</A></xml>",
    "<xml><A >1</A></xml>",
    "<xml><ns:A>1</ns:A></xml>",
    "<xml><A>1</A>",
    "<xml><A>x<B/></A></xml>",
  ])("defers %j to the general parser", (xml) => {
    expect(scanPlainXml(xml)).toBeUndefined();
  });
});
