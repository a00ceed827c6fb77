import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createComponentApi,
  createOfficialAccountApi,
  customMessage,
  getAccessToken,
  getStableAccessToken,
  staticToken,
  WeChatClient,
} from "../src/index.js";
import { type ScriptedWeChat, type SeenRequest, startScriptedWeChat } from "./client-support.js";

let wechat: ScriptedWeChat;
let client: WeChatClient;

beforeAll(async () => {
  wechat = await startScriptedWeChat();
  client = new WeChatClient({
    endpoints: { api: `${wechat.url}/sandbox`, mp: `${wechat.url}/mp`, open: `${wechat.url}/open` },
    token: staticToken("account-token"),
  });
});

afterAll(async () => {
  await wechat.close();
});

beforeEach(() => {
  wechat.requests.length = 0;
});

/** Runs `call` with `answer` scripted at `path`, and returns the single request WeChat saw. */
async function seen(
  path: string,
  call: () => Promise<unknown>,
  answer: unknown = { errcode: 0, errmsg: "ok" },
) {
  wechat.on(`/sandbox${path}`, { json: answer });
  const result = await call();
  expect(wechat.requests).toHaveLength(1);
  const request = wechat.requests[0] as SeenRequest;
  expect(request.path).toBe(`/sandbox${path}`);
  return { request, result, query: Object.fromEntries(request.query) };
}

describe("token APIs", () => {
  it("getAccessToken: GET /cgi-bin/token with grant_type, appid, secret and no access_token", async () => {
    const { request, result, query } = await seen(
      "/cgi-bin/token",
      () => getAccessToken(client, { appId: "wx1", secret: "s3cret-value" }),
      { access_token: "t", expires_in: 7200 },
    );
    expect(request.method).toBe("GET");
    expect(query).toEqual({ grant_type: "client_credential", appid: "wx1", secret: "s3cret-value" });
    expect(result).toEqual({ access_token: "t", expires_in: 7200 });
  });

  it("getStableAccessToken: POST /cgi-bin/stable_token", async () => {
    const { request, query } = await seen(
      "/cgi-bin/stable_token",
      () => getStableAccessToken(client, { appId: "wx1", secret: "s3cret-value", forceRefresh: true }),
      { access_token: "t", expires_in: 7200 },
    );
    expect(request.method).toBe("POST");
    expect(query).toEqual({});
    expect(request.body).toEqual({
      grant_type: "client_credential",
      appid: "wx1",
      secret: "s3cret-value",
      force_refresh: true,
    });
  });
});

