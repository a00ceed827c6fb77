/** Undoes the HTML escaping of an attribute value. */
export function unescapeHtml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/**
 * Goes through the emulated WeChat's authorization page the way an administrator's browser
 * does: reads the form, picks `appId` and the permission sets (all those offered by default),
 * submits, and follows the 302 back to wxgate.
 */
export async function authorizeThroughPage(input: {
  pcUrl: string;
  appId: string;
  funcScopes?: readonly number[];
}): Promise<{ status: number; html: string }> {
  const html = await (await fetch(input.pcUrl)).text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no authorization form on the page: ${html.slice(0, 300)}`);
  const form = new URLSearchParams();
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    form.append(match[1]!, unescapeHtml(match[2]!));
  }
  const offered = [...html.matchAll(/name="authorizer_appid" value="([^"]+)"/g)].map((m) => m[1]);
  if (!offered.includes(input.appId)) throw new Error(`the page does not offer ${input.appId}`);
  form.append("authorizer_appid", input.appId);
  const boxes = [...html.matchAll(/name="func_scope" value="(\d+)"/g)].map((m) => Number(m[1]));
  for (const id of input.funcScopes ?? boxes) form.append("func_scope", String(id));
  const confirmed = await fetch(new URL(unescapeHtml(action), input.pcUrl), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
    redirect: "manual",
  });
  if (confirmed.status !== 302)
    throw new Error(`the page answered ${confirmed.status}: ${await confirmed.text()}`);
  const back = await fetch(confirmed.headers.get("location")!);
  return { status: back.status, html: await back.text() };
}
