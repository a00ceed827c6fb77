// The built server in the bench's own process, in sandbox mode, with WeChat being the emulator
// in another process (as WeChat is another machine): one account connected directly (AppID and
// AppSecret, no platform), verified, its OpenID mapping set and enabled — driven over the HTTP
// API with an administrator's key.
import { createLogger, createServer } from "../../packages/server/dist/index.js";

/**
 * One API call to the server at `url` with the key `key`: the JSON answer (undefined for a 204);
 * throws with the answer when it is not 2xx.
 * @param {string} url
 * @param {string} key
 */
export function adminCall(url, key) {
  return async (method, path, body) => {
    const response = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.status === 204 ? undefined : response.json();
  };
}

/**
 * @param {object} config the server's configuration (`loadConfig`)
 * @param {{ appId: string, secret: string, baseUrls: object }} wechat the emulator's account and addresses
 */
export async function serveDirectAccount(config, wechat) {
  // BENCH_LOG=debug shows the server's log (on stderr).
  const level = process.env.BENCH_LOG ?? "silent";
  const server = await createServer({ config, logger: createLogger({ level, destination: process.stderr }) });
  await server.app.listen({ host: "127.0.0.1", port: 0 });
  const url = `http://127.0.0.1:${server.app.server.address().port}`;
  server.context.wechat.attachSandbox(
    {
      baseUrls: () => wechat.baseUrls,
      world: { state: { extensions: {}, platforms: {} }, platform: () => undefined },
    },
    url,
  );
  const { user } = await server.auth.createAdmin({ username: "admin", password: "bench password 1" });
  const admin = (
    await server.auth.createApiKey({ userId: user.id, name: "admin" }, { name: "admin", scopes: ["admin"] })
  ).key;
  const call = adminCall(url, admin);
  const appId = wechat.appId;
  await call("POST", "/accounts", { appId, appSecret: wechat.secret, verified: true });
  await call("PUT", `/accounts/${appId}/openid-mapping`, { property: "openid" });
  await call("POST", `/accounts/${appId}/enable`);
  return { server, url, call, appId };
}
