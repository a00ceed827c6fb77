import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { ControllableClock, createEmulator, type DemoIds, type RunningEmulator } from "@wxgate/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizeThroughPage } from "./authorization-page.js";
import { bundleEntry } from "./support/cli.js";

/**
 * The issue's proof of crash safety: a 20,000-recipient template campaign, the server killed
 * with SIGKILL at random moments (three times) and started again on the same store, must end
 * with every recipient's inbox holding the message exactly once — and the rows, their msgids
 * and the campaign's statistics agreeing with the inboxes.
 *
 * The server runs in its own process (every module of the registry, as `wxgate start` runs
 * them); the emulated WeChat runs in this one, so its inboxes outlive each kill. The emulator's
 * clock moves only while the server runs: receipts (TEMPLATESENDJOBFINISH, three emulated
 * seconds after a send) are pushed while someone is there to receive them, as WeChat's retries
 * of a failed push would deliver them after a restart; each kill waits for the pushes in
 * flight to be answered.
 */

const RECIPIENTS = 20_000;
const KILLS = 3;

/** A deterministic sequence of "random" moments, from a seed printed with any failure. */
function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function buildServerEntry(): Promise<string> {
  return bundleEntry("test/support/remote-emulator-server.ts", "crash");
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createNetServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
  apiKey: string | undefined;
}

interface RecipientRow {
  openId: string;
  status: string;
  msgid: string | null;
  attempts: number;
  reason: string | null;
  receipt: string | null;
}

interface Progress {
  total: number;
  byStatus: Record<"pending" | "sending" | "sent" | "failed" | "skipped", number>;
  receipts: { confirmed: number; failed: number };
}