describe("component APIs", () => {
  const component = () =>
    createComponentApi(client, { componentAppId: "wxcomp", token: staticToken("component-token") });

  it("start push ticket and component token go without any token", async () => {
    const push = await seen("/cgi-bin/component/api_start_push_ticket", () =>
      component().startPushTicket("comp-secret"),
    );
    expect(push.request.method).toBe("POST");
    expect(push.query).toEqual({});
    expect(push.request.body).toEqual({ component_appid: "wxcomp", component_secret: "comp-secret" });

    wechat.requests.length = 0;
    const token = await seen(
      "/cgi-bin/component/api_component_token",
      () => component().componentToken("comp-secret", "ticket-1"),
      { component_access_token: "c", expires_in: 7200 },
    );
    expect(token.query).toEqual({});
    expect(token.request.body).toEqual({
      component_appid: "wxcomp",
      component_appsecret: "comp-secret",
      component_verify_ticket: "ticket-1",
    });
  });

  const withComponentToken: [string, (api: ReturnType<typeof component>) => Promise<unknown>, unknown][] = [
    [
      "/cgi-bin/component/api_create_preauthcode",
      (api) => api.createPreAuthCode(),
      { component_appid: "wxcomp" },
    ],
    [
      "/cgi-bin/component/api_query_auth",
      (api) => api.queryAuth("auth-code-1"),
      { component_appid: "wxcomp", authorization_code: "auth-code-1" },
    ],
    [
      "/cgi-bin/component/api_authorizer_token",
      (api) => api.authorizerToken("wxauth", "refresh-1"),
      { component_appid: "wxcomp", authorizer_appid: "wxauth", authorizer_refresh_token: "refresh-1" },
    ],
    [
      "/cgi-bin/component/api_get_authorizer_info",
      (api) => api.getAuthorizerInfo("wxauth"),
      { component_appid: "wxcomp", authorizer_appid: "wxauth" },
    ],
    [
      "/cgi-bin/component/api_get_authorizer_list",
      (api) => api.getAuthorizerList({ offset: 0, count: 100 }),
      { component_appid: "wxcomp", offset: 0, count: 100 },
    ],
  ];

  it.each(withComponentToken)(
    "%s: POST with component_access_token (not access_token)",
    async (path, call, body) => {
      const { request, query } = await seen(path, () => call(component()));
      expect(request.method).toBe("POST");
      expect(query).toEqual({ component_access_token: "component-token" });
      expect(request.body).toEqual(body);
    },
  );

  it("takes the client's own provider when none is given, still as component_access_token", async () => {
    const api = createComponentApi(client.withToken(staticToken("own-component-token")), {
      componentAppId: "wxcomp",
    });
    const { query } = await seen("/cgi-bin/component/api_create_preauthcode", () => api.createPreAuthCode());
    expect(query).toEqual({ component_access_token: "own-component-token" });
  });

  it("builds the authorization pages on the client's mp and open hosts", () => {
    const api = component();
    expect(api.loginPageUrl({ preAuthCode: "pre1", redirectUri: "https://a.example/cb" })).toBe(
      `${wechat.url}/mp/cgi-bin/componentloginpage?component_appid=wxcomp&pre_auth_code=pre1&redirect_uri=https%3A%2F%2Fa.example%2Fcb`,
    );
    expect(
      api.bindComponentUrl({ preAuthCode: "pre1", redirectUri: "https://a.example/cb", authType: 1 }),
    ).toBe(
      `${wechat.url}/open/wxaopen/safe/bindcomponent?action=bindcomponent&no_scan=1&component_appid=wxcomp&pre_auth_code=pre1&redirect_uri=https%3A%2F%2Fa.example%2Fcb&auth_type=1#wechat_redirect`,
    );
  });
});

