import { describe, expect, it } from "vitest";
import { authorizeByApi, demoAccount, type Summary } from "./support/accounts.js";
import { auditScreen, tick, WatchedPage } from "./support/browser.js";
import { type RunningServer, startServer } from "./support/server.js";
import { signInThroughPage } from "./support/session.js";
import { consoleSuite } from "./support/suite.js";

const t = consoleSuite();

/** Signs in over HTTP; the answer's status. */
async function signInStatus(server: RunningServer, username: string, password: string): Promise<number> {
  const response = await fetch(`${server.url}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  await response.body?.cancel();
  return response.status;
}

/** Adds a user whose role is member, with a known password (as the owner, over the API). */
async function addMember(server: RunningServer, username: string): Promise<string> {
  const password = `${username}-password-0123`;
  const created = await server.api("POST", "/admins", { username, password, role: "member" });
  expect(created.status).toBe(201);
  return password;
}

/** A member's own browser: signs in through the page, lands on the accounts screen. */
async function memberPage(server: RunningServer, username: string, password: string): Promise<WatchedPage> {
  const watched = await WatchedPage.open(t.browser, server.url);
  watched.expect({ method: "GET", path: "/api/v1/session", status: 401 });
  await watched.goto("/signin");
  await watched.page.getByLabel(/^(用户名|Username)$/).fill(username);
  await watched.page.getByLabel(/^(密码|Password)$/).fill(password);
  await watched.page.getByRole("button", { name: /^(登录|Sign in)$/ }).click();
  await watched.page.waitForURL(/\/accounts$/);
  return watched;
}

describe("团队 (the team screen)", () => {
  it("adds a member user, changes their role, and disables them", { timeout: 240_000 }, async () => {
    t.server = await startServer();
    t.watched = await WatchedPage.open(t.browser, t.server.url);
    const { page } = t.watched;
    await signInThroughPage(t.watched, t.server);
    await page.getByRole("link", { name: "团队" }).click();
    await page.getByRole("heading", { level: 1, name: "团队" }).waitFor();

    // A member, with a display name and an e-mail; the password is generated and shown once.
    await page.getByRole("button", { name: "添加用户" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("用户名").fill("alice");
    await expect(dialog.getByRole("radio", { name: "成员" }).isChecked()).resolves.toBe(true);
    await dialog.getByLabel("显示名称").fill("Alice Wang");
    await dialog.getByLabel("电子邮箱").fill("not-an-address");
    await dialog.getByRole("button", { name: "确定" }).click();
    await dialog.getByText("请输入有效的电子邮箱。").waitFor();
    await dialog.getByLabel("电子邮箱").fill("alice@example.com");
    await dialog.getByRole("button", { name: "确定" }).click();
    const password = (await page.getByTestId("secret").textContent()) ?? "";
    expect(password).toMatch(/^[\w-]{24}$/);
    await page.getByRole("button", { name: "我已保存" }).click();
    await page.getByText("已添加用户“alice”。").waitFor();
    const row = page.getByRole("row", { name: /alice/ });
    await row.getByText("Alice Wang").waitFor();
    await row.getByText("成员", { exact: true }).waitFor();
    await row.getByText("alice@example.com").waitFor();
    await page.getByText("已添加用户“alice”。").waitFor({ state: "detached" });
    await auditScreen(t.watched, "team");

    // The owner's own row: its role and access never change, in the server's words.
    const own = page.getByRole("row", { name: /（你）/ });
    await expect(own.getByRole("button", { name: "停用" }).isDisabled()).resolves.toBe(true);
    await expect(own.locator("[data-reason]").first().getAttribute("data-reason")).resolves.toBe(
      "所有者的角色和访问权限不能更改。",
    );

    // Alice becomes an administrator.
    const openEdit = async () => {
      await page
        .getByRole("row", { name: /alice/ })
        .getByRole("button", { name: /^(编辑|Edit)$/ })
        .click();
      await page
        .getByRole("dialog")
        .getByRole("radio", { name: /^(管理员|Administrator)$/ })
        .waitFor();
    };
    await openEdit();
    await auditScreen(t.watched, "team-edit", openEdit);
    await tick(page, dialog.getByRole("radio", { name: "管理员" }));
    await dialog.getByRole("button", { name: "确定" }).click();
    await page.getByText("已保存“alice”。").waitFor();
    await row.getByText("管理员", { exact: true }).waitFor();
    const users = await t.server.api<{ items: { username: string; role: string }[] }>("GET", "/admins");
    expect(users.body.items.find((u) => u.username === "alice")?.role).toBe("admin");
    expect(await signInStatus(t.server, "alice", password)).toBe(200);

    // Disabled: asked first, their sessions end, their sign-ins are refused.
    await row.getByRole("button", { name: "停用" }).click();
    const confirm = page.locator(".ant-modal-confirm");
    await confirm
      .locator(".ant-modal-confirm-title", { hasText: "停用“alice”？其所有登录会话立即结束" })
      .waitFor();
    await confirm.getByRole("button", { name: "停用" }).click();
    await page.getByText("已停用“alice”，结束了 1 个登录会话。").waitFor();
    await row.getByText("已停用").waitFor();
    await row.getByRole("button", { name: "启用" }).waitFor();
    expect(await signInStatus(t.server, "alice", password)).toBe(403);

    // The departments tab: one holding no account yet.
    await page.getByRole("tab", { name: "部门（分级管理员）" }).click();
    await page.getByRole("button", { name: "新建部门" }).click();
    await dialog.getByLabel("部门名称").fill("华东");
    await dialog.getByRole("button", { name: "确定" }).click();
    await page.getByText("已保存部门“华东”。").waitFor();
    await page.getByRole("cell", { name: "华东", exact: true }).waitFor();
    t.watched.assertClean();
  });

  it("invites a member to one account: the member sees the invitation, accepts it and then sees only that account; the sixth long-term operator is refused with the limit", {
    timeout: 300_000,
  }, async () => {
    t.server = await startServer();
    const server = t.server;
    const summary = await server.control<Summary>("GET", "/summary");
    const service = await demoAccount(server);
    const other = summary.accounts.find((a) => a.appId !== service.appId && a.kind !== "miniprogram")!;
    await authorizeByApi(server, service.appId);
    await authorizeByApi(server, other.appId);
    const bobPassword = await addMember(server, "bob");

    t.watched = await WatchedPage.open(t.browser, server.url);
    const { page } = t.watched;
    await signInThroughPage(t.watched, server);
    await t.watched.goto(`/accounts/${service.appId}`);
    await page.getByRole("tab", { name: "成员" }).click();
    // The owner holds the super admin role of an account the platform's flow connected.
    await page.getByTestId("super-admin").getByText("（默认由所有者担任）").waitFor();
    await page.getByTestId("member-limits").getByText("长期运营者 0/5 人").waitFor();
    await auditScreen(t.watched, "account-members", async () => {
      await page.getByTestId("member-limits").waitFor();
    });

    const invite = async (username: string) => {
      await page.getByRole("button", { name: "邀请运营者" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("用户名").fill(username);
      await tick(page, dialog.getByRole("checkbox", { name: "账号设置" }));
      await dialog.getByRole("button", { name: "确定" }).click();
    };
    await invite("bob");
    await page.getByText("已邀请“bob”，等待对方接受。").waitFor();
    const bobRow = page.getByRole("row", { name: /bob/ });
    await bobRow.getByText("待接受").waitFor();
    await bobRow.getByText("2/11 项").waitFor();

    // Four more long-term operators (invitations count); the sixth is refused, with the limit.
    for (const name of ["carol", "dave", "erin", "frank", "grace"]) await addMember(server, name);
    for (const name of ["carol", "dave", "erin", "frank"]) {
      const invited = await server.api("POST", `/accounts/${service.appId}/members`, {
        username: name,
        kind: "long_term",
      });
      expect(invited.status).toBe(201);
    }
    t.watched.expect({ method: "POST", path: `/api/v1/accounts/${service.appId}/members`, status: 409 });
    await invite("grace");
    await page
      .getByRole("dialog")
      .getByRole("alert")
      .getByText("该账号的长期运营者已达上限 5 人（邀请中的也计入）。")
      .waitFor();
    await page.getByRole("dialog").getByRole("button", { name: "取消" }).click();

    // Bob signs in: no account yet, one invitation waiting.
    const bob = await memberPage(server, "bob", bobPassword);
    try {
      const bobPage = bob.page;
      await bobPage.getByText("你还没有可以运营的账号").waitFor();
      const nav = bobPage.getByRole("navigation");
      for (const hidden of ["团队", "API 密钥", "审计日志", "设置"])
        await expect(nav.getByRole("link", { name: hidden }).count()).resolves.toBe(0);
      await nav.getByRole("link", { name: /^邀请\s*（1 个待处理）$/ }).click();
      await bobPage.getByRole("heading", { level: 1, name: "我的邀请" }).waitFor();
      const invitation = bobPage.getByRole("row", { name: new RegExp(service.appId) });
      await invitation.getByText("长期运营者").waitFor();
      await auditScreen(bob, "invitations");
      await invitation.getByRole("button", { name: "接受" }).click();
      await bobPage.getByText(`已接受：现在可以运营 ${service.appId}。`).first().waitFor();
      await nav.getByRole("link", { name: "邀请", exact: true }).waitFor();

      // Only that account.
      await nav.getByRole("link", { name: "授权账号" }).click();
      await bobPage.getByRole("link", { name: service.nickname }).first().waitFor();
      await expect(bobPage.getByText(other.nickname).count()).resolves.toBe(0);
      await expect(bobPage.getByTestId("authorize").count()).resolves.toBe(0);
      bob.expect({ method: "GET", path: `/api/v1/accounts/${other.appId}`, status: 403 });
      await bob.goto(`/accounts/${other.appId}`);
      await bobPage.getByText("你无权操作这个账号。").waitFor();
      bob.assertClean();
    } finally {
      await bob.close();
    }
    await page.reload({ waitUntil: "networkidle" });
    await page.getByRole("row", { name: /bob/ }).getByText("已接受").waitFor();
    t.watched.assertClean();
  });

  it("turns a member's switch off: the member's refused operation is told in words, and that part is no longer shown", {
    timeout: 300_000,
  }, async () => {
    t.server = await startServer();
    const server = t.server;
    const service = await demoAccount(server);
    await authorizeByApi(server, service.appId);
    const password = await addMember(server, "bob");
    const invited = await server.api("POST", `/accounts/${service.appId}/members`, {
      username: "bob",
      kind: "short_term",
      switches: ["account.view", "account.settings"],
    });
    expect(invited.status).toBe(201);

    const bob = await memberPage(server, "bob", password);
    t.watched = bob;
    const { page } = bob;
    await page.getByRole("link", { name: /^邀请\s*（1 个待处理）$/ }).click();
    await page.getByRole("button", { name: "接受" }).click();
    await page.getByRole("link", { name: "打开账号" }).click();
    await page.getByRole("heading", { level: 1, name: service.nickname }).waitFor();
    const actions = page.getByTestId("account-actions");
    const refresh = actions.getByRole("button", { name: "从微信刷新信息" });
    await refresh.waitFor();
    // A short-term operator: the access ends by itself (30 days after accepting).
    await page.getByRole("tab", { name: "成员" }).click();
    const mine = page.getByRole("row", { name: /bob/ });
    await mine.getByText("短期运营者").waitFor();
    await expect(mine.getByRole("cell").nth(3).textContent()).resolves.toMatch(/^\d{4}-\d{2}-\d{2} /);
    // An operator changes no one's membership: shown disabled, in words.
    await expect(page.getByRole("button", { name: "邀请运营者" }).isDisabled()).resolves.toBe(true);
    await page.getByRole("tab", { name: "概览" }).click();

    // The owner turns bob's "account settings" off in the members tab.
    const owner = await WatchedPage.open(t.browser, server.url);
    try {
      await signInThroughPage(owner, server);
      await owner.goto(`/accounts/${service.appId}?tab=members`);
      const openSwitches = async () => {
        await owner.page
          .getByRole("row", { name: /bob/ })
          .getByRole("button", { name: /^(权限开关|Switches)$/ })
          .click();
        await owner.page.getByTestId("switches").waitFor();
      };
      await openSwitches();
      await auditScreen(owner, "member-switches", openSwitches);
      const settings = owner.page.getByRole("switch", { name: "账号设置" });
      await expect(settings.isChecked()).resolves.toBe(true);
      await settings.click();
      await owner.page.getByText("已更新“bob”的权限。").waitFor();
      await expect(settings.isChecked()).resolves.toBe(false);
      owner.assertClean();
    } finally {
      await owner.close();
    }
    const members = await server.api<{ items: { username: string; switches: string[] }[] }>(
      "GET",
      `/accounts/${service.appId}/members`,
    );
    expect(members.body.items.find((m) => m.username === "bob")?.switches).toEqual(["account.view"]);

    // Bob's page still shows the button: the server refuses, the console says why, and the
    // part is gone once the console reads again what bob may do.
    bob.expect({ method: "POST", path: `/api/v1/accounts/${service.appId}/refresh-info`, status: 403 });
    await refresh.click();
    await page.getByText("你在这个账号上的这项权限未开启。").waitFor();
    await refresh.waitFor({ state: "detached" });
    await page.reload({ waitUntil: "networkidle" });
    await page.getByRole("heading", { level: 1, name: service.nickname }).waitFor();
    await expect(actions.getByRole("button").count()).resolves.toBe(0);
    await expect(page.getByLabel(/^(OpenID 对应的属性字段)$/).count()).resolves.toBe(0);
    bob.assertClean();
  });
});
