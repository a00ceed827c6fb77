// Requests per second the emulator serves for `message/template/send` — the whole path: route
// machinery (faults, JSON body, token check, permission rule, daily quota), the handler
// (follower, template, inbox, job queue), the request log, and the TEMPLATESENDJOBFINISH
// outcomes a few seconds later. The emulator runs in this process (one Node thread, so one
// core); autocannon loads it from a child process, on the machine's other core.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { cpus, loadavg } from "node:os";
import { createEmulator } from "@wxgate/emulator";
import { format } from "./lib/measure.mjs";
import { writeSection } from "./lib/section.mjs";

const require = createRequire(import.meta.url);
const autocannonBin = require.resolve("autocannon/autocannon.js");

const CONNECTIONS = 64;
const PIPELINING = 1;
const WARMUP_S = 3;
const DURATION_S = 10;
const TARGET = 10_000;

const emu = await createEmulator({
  seed: "bench",
  // The default 100,000 sends a day would end a 10-second run at this rate.
  limits: { "/cgi-bin/message/template/send": 1_000_000_000 },
});
const account = emu.control.createAccount({ kind: "service" });
const [follower] = emu.control.createFollowers(account.appId, 1);
const template = emu.control.apis.addTemplate(account.appId);
const tokenAnswer = await fetch(
  `${emu.baseUrls.api}/cgi-bin/token?grant_type=client_credential&appid=${account.appId}&secret=${account.secret}`,
).then((r) => r.json());
const url = `${emu.baseUrls.api}/cgi-bin/message/template/send?access_token=${tokenAnswer.access_token}`;
const body = JSON.stringify({
  touser: follower.openId,
  template_id: template.templateId,
  url: "https://example.com/orders/20240101001",
  data: {
    first: { value: "您的订单已发货", color: "#173177" },
    keyword1: { value: "20240101001" },
    keyword2: { value: "顺丰速运 SF1234567890" },
    remark: { value: "点击查看物流详情" },
  },
});

const check = await fetch(url, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body,
}).then((r) => r.json());
if (check.errcode !== 0) throw new Error(`template/send failed before the run: ${JSON.stringify(check)}`);

/** Runs autocannon in a child process and returns its JSON result. */
function load(seconds) {
  return new Promise((resolve, reject) => {
    const args = [
      autocannonBin,
      "-j",
      "-c",
      String(CONNECTIONS),
      "-p",
      String(PIPELINING),
      "-d",
      String(seconds),
    ];
    args.push("-m", "POST", "-H", "content-type=application/json", "-b", body, url);
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited with ${code}`));
      resolve(JSON.parse(out));
    });
  });
}

await load(WARMUP_S);
const loadBefore = loadavg()[0];
const logBefore = emu.world.state.requestLog.length;
const cpuStart = process.cpuUsage();
const wallStart = performance.now();
const result = await load(DURATION_S);
const cpu = process.cpuUsage(cpuStart);
const wallS = (performance.now() - wallStart) / 1000;
const cpuS = (cpu.user + cpu.system) / 1e6;

// Every answer must be a success: a rate made of errors would mean nothing.
const recent = emu.world.state.requestLog.slice(
  -Math.min(5_000, emu.world.state.requestLog.length - logBefore),
);
const failures = recent.filter((entry) => entry.errcode !== 0).length;
if (failures > 0 || result.non2xx > 0 || result.errors > 0) {
  throw new Error(
    `failed answers during the run: ${failures} errcodes, ${result.non2xx} non-2xx, ${result.errors} errors`,
  );
}
const perSecond = result.requests.average;
const perCpuSecond = result.requests.total / cpuS;
const events = emu.control.apis.events(account.appId).length;
await emu.close();

console.log(
  `template/send: ${format(perSecond)} req/s (p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms), ${format(perCpuSecond)} per CPU-second of the emulator`,
);

writeSection(
  "emulator",
  "Emulator: message/template/send under load",
  `
The emulator (built package, one Node process, so one core) answers \`POST /cgi-bin/message/template/send\`
for one verified service account: faults check, JSON body, access-token check, permission rule, daily quota,
follower and template lookup, inbox delivery, outcome job queued, request log. Load from autocannon in a
child process: ${CONNECTIONS} connections, ${DURATION_S} s after a ${WARMUP_S} s warm-up. Every answer was checked to be
\`errcode 0\`; the TEMPLATESENDJOBFINISH outcomes ran during the run (${format(events)} kept for the control API).

| figure | value |
| --- | ---: |
| requests/s (mean over the run) | **${format(perSecond)}** |
| requests in ${DURATION_S} s | ${format(result.requests.total)} |
| latency p50 / p99 | ${result.latency.p50} ms / ${result.latency.p99} ms |
| emulator CPU during the run | ${cpuS.toFixed(1)} s of ${wallS.toFixed(1)} s |
| requests per CPU-second of the emulator | ${format(perCpuSecond)} |

Target: ≥ ${format(TARGET)} requests/s on one core — ${perSecond >= TARGET ? "met" : "**not met**"}. The machine's load average was
${loadBefore.toFixed(1)} when the run started (other work shares its ${cpus().length} cores, and autocannon needs one): requests per
CPU-second of the emulator is the figure least moved by that.
`,
);
