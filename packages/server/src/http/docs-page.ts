import type { ActionCatalog } from "../platform/policy.js";
import { API_PREFIX } from "./openapi.js";
import type { Route } from "./route.js";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A self-contained page listing the API's operations: no scripts, no fonts, no CDN, so it
 * works on an offline machine and under a strict Content-Security-Policy.
 */
export function renderDocsPage(routes: readonly Route[], title: string, actions: ActionCatalog): string {
  const groups = new Map<string, Route[]>();
  for (const route of routes) {
    const tag = route.tags?.[0] ?? "general";
    groups.set(tag, [...(groups.get(tag) ?? []), route]);
  }
  const sections = [...groups.entries()]
    .map(([tag, list]) => {
      const rows = list
        .map(
          (r) =>
            `<tr><td class="m ${r.method.toLowerCase()}">${r.method}</td><td><code>${escapeHtml(API_PREFIX + r.url)}</code></td><td>${escapeHtml(r.summary)}${r.description ? `<div class="d">${escapeHtml(r.description)}</div>` : ""}</td><td><code>${escapeHtml(r.action)}</code>${r.action === "public" ? "" : ` <code>${escapeHtml(actions.scopeOf(r.action))}</code>`}</td></tr>`,
        )
        .join("\n");
      return `<h2>${escapeHtml(tag)}</h2>\n<table><thead><tr><th>Method</th><th>Path</th><th>Summary</th><th>Action and scope</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
    })
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} API</title>
<style>
body{font:14px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1f2328}
table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}td,th{border-bottom:1px solid #d0d7de;padding:.4rem .6rem;text-align:left;vertical-align:top}
code{font:13px ui-monospace,monospace}.m{font-weight:600;width:5rem}.get{color:#0969da}.post{color:#1a7f37}.put,.patch{color:#9a6700}.delete{color:#cf222e}.d{color:#59636e}
</style></head><body>
<h1>${escapeHtml(title)} API</h1>
<p>Machine-readable description: <a href="${API_PREFIX}/openapi.json"><code>${API_PREFIX}/openapi.json</code></a> (OpenAPI 3.1).
Authenticate with <code>Authorization: Bearer wxg_…</code> (an API key) or the console session cookie; cookie-authenticated
<code>POST</code>, <code>PUT</code>, <code>PATCH</code> and <code>DELETE</code> also need the <code>x-csrf-token</code> header.
Errors are <code>{"error":{"code","message","details","requestId"}}</code> with a stable <code>code</code>.</p>
${sections}
</body></html>
`;
}