describe("official account APIs", () => {
  const api = () => createOfficialAccountApi(client);
  const button = [{ type: "click" as const, name: "今日歌曲", key: "V1001_TODAY_MUSIC" }];

  type Case = [
    name: string,
    method: "GET" | "POST",
    path: string,
    call: (oa: ReturnType<typeof api>) => Promise<unknown>,
    body?: unknown,
    query?: Record<string, string>,
  ];

  const cases: Case[] = [
    ["menu.create", "POST", "/cgi-bin/menu/create", (oa) => oa.menu.create(button), { button }],
    ["menu.get", "GET", "/cgi-bin/menu/get", (oa) => oa.menu.get()],
    [
      "menu.getCurrentSelfMenuInfo",
      "GET",
      "/cgi-bin/get_current_selfmenu_info",
      (oa) => oa.menu.getCurrentSelfMenuInfo(),
    ],
    ["menu.delete", "GET", "/cgi-bin/menu/delete", (oa) => oa.menu.delete()],
    [
      "menu.addConditional",
      "POST",
      "/cgi-bin/menu/addconditional",
      (oa) => oa.menu.addConditional({ button, matchrule: { tag_id: "2", client_platform_type: "2" } }),
      { button, matchrule: { tag_id: "2", client_platform_type: "2" } },
    ],
    [
      "menu.delConditional",
      "POST",
      "/cgi-bin/menu/delconditional",
      (oa) => oa.menu.delConditional(208379533),
      { menuid: "208379533" },
    ],
    [
      "menu.tryMatch",
      "POST",
      "/cgi-bin/menu/trymatch",
      (oa) => oa.menu.tryMatch("weixin"),
      { user_id: "weixin" },
    ],
    [
      "qrcode.create",
      "POST",
      "/cgi-bin/qrcode/create",
      (oa) =>
        oa.qrcode.create({
          expire_seconds: 604800,
          action_name: "QR_SCENE",
          action_info: { scene: { scene_id: 123 } },
        }),
      { expire_seconds: 604800, action_name: "QR_SCENE", action_info: { scene: { scene_id: 123 } } },
    ],
    [
      "qrcode.createTemporary (string scene)",
      "POST",
      "/cgi-bin/qrcode/create",
      (oa) => oa.qrcode.createTemporary("promo", 600),
      { expire_seconds: 600, action_name: "QR_STR_SCENE", action_info: { scene: { scene_str: "promo" } } },
    ],
    [
      "qrcode.createPermanent (numeric scene)",
      "POST",
      "/cgi-bin/qrcode/create",
      (oa) => oa.qrcode.createPermanent(7),
      { action_name: "QR_LIMIT_SCENE", action_info: { scene: { scene_id: 7 } } },
    ],
    [
      "qrcode.createPermanent (string scene)",
      "POST",
      "/cgi-bin/qrcode/create",
      (oa) => oa.qrcode.createPermanent("shop-1"),
      { action_name: "QR_LIMIT_STR_SCENE", action_info: { scene: { scene_str: "shop-1" } } },
    ],
    ["user.list (first page)", "GET", "/cgi-bin/user/get", (oa) => oa.user.list()],
    [
      "user.list (next page)",
      "GET",
      "/cgi-bin/user/get",
      (oa) => oa.user.list("o-next"),
      undefined,
      { next_openid: "o-next" },
    ],
    [
      "user.info",
      "GET",
      "/cgi-bin/user/info",
      (oa) => oa.user.info("o1", "zh_CN"),
      undefined,
      { openid: "o1", lang: "zh_CN" },
    ],
    [
      "user.batchGet",
      "POST",
      "/cgi-bin/user/info/batchget",
      (oa) => oa.user.batchGet([{ openid: "o1", lang: "zh_CN" }, { openid: "o2" }]),
      { user_list: [{ openid: "o1", lang: "zh_CN" }, { openid: "o2" }] },
    ],
    [
      "tags.create",
      "POST",
      "/cgi-bin/tags/create",
      (oa) => oa.tags.create("广东"),
      { tag: { name: "广东" } },
    ],
    ["tags.list", "GET", "/cgi-bin/tags/get", (oa) => oa.tags.list()],
    [
      "tags.update",
      "POST",
      "/cgi-bin/tags/update",
      (oa) => oa.tags.update(134, "广东人"),
      { tag: { id: 134, name: "广东人" } },
    ],
    ["tags.delete", "POST", "/cgi-bin/tags/delete", (oa) => oa.tags.delete(134), { tag: { id: 134 } }],
    [
      "tags.tagUsers",
      "POST",
      "/cgi-bin/tags/members/batchtagging",
      (oa) => oa.tags.tagUsers(134, ["o1", "o2"]),
      { openid_list: ["o1", "o2"], tagid: 134 },
    ],
    [
      "tags.untagUsers",
      "POST",
      "/cgi-bin/tags/members/batchuntagging",
      (oa) => oa.tags.untagUsers(134, ["o1"]),
      { openid_list: ["o1"], tagid: 134 },
    ],
    [
      "tags.tagsOfUser",
      "POST",
      "/cgi-bin/tags/getidlist",
      (oa) => oa.tags.tagsOfUser("o1"),
      { openid: "o1" },
    ],
    [
      "tags.usersOfTag",
      "POST",
      "/cgi-bin/user/tag/get",
      (oa) => oa.tags.usersOfTag(134),
      { tagid: 134, next_openid: "" },
    ],
    [
      "message.template.send",
      "POST",
      "/cgi-bin/message/template/send",
      (oa) =>
        oa.message.template.send({
          touser: "o1",
          template_id: "tpl",
          url: "https://a.example",
          miniprogram: { appid: "wxmini", pagepath: "index" },
          data: { first: { value: "你好", color: "#173177" } },
        }),
      {
        touser: "o1",
        template_id: "tpl",
        url: "https://a.example",
        miniprogram: { appid: "wxmini", pagepath: "index" },
        data: { first: { value: "你好", color: "#173177" } },
      },
    ],
    [
      "message.template.listPrivate",
      "GET",
      "/cgi-bin/template/get_all_private_template",
      (oa) => oa.message.template.listPrivate(),
    ],
    [
      "message.template.deletePrivate",
      "POST",
      "/cgi-bin/template/del_private_template",
      (oa) => oa.message.template.deletePrivate("tpl"),
      { template_id: "tpl" },
    ],
    [
      "message.mass.sendAll (tag)",
      "POST",
      "/cgi-bin/message/mass/sendall",
      (oa) =>
        oa.message.mass.sendAll(
          { is_to_all: false, tag_id: 2 },
          { msgtype: "mpnews", mpnews: { media_id: "m1" }, send_ignore_reprint: 0 },
          { clientmsgid: "send-1" },
        ),
      {
        filter: { is_to_all: false, tag_id: 2 },
        msgtype: "mpnews",
        mpnews: { media_id: "m1" },
        send_ignore_reprint: 0,
        clientmsgid: "send-1",
      },
    ],
    [
      "message.mass.send (OpenIDs)",
      "POST",
      "/cgi-bin/message/mass/send",
      (oa) => oa.message.mass.send(["o1", "o2"], { msgtype: "text", text: { content: "hello" } }),
      { touser: ["o1", "o2"], msgtype: "text", text: { content: "hello" } },
    ],
    [
      "message.mass.preview",
      "POST",
      "/cgi-bin/message/mass/preview",
      (oa) => oa.message.mass.preview({ towxname: "wx-id" }, { msgtype: "voice", voice: { media_id: "v" } }),
      { towxname: "wx-id", msgtype: "voice", voice: { media_id: "v" } },
    ],
    [
      "message.mass.status",
      "POST",
      "/cgi-bin/message/mass/get",
      (oa) => oa.message.mass.status(201053012),
      { msg_id: "201053012" },
    ],
    [
      "message.mass.delete",
      "POST",
      "/cgi-bin/message/mass/delete",
      (oa) => oa.message.mass.delete(30124, 2),
      { msg_id: 30124, article_idx: 2 },
    ],
    [
      "message.subscribe.send",
      "POST",
      "/cgi-bin/message/subscribe/send",
      (oa) =>
        oa.message.subscribe.send({
          touser: "o1",
          template_id: "tpl",
          page: "index",
          data: { thing1: { value: "x" } },
          miniprogram_state: "trial",
          lang: "zh_CN",
        }),
      {
        touser: "o1",
        template_id: "tpl",
        page: "index",
        data: { thing1: { value: "x" } },
        miniprogram_state: "trial",
        lang: "zh_CN",
      },
    ],
    [
      "message.subscribe.templates",
      "GET",
      "/wxaapi/newtmpl/gettemplate",
      (oa) => oa.message.subscribe.templates(),
    ],
    ["quota.clear", "POST", "/cgi-bin/clear_quota", (oa) => oa.quota.clear("wx1"), { appid: "wx1" }],
    [
      "quota.get",
      "POST",
      "/cgi-bin/openapi/quota/get",
      (oa) => oa.quota.get("/cgi-bin/message/custom/send"),
      { cgi_path: "/cgi-bin/message/custom/send" },
    ],
    [
      "quota.rid",
      "POST",
      "/cgi-bin/openapi/rid/get",
      (oa) => oa.quota.rid("61f0e3a2-1"),
      { rid: "61f0e3a2-1" },
    ],
  ];

  it.each(cases)("%s: %s %s", async (_name, method, path, call, body, query = {}) => {
    const seenRequest = await seen(path, () => call(api()));
    expect(seenRequest.request.method).toBe(method);
    expect(seenRequest.query).toEqual({ ...query, access_token: "account-token" });
    expect(seenRequest.request.body).toEqual(body);
  });

  const custom: [string, ReturnType<typeof customMessage.text>][] = [
    ["text", customMessage.text("你好")],
    ["image", customMessage.image("img-1")],
    ["voice", customMessage.voice("voice-1")],
    ["video", customMessage.video({ media_id: "v", thumb_media_id: "t", title: "T", description: "D" })],
    [
      "music",
      customMessage.music({
        title: "M",
        description: "D",
        musicurl: "u",
        hqmusicurl: "hq",
        thumb_media_id: "t",
      }),
    ],
    ["news", customMessage.news([{ title: "T", description: "D", url: "https://a.example", picurl: "p" }])],
    ["mpnews", customMessage.mpnews("m")],
    ["mpnewsarticle", customMessage.mpnewsArticle("article-1")],
    [
      "msgmenu",
      customMessage.msgmenu({
        head_content: "您对本次服务是否满意呢?",
        list: [
          { id: "101", content: "满意" },
          { id: "102", content: "不满意" },
        ],
        tail_content: "欢迎再次光临",
      }),
    ],
    ["wxcard", customMessage.wxcard("card-1")],
    [
      "miniprogrampage",
      customMessage.miniprogrampage({
        title: "T",
        appid: "wxmini",
        pagepath: "pages/index",
        thumb_media_id: "t",
      }),
    ],
  ];

  it.each(custom)("message.custom.sendTo %s: the msgtype and its object", async (msgtype, content) => {
    const { request } = await seen("/cgi-bin/message/custom/send", () =>
      api().message.custom.sendTo("o1", content, "kf2001@gh_test"),
    );
    expect(request.method).toBe("POST");
    const body = request.body as Record<string, unknown>;
    expect(body.touser).toBe("o1");
    expect(body.msgtype).toBe(msgtype);
    expect(body[msgtype]).toEqual((content as unknown as Record<string, unknown>)[msgtype]);
    expect(body.customservice).toEqual({ kf_account: "kf2001@gh_test" });
  });

  it("message.custom.send posts the message as given", async () => {
    const { request } = await seen("/cgi-bin/message/custom/send", () =>
      api().message.custom.send({ touser: "o1", msgtype: "text", text: { content: "hi" } }),
    );
    expect(request.rawBody).toBe('{"touser":"o1","msgtype":"text","text":{"content":"hi"}}');
  });

  it("qrcode.showUrl and image use the mp host, with the ticket URL-encoded", async () => {
    const ticket =
      "gQH47joAAAAAAAAAASxodHRwOi8vd2VpeGluLnFxLmNvbS9xL2taZ2Z3TVRtNzJXV1Brb3ZhYmJJAAIEZ23sUwMEmm3sUw==";
    expect(api().qrcode.showUrl("a+b/c=")).toBe(`${wechat.url}/mp/cgi-bin/showqrcode?ticket=a%2Bb%2Fc%3D`);
    wechat.on("/mp/cgi-bin/showqrcode", { bytes: Buffer.from([1, 2, 3]), contentType: "image/jpeg" });
    const image = await api().qrcode.image(ticket);
    expect([...image.body]).toEqual([1, 2, 3]);
    expect(wechat.requests[0]?.query.get("ticket")).toBe(ticket);
    expect(wechat.requests[0]?.query.has("access_token")).toBe(false);
  });
});

describe("mass send retries", () => {
  it("does not retry a busy sendall without clientmsgid, but does with one", async () => {
    const sleeps: number[] = [];
    const busyClient = new WeChatClient({
      endpoints: { api: `${wechat.url}/sandbox` },
      token: staticToken("account-token"),
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    wechat.on("/sandbox/cgi-bin/message/mass/sendall", { json: { errcode: -1, errmsg: "system error" } });
    const mass = createOfficialAccountApi(busyClient).message.mass;
    const content = { msgtype: "text" as const, text: { content: "hi" } };
    await expect(mass.sendAll({ is_to_all: true }, content)).rejects.toMatchObject({ errcode: -1 });
    expect(wechat.requests).toHaveLength(1);
    wechat.requests.length = 0;
    await expect(mass.sendAll({ is_to_all: true }, content, { clientmsgid: "c1" })).rejects.toMatchObject({
      errcode: -1,
    });
    expect(wechat.requests).toHaveLength(3);
    expect(sleeps).toEqual([200, 400]);
  });
});
