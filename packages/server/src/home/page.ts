import { type Language, type StringKey, strings } from "./strings.js";

/** Where the page's script and stylesheet are served (same origin, so the CSP can stay at 'self'). */
export const SCRIPT_PATH = "/home/app.js";
export const STYLE_PATH = "/home/app.css";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The authorization-management page in one language. It carries no account data: the script
 * fetches everything from the JSON API and renders it as text. Labelled elements name their
 * dictionary key (`data-i18n`) so the script can switch the language in place.
 */
export function renderPage(lang: Language): string {
  const dictionary = strings[lang];
  const text = (key: StringKey) => `data-i18n="${key}">${escapeHtml(dictionary[key])}`;
  const headers = (keys: StringKey[]) => keys.map((key) => `<th scope="col" ${text(key)}</th>`).join("");
  return `<!doctype html>
<html lang="${lang === "en" ? "en" : "zh-CN"}" data-lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(dictionary.title)} · wxgate</title>
<link rel="stylesheet" href="${STYLE_PATH}">
<script src="${SCRIPT_PATH}" defer></script>
</head>
<body>
<header class="bar">
  <h1 ${text("title")}</h1>
  <div class="who">
    <span id="who"></span>
    <button id="sign-out" type="button" hidden ${text("signOut")}</button>
    <button id="language" type="button" ${text("switchLanguage")}</button>
  </div>
</header>
<main>
<noscript><p ${text("noscript")}</p></noscript>
<div class="messages">
  <p id="status" role="status" aria-live="polite"></p>
  <div id="error" role="alert" hidden></div>
</div>
<section id="sign-in" class="panel narrow" aria-labelledby="sign-in-heading" hidden>
  <h2 id="sign-in-heading" ${text("signInHeading")}</h2>
  <form id="sign-in-form">
    <label for="username" ${text("username")}</label>
    <input id="username" name="username" autocomplete="username" required maxlength="64">
    <label for="password" ${text("password")}</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="256">
    <button type="submit" class="primary" ${text("signIn")}</button>
  </form>
</section>
<div id="console" hidden>
  <p class="intro" ${text("intro")}</p>
  <div class="toolbar">
    <span id="usage" class="usage" hidden></span>
    <button id="authorize" type="button" class="primary" aria-describedby="usage" ${text("authorize")}</button>
    <button id="refresh" type="button" ${text("refresh")}</button>
  </div>
  <section id="authorization" class="panel" aria-labelledby="authorization-heading" hidden>
    <h2 id="authorization-heading" tabindex="-1"></h2>
    <div class="authorization">
      <img id="qr" width="200" height="200" data-i18n-alt="qrAlt" alt="${escapeHtml(dictionary.qrAlt)}">
      <div>
        <p ${text("authSteps")}</p>
        <ul>
          <li><a id="pc-link" target="_blank" rel="noopener" ${text("pcLink")}</a></li>
          <li><a id="mobile-link" target="_blank" rel="noopener" ${text("mobileLink")}</a></li>
        </ul>
        <p id="expires"></p>
        <p ${text("authDone")}</p>
        <button id="authorization-done" type="button" class="primary" ${text("done")}</button>
      </div>
    </div>
  </section>
  <section aria-labelledby="accounts-heading">
    <h2 id="accounts-heading" ${text("accountsHeading")}</h2>
    <div id="reminders" class="reminders" role="status" hidden></div>
    <div class="scroll">
      <table>
        <thead><tr>${headers(["col.nickname", "col.appId", "col.kind", "col.verified", "col.connection", "col.granted", "col.missing", "col.openId", "col.status", "col.lifecycle", "col.actions"])}</tr></thead>
        <tbody id="accounts"></tbody>
      </table>
    </div>
    <p id="accounts-empty" hidden ${text("empty")}</p>
  </section>
  <section aria-labelledby="events-heading">
    <h2 id="events-heading">${escapeHtml(dictionary.eventsHeadingNone)}</h2>
    <p id="events-hint" ${text("eventsHint")}</p>
    <div class="scroll">
      <table id="events-table" hidden>
        <thead><tr>${headers(["event.receivedAt", "event.type", "event.from", "event.status", "event.replied"])}</tr></thead>
        <tbody id="events"></tbody>
      </table>
    </div>
    <p id="events-empty" hidden ${text("eventsEmpty")}</p>
  </section>
</div>
</main>
</body>
</html>
`;
}
