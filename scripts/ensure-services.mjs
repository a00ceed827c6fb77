// Makes sure the services the contract tests talk to are up before the tests run:
// PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379. Starts a stopped one with the
// machine's own service commands; says plainly what it could not do.
import { execSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { connect } from "node:net";

function reachable(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

async function waitFor(port, seconds) {
  for (let i = 0; i < seconds * 4; i++) {
    if (await reachable(port)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

function run(command) {
  try {
    execSync(command, { stdio: "ignore", timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

const services = [
  {
    name: "PostgreSQL",
    port: 5432,
    start() {
      if (!existsSync("/etc/postgresql")) return false;
      const versions = readdirSync("/etc/postgresql");
      return versions.some((v) => run(`pg_ctlcluster --skip-systemctl-redirect ${v} main start`));
    },
  },
  {
    name: "Redis",
    port: 6379,
    start() {
      return run(
        'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /tmp',
      );
    },
  },
];

for (const service of services) {
  if (await reachable(service.port)) continue;
  console.log(`${service.name} is not answering on 127.0.0.1:${service.port}; starting it`);
  service.start();
  if (!(await waitFor(service.port, 20))) {
    console.log(`${service.name} could not be started; its contract tests will fail`);
  }
}
