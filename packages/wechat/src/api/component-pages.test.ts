import { describe, expect, it } from "vitest";
import { bindComponentUrl, componentLoginPageUrl } from "./component-pages.js";
import { showQrCodeUrl } from "./qrcode.js";

const params = {
  componentAppId: "wx1234567890abcdef",
  preAuthCode: "preauthcode@@@abc_DEF-123",
  redirectUri: "https://example.com/wechat/callback?from=console&x=1 2",
};

describe("componentLoginPageUrl", () => {
  it("puts the parameters in the documented order on mp.weixin.qq.com", () => {
    expect(componentLoginPageUrl({ ...params, authType: 3, bizAppId: "wxbiz" })).toBe(
      "https://mp.weixin.qq.com/cgi-bin/componentloginpage?component_appid=wx1234567890abcdef" +
        "&pre_auth_code=preauthcode%40%40%40abc_DEF-123" +
        "&redirect_uri=https%3A%2F%2Fexample.com%2Fwechat%2Fcallback%3Ffrom%3Dconsole%26x%3D1%202" +
        "&auth_type=3&biz_appid=wxbiz",
    );
  });

  it("leaves out auth_type and biz_appid when not given", () => {
    expect(componentLoginPageUrl(params)).toBe(
      "https://mp.weixin.qq.com/cgi-bin/componentloginpage?component_appid=wx1234567890abcdef" +
        "&pre_auth_code=preauthcode%40%40%40abc_DEF-123" +
        "&redirect_uri=https%3A%2F%2Fexample.com%2Fwechat%2Fcallback%3Ffrom%3Dconsole%26x%3D1%202",
    );
  });

  it("keeps an emulator's path prefix", () => {
    expect(
      componentLoginPageUrl({ ...params, authType: 1 }, { mp: "http://127.0.0.1:8080/sandbox/" }),
    ).toMatch(
      /^http:\/\/127\.0\.0\.1:8080\/sandbox\/cgi-bin\/componentloginpage\?component_appid=.*&auth_type=1$/,
    );
  });
});

describe("bindComponentUrl", () => {
  it("is the mobile page on open.weixin.qq.com, ending with #wechat_redirect", () => {
    expect(bindComponentUrl({ ...params, authType: 2, bizAppId: "wxbiz" })).toBe(
      "https://open.weixin.qq.com/wxaopen/safe/bindcomponent?action=bindcomponent&no_scan=1" +
        "&component_appid=wx1234567890abcdef&pre_auth_code=preauthcode%40%40%40abc_DEF-123" +
        "&redirect_uri=https%3A%2F%2Fexample.com%2Fwechat%2Fcallback%3Ffrom%3Dconsole%26x%3D1%202" +
        "&auth_type=2&biz_appid=wxbiz#wechat_redirect",
    );
  });

  it("keeps an emulator's path prefix", () => {
    expect(bindComponentUrl(params, { open: "http://127.0.0.1:8080/sandbox" })).toMatch(
      /^http:\/\/127\.0\.0\.1:8080\/sandbox\/wxaopen\/safe\/bindcomponent\?action=bindcomponent&no_scan=1&.*#wechat_redirect$/,
    );
  });
});

describe("showQrCodeUrl", () => {
  it("URL-encodes the ticket on mp.weixin.qq.com", () => {
    expect(showQrCodeUrl("gQH47joAAAAAAAAAASxodHRw+/=")).toBe(
      "https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket=gQH47joAAAAAAAAAASxodHRw%2B%2F%3D",
    );
  });

  it("keeps an emulator's path prefix", () => {
    expect(showQrCodeUrl("t", { mp: "http://127.0.0.1:9/sandbox" })).toBe(
      "http://127.0.0.1:9/sandbox/cgi-bin/showqrcode?ticket=t",
    );
  });
});
