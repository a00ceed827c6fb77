/**
 * What the server tells the page in index.html's meta tags (no inline script under its CSP):
 * the mode it runs in and the nonce its style elements carry (antd writes its styles at run time).
 */
function meta(name: string): string {
  return document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? "";
}

export const serverInfo = {
  mode: meta("wxgate-mode") === "production" ? ("production" as const) : ("sandbox" as const),
  styleNonce: meta("wxgate-style-nonce"),
};