describe("a template campaign through SIGKILLs", () => {
  let entry: string;
  let emulator: RunningEmulator;
  let clock: ControllableClock;
  let dataDir: string;
  let running: Running | undefined;

  beforeAll(async () => {
    entry = await buildServerEntry();
  }, 60_000);

  afterAll(async () => {
    running?.child.kill("SIGKILL");
    await running?.exited;
    await emulator?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (entry) rmSync(dirname(entry), { recursive: true, force: true });
  });

  it("sends each of 20,000 recipients the message exactly once; rows and statistics agree with the inboxes", async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
    const random = prng(seed);
    const context = `seed ${seed}`;
    // WeChat's time starts at the server's: pushes carry timestamps the server checks.
    clock = new ControllableClock({ frozen: true, start: Date.now() });
    emulator = await createEmulator({ seed: "campaigns-crash", preset: "demo", clock });
    const demo = emulator.world.state.extensions.demo as DemoIds;
    const appId = demo.serviceAppId;
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const platform = emulator.world.platform(demo.componentAppId)!;
    platform.authEventUrl = `${url}/wechat/component`;
    platform.messageUrl = `${url}/wechat/accounts/$APPID$/callback`;
    dataDir = mkdtempSync(join(tmpdir(), "wxgate-campaigns-crash-"));
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      WXGATE_DATA_DIR: dataDir,
      WXGATE_HOST: "127.0.0.1",
      WXGATE_PORT: String(port),
      WXGATE_MODE: "sandbox",
      WXGATE_LOG_LEVEL: "info",
      WXGATE_NEW_DEVICE_VERIFICATION: "false",
      WXGATE_CAMPAIGN_CLAIM_SECONDS: "1",
      WXGATE_CAMPAIGN_IN_FLIGHT: "32",
      // A receipt that comes after the wait finds its row sent again: the wait must outlast the
      // receipts queued behind the campaign's sends. They took up to 3.5 s with two other
      // processes busy on this machine's two cores (the suite running two files at a time).
      WXGATE_CAMPAIGN_RECEIPT_WAIT_SECONDS: "20",
      REMOTE_EMULATOR_URL: emulator.baseUrls.api,
      REMOTE_EMULATOR_PLATFORM: JSON.stringify({
        componentAppId: platform.componentAppId,
        secret: platform.secret,
        token: platform.token,
        encodingAESKey: platform.encodingAESKey,
      }),
    };

    // WeChat's time moves while the server runs (receipts fall due), and stands still while it is down.
    let ticker: NodeJS.Timeout | undefined;
    const tick = (on: boolean) => {
      clearInterval(ticker);
      // Five times faster than real time: a receipt comes within a second, well inside the
      // server's wait for the receipt of a row whose answer was lost (a busy event loop fires
      // the timer late, and WeChat's time must not fall behind the server's wait).
      ticker = on ? setInterval(() => clock.advance(500), 100) : undefined;
    };

    const start = async (): Promise<Running> => {
      const child = spawn(process.execPath, [entry], { env, stdio: ["ignore", "pipe", "pipe"] });
      let apiKey: string | undefined;
      const errors: string[] = [];
      child.stderr!.on("data", (chunk: Buffer) => errors.push(chunk.toString("utf8")));
      const exited = new Promise<void>((done) => child.once("exit", () => done()));
      await new Promise<void>((ready, fail) => {
        createInterface({ input: child.stdout! }).on("line", (line) => {
          if (line.startsWith("API_KEY ")) apiKey = line.slice("API_KEY ".length);
          if (line.startsWith("READY ")) ready();
        });
        void exited.then(() => fail(new Error(`the server exited before it was ready: ${errors.join("")}`)));
      });
      tick(true);
      return { child, exited, apiKey };
    };

    running = await start();
    const apiKey = running.apiKey!;
    const api = async <T>(
      method: string,
      path: string,
      body?: unknown,
    ): Promise<{ status: number; body: T }> => {
      const response = await fetch(`${url}/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${apiKey}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
    };
    const ok = <T>(answer: { status: number; body: T }, what: string) => {
      if (answer.status >= 300) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body;
    };

    // The account, authorized through the platform's pages, its followers synced.
    const ticket = await emulator.control.component.pushTicket(demo.componentAppId);
    expect(ticket.push.outcome).toBe("success");
    const link = ok(await api<{ pcUrl: string }>("POST", "/authorizations", {}), "authorization link");
    expect((await authorizeThroughPage({ pcUrl: link.pcUrl, appId })).status).toBe(200);
    await emulator.control.push.idle();
    ok(await api("PUT", `/accounts/${appId}/openid-mapping`, { property: "wechat_openid" }), "mapping");
    ok(await api("POST", `/accounts/${appId}/enable`), "enable");
    const own = emulator.control.followers(appId, { subscribed: true }).total;
    // Stored followers, not a crowd: their inboxes keep every message with its msgid, which the
    // rows are compared with (a crowd's deliveries are only counted).
    emulator.control.createFollowers(appId, RECIPIENTS - own);
    ok(await api("POST", `/accounts/${appId}/followers/sync`), "sync");
    for (let i = 0; i < 600; i++) {
      const sync = await api<{ state: string }>("GET", `/accounts/${appId}/followers/sync`);
      if (sync.body.state === "done") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(
      (await api<{ state: string; done: number }>("GET", `/accounts/${appId}/followers/sync`)).body,
    ).toMatchObject({
      state: "done",
      done: RECIPIENTS,
    });

    const { templateId } = emulator.control.apis.addTemplate(appId, {
      content: "{{first.DATA}}\n活动：{{keyword1.DATA}}\n{{remark.DATA}}",
    });
    ok(
      await api("PUT", `/accounts/${appId}/campaigns/settings`, {
        approvalRequired: false,
        sendsPerSecond: 1000,
      }),
      "settings",
    );
    const campaign = ok(
      await api<{ id: string }>("POST", `/accounts/${appId}/campaigns`, {
        name: "双十一提醒",
        channel: "template",
        audience: { kind: "all" },
        content: {
          channel: "template",
          templateId,
          data: { first: { value: "您好" }, keyword1: { value: "crash-proof" }, remark: { value: "谢谢" } },
        },
      }),
      "create",
    );
    const progress = async () =>
      ok(await api<Progress>("GET", `/campaigns/${campaign.id}/progress`), "progress");
    ok(await api("POST", `/campaigns/${campaign.id}/submit`), "submit");

    // Killed at random moments while it sends, started again each time on the same store.
    const killedAt: number[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      await new Promise((r) => setTimeout(r, 800 + random() * 2500));
      const before = await progress();
      expect(before.byStatus.sent, `${context}: the campaign ended before kill ${kill + 1}`).toBeLessThan(
        RECIPIENTS,
      );
      tick(false);
      await emulator.control.push.idle();
      running.child.kill("SIGKILL");
      await running.exited;
      killedAt.push(before.byStatus.sent);
      running = await start();
    }

    let last = await progress();
    for (
      let i = 0;
      i < 900 && last.byStatus.sent + last.byStatus.failed + last.byStatus.skipped < RECIPIENTS;
      i++
    ) {
      await new Promise((r) => setTimeout(r, 100));
      last = await progress();
    }
    // Every receipt falls due and is pushed.
    for (let i = 0; i < 600 && last.receipts.confirmed < last.byStatus.sent; i++) {
      await new Promise((r) => setTimeout(r, 100));
      last = await progress();
    }
    // The inboxes against the audience: nobody missing, nobody twice.
    const audience = emulator.control
      .followers(appId, { subscribed: true, limit: RECIPIENTS * 2 })
      .followers.map((f) => f.openId);
    expect(audience).toHaveLength(RECIPIENTS);
    const received = new Map<string, string[]>();
    for (const openId of audience) {
      received.set(
        openId,
        emulator.control.apis
          .inbox(appId, openId)
          .filter((item) => item.via === "template" && JSON.stringify(item.content).includes("crash-proof"))
          .map((item) => item.msgId ?? ""),
      );
    }
    const missing = audience.filter((openId) => received.get(openId)!.length === 0);
    const duplicated = audience.filter((openId) => received.get(openId)!.length > 1);
    expect({ missing: missing.length, duplicated: duplicated.length }, context).toEqual({
      missing: 0,
      duplicated: 0,
    });

    // The rows: each sent once, with the msgid its inbox item carries; the statistics the same.
    const rows = new Map<
      string,
      {
        status: string;
        msgid: string | null;
        attempts: number;
        reason: string | null;
        receipt: string | null;
      }
    >();
    let cursor: string | null = null;
    do {
      const page: {
        items: RecipientRow[];
        nextCursor: string | null;
      } = ok(
        await api<{
          items: RecipientRow[];
          nextCursor: string | null;
        }>("GET", `/campaigns/${campaign.id}/recipients?limit=200${cursor ? `&cursor=${cursor}` : ""}`),
        "recipients",
      );
      for (const item of page.items) rows.set(item.openId, item);
      cursor = page.nextCursor;
    } while (cursor);
    expect(rows.size).toBe(RECIPIENTS);
    // How the kills were handled: rows whose call WeChat took but whose answer died with the
    // server (resolved by their receipt), and rows claimed but not called (sent once the wait
    // for a receipt ran out). Every kill while sending leaves some.
    const all = [...rows.values()];
    const answerLost = all.filter((r) => r.reason === "answer_lost").length;
    const sentAgain = all.filter((r) => r.attempts > 1).length;
    console.info(
      `${context}: killed with ${killedAt.join(", ")} rows sent; ${answerLost} rows whose answer was lost ` +
        `were resolved by their receipt, ${sentAgain} rows claimed but not called were sent after the wait`,
    );
    expect(answerLost + sentAgain, context).toBeGreaterThan(0);
    const disagreeing = audience.filter((openId) => {
      const row = rows.get(openId);
      return row?.status !== "sent" || row.msgid !== received.get(openId)![0];
    });
    expect(disagreeing.slice(0, 5), context).toEqual([]);
    expect(last, context).toMatchObject({
      total: RECIPIENTS,
      byStatus: { pending: 0, sending: 0, sent: RECIPIENTS, failed: 0, skipped: 0 },
      receipts: { confirmed: RECIPIENTS, failed: 0 },
    });
    // The progress' counters, kept through the kills, equal a count of the rows themselves.
    const counted = { pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0 };
    for (const row of all) counted[row.status as keyof typeof counted]++;
    expect(last.byStatus, context).toEqual(counted);
    expect(last.receipts.confirmed, context).toBe(all.filter((r) => r.receipt === "confirmed").length);
    const view = ok(await api<{ status: string }>("GET", `/campaigns/${campaign.id}`), "campaign");
    expect(view.status).toBe("completed");
    tick(false);
  }, 180_000);
});
