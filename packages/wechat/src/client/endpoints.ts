/**
 * The three WeChat hosts the SDK talks to. Each may carry a path prefix (an emulator
 * mounted at `http://127.0.0.1:8080/sandbox`); the prefix is kept in front of every path.
 */
export interface WeChatEndpoints {
  /** Server APIs, e.g. `/cgi-bin/token`. */
  api: string;
  /** Pages and images: the authorization page (PC), `showqrcode`. */
  mp: string;
  /** Open platform pages: the mobile authorization page. */
  open: string;
}

/** WeChat's production hosts. */
export const defaultEndpoints: WeChatEndpoints = Object.freeze({
  api: "https://api.weixin.qq.com",
  mp: "https://mp.weixin.qq.com",
  open: "https://open.weixin.qq.com",
});

/** Which of the {@link WeChatEndpoints} a request goes to. */
export type WeChatHost = keyof WeChatEndpoints;

/** Fills the missing hosts with the defaults and drops trailing slashes. */
export function resolveEndpoints(partial?: Partial<WeChatEndpoints>): WeChatEndpoints {
  return {
    api: trimBase(partial?.api ?? defaultEndpoints.api),
    mp: trimBase(partial?.mp ?? defaultEndpoints.mp),
    open: trimBase(partial?.open ?? defaultEndpoints.open),
  };
}

/**
 * `base` + `path`, keeping any path prefix of `base` (which `new URL(path, base)` would drop
 * for an absolute path).
 */
export function joinEndpoint(base: string, path: string): string {
  return trimBase(base) + (path.startsWith("/") ? path : `/${path}`);
}

function trimBase(base: string): string {
  return base.replace(/\/+$/, "");
}
