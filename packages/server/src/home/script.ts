import { strings } from "./strings.js";

/*
 * The page's client: plain browser JavaScript, no framework and no build, talking only to the
 * JSON API under /api/v1 with the session cookie and the x-csrf-token header. Everything that
 * comes from the API reaches the document as text (textContent, createElement, setAttribute
 * on inert attributes, hrefs checked to be http(s)), never as markup.
 *
 * It is kept as a string so that the built server (dist/, compiled by tsc alone) serves the
 * very same file as the sources do.
 */
const body = String.raw`
let lang = document.documentElement.getAttribute("data-lang") === "en" ? "en" : "zh";
let csrfToken = "";
let username = "";
let accounts = [];
let usage = null; // this month's authorization requests: { month, used, limit, remaining }
let authorization = null; // { link, key, name }
let eventsOf = null; // the account whose events are shown
let events = [];

const byId = (id) => document.getElementById(id);

function has(key) {
  return Object.prototype.hasOwnProperty.call(STRINGS[lang], key);
}

function t(key, vars) {
  const text = has(key) ? STRINGS[lang][key] : key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function formatTime(ms) {
  return new Date(ms).toLocaleString(lang === "en" ? "en-GB" : "zh-CN", { hour12: false });
}

function joined(items) {
  return items.join(lang === "en" ? ", " : "、");
}

function names(sets) {
  return sets.length > 0 ? joined(sets.map((set) => set.name)) : t("none");
}

function safeUrl(url) {
  try {
    const parsed = new URL(url, location.href);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}

// ── the API ─────────────────────────────────────────────────────────────────

class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

async function api(method, path, payload) {
  const headers = { accept: "application/json" };
  if (payload !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["x-csrf-token"] = csrfToken;
  let response;
  try {
    response = await fetch("/api/v1" + path, {
      method,
      headers,
      credentials: "same-origin",
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
  } catch {
    throw new ApiError(0, "network_error", t("networkError"));
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = data && data.error ? data.error : {};
    throw new ApiError(response.status, error.code || "http_" + response.status, error.message || "", error.details);
  }
  return data;
}

const accountPath = (account, rest) => "/accounts/" + encodeURIComponent(account.appId) + rest;

// ── messages ────────────────────────────────────────────────────────────────

function say(text) {
  byId("error").hidden = true;
  byId("status").textContent = text;
}

/** Shows an error with its stable code, its message and, when given, a lead and a list. */
function showError(error, lead, list) {
  const box = byId("error");
  const line = el("p");
  if (error instanceof ApiError) {
    line.append(el("code", error.code), " " + error.message);
    if (error.details && typeof error.details.reason === "string") line.append(" (", el("code", error.details.reason), ")");
  } else {
    line.textContent = String((error && error.message) || error);
  }
  box.replaceChildren(el("p", lead || t("failed"), "lead"), line);
  if (list) box.append(list);
  box.hidden = false;
  byId("status").textContent = "";
}

async function attempt(action, lead) {
  try {
    await action();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return signedOut();
    showError(error, lead);
  }
}

// ── session ─────────────────────────────────────────────────────────────────

function signedIn(session) {
  csrfToken = session.csrfToken;
  username = session.user.username;
  byId("sign-in").hidden = true;
  byId("console").hidden = false;
  byId("sign-out").hidden = false;
  byId("who").textContent = t("signedInAs", { name: username });
  return attempt(loadOverview);
}

function signedOut(message) {
  csrfToken = "";
  username = "";
  accounts = [];
  usage = null;
  authorization = null;
  eventsOf = null;
  events = [];
  byId("console").hidden = true;
  byId("sign-out").hidden = true;
  byId("authorization").hidden = true;
  byId("who").textContent = "";
  byId("sign-in").hidden = false;
  renderAccounts();
  renderUsage();
  renderEvents();
  if (message) say(message);
  byId("username").focus();
}

async function signIn(event) {
  event.preventDefault();
  const password = byId("password");
  try {
    const session = await api("POST", "/session", { username: byId("username").value, password: password.value });
    password.value = "";
    say("");
    await signedIn(session);
  } catch (error) {
    showError(error);
  }
}

async function signOut() {
  await attempt(async () => {
    await api("DELETE", "/session");
    signedOut(t("signedOut"));
  });
}

// ── authorization links ─────────────────────────────────────────────────────

function renderAuthorization() {
  const panel = byId("authorization");
  panel.hidden = authorization === null;
  if (!authorization) return;
  const { link, key, name } = authorization;
  byId("authorization-heading").textContent = t(key, { name });
  const qr = byId("qr");
  if (typeof link.qrCode === "string" && link.qrCode.startsWith("data:image/png;base64,")) qr.src = link.qrCode;
  else qr.removeAttribute("src");
  for (const [id, url] of [["pc-link", link.pcUrl], ["mobile-link", link.mobileUrl]]) {
    const anchor = byId(id);
    const href = safeUrl(url);
    if (href) anchor.href = href;
    else anchor.removeAttribute("href");
  }
  byId("expires").textContent = t("expiresAt", { time: formatTime(link.expiresAt) });
}

/** Asks for a link; both kinds count toward the platform's monthly authorization requests. */
async function requestLink(path, payload, key, name) {
  try {
    authorization = { link: await api("POST", path, payload), key, name };
    renderAuthorization();
    byId("authorization-heading").focus();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return signedOut();
    const details = error instanceof ApiError ? error.details : null;
    const limited = details && details.reason === "authorization_request_limit";
    showError(error, limited ? t("authorizationLimit", details) : undefined);
  }
  await attempt(loadUsage);
}

async function authorize() {
  await requestLink("/authorizations", {}, "authHeading", "");
}

async function updateAuthorization(account) {
  await requestLink(accountPath(account, "/authorization-update"), undefined, "updateHeading", account.nickname);
}

// ── this month's authorization requests ─────────────────────────────────────

/** Reads the usage; a failure only hides the line (the server still enforces the limit). */
async function loadUsage() {
  try {
    usage = await api("GET", "/authorizations/usage");
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) throw error;
    usage = null;
  }
  renderUsage();
}

function renderUsage() {
  const line = byId("usage");
  const exhausted = usage !== null && usage.remaining <= 0;
  line.hidden = usage === null;
  line.className = exhausted ? "usage warn" : "usage";
  line.textContent = usage === null ? "" : t(exhausted ? "usageExhausted" : "usage", usage);
  byId("authorize").disabled = exhausted;
}

async function authorizationDone() {
  authorization = null;
  renderAuthorization();
  await refresh();
}

// ── accounts ────────────────────────────────────────────────────────────────

async function loadAccounts() {
  accounts = (await api("GET", "/accounts")).items;
  renderAccounts();
}

async function loadOverview() {
  await Promise.all([loadAccounts(), loadUsage()]);
}

async function refresh() {
  await attempt(async () => {
    await loadOverview();
    if (eventsOf) await loadEvents();
    say(t("refreshed"));
  });
}

function statusOf(account) {
  if (account.authorizationState === "unauthorized") return t("unauthorized");
  return account.enabled ? t("enabled") : t("disabled");
}

function accountRow(account) {
  const sets = account.permissionSets;
  const row = el("tr");
  const name = el("th", account.nickname);
  name.scope = "row";
  row.append(
    name,
    el("td", account.appId, "mono"),
    el("td", t("kind." + account.kind)),
    el("td", account.verified ? t("yes") : t("no"), account.verified ? "" : "warn"),
    el("td", t("connection." + account.connection)),
    el("td", sets.applicable ? names(sets.granted) : t("notApplicable")),
    el("td", sets.applicable ? names(sets.missing) : t("notApplicable"), sets.missing.length > 0 ? "warn" : ""),
    el("td", account.openIdMapping || t("notSet"), account.openIdMapping ? "" : "warn"),
    el("td", statusOf(account)),
    lifecycleOf(account),
    actionsOf(account),
  );
  return row;
}

const LIFECYCLE_STATES = ["active", "expiring", "lapsed", "cooling_off", "unauthorized"];

/** What the badge's date says, by state; the end of the authorization or of the cooling-off. */
function lifecycleNote(life) {
  if (life.state === "active" && life.expiresAt !== null) return t("lifecycle.activeUntil", { time: formatTime(life.expiresAt) });
  if (life.state === "expiring") return t("lifecycle.expiringOn", { time: formatTime(life.expiresAt) });
  if (life.state === "lapsed") return t("lifecycle.lapsedOn", { time: formatTime(life.expiresAt) });
  if (life.state === "cooling_off") return t("lifecycle.coolingOffUntil", { time: formatTime(life.coolingOffUntil) });
  if (life.state === "unauthorized") return t("lifecycle.unauthorizedNote");
  return "";
}

/** The authorization's state as a badge, with its date; direct and external connections have none. */
function lifecycleOf(account) {
  const cell = el("td");
  const life = account.lifecycle;
  if (!life || (account.connection !== "component" && life.expiresAt === null && life.state === "active")) {
    cell.append(el("span", t("lifecycle.noExpiry"), "muted"));
    return cell;
  }
  const known = LIFECYCLE_STATES.includes(life.state);
  cell.append(el("span", known ? t("lifecycle." + life.state) : life.state, known ? "badge badge-" + life.state : "badge"));
  const note = lifecycleNote(life);
  const tone = life.state === "expiring" ? " warn" : life.state === "lapsed" ? " danger" : "";
  if (note) cell.append(el("div", note, "note" + tone));
  return cell;
}

/** Expiring and lapsed accounts, named above the list: the reminder before the end, and after it. */
function renderReminders() {
  const lines = [];
  for (const state of ["expiring", "lapsed"]) {
    const named = accounts.filter((account) => account.lifecycle && account.lifecycle.state === state);
    if (named.length > 0) lines.push(el("p", t("reminder." + state, { names: joined(named.map((a) => a.nickname)) })));
  }
  const box = byId("reminders");
  box.replaceChildren(...lines);
  box.hidden = lines.length === 0;
}

function actionsOf(account) {
  const cell = el("td");
  const group = el("div", null, "actions");
  cell.append(group);
  const add = (key, handler, className) => {
    const button = el("button", t(key), className);
    button.type = "button";
    button.setAttribute("aria-label", t(key) + " · " + account.nickname);
    button.addEventListener("click", () => handler(account));
    group.append(button);
  };
  add("action.openId", setOpenId);
  if (account.enabled) add("action.disable", disable);
  else add("action.enable", enable);
  if (account.connection === "component") {
    // Renewing is the way out of an ending or ended authorization: the badge's note points here.
    const due = account.lifecycle && (account.lifecycle.state === "expiring" || account.lifecycle.state === "lapsed");
    add("action.update", updateAuthorization, due ? "primary" : "");
  }
  if (account.kind !== "miniprogram") add("action.quota", resetQuota);
  add("action.events", showEvents);
  add("action.delete", remove);
  return cell;
}

function renderAccounts() {
  byId("accounts").replaceChildren(...accounts.map(accountRow));
  byId("accounts-empty").hidden = accounts.length > 0 || byId("console").hidden;
  renderReminders();
}

async function setOpenId(account) {
  const property = window.prompt(t("promptOpenId", { name: account.nickname }), account.openIdMapping || "");
  if (property === null || property.trim() === "") return;
  await attempt(async () => {
    await api("PUT", accountPath(account, "/openid-mapping"), { property: property.trim() });
    await loadAccounts();
    say(t("openIdSaved", { name: account.nickname }));
  });
}

async function enable(account) {
  try {
    await api("POST", accountPath(account, "/enable"));
    await loadAccounts();
    say(t("enabledDone", { name: account.nickname }));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return signedOut();
    const details = error instanceof ApiError ? error.details : null;
    if (!details || details.reason !== "enable_checks_failed" || !Array.isArray(details.failed)) {
      return showError(error);
    }
    const list = el("ul");
    for (const failed of details.failed) {
      const key = "check." + failed.check;
      const missing = Array.isArray(failed.missing) ? names(failed.missing) : "";
      list.append(el("li", has(key) ? t(key, { sets: missing }) : failed.message));
    }
    showError(error, t("enableFailed", { name: account.nickname }), list);
  }
}

async function disable(account) {
  await attempt(async () => {
    await api("POST", accountPath(account, "/disable"));
    await loadAccounts();
    say(t("disabledDone", { name: account.nickname }));
  });
}

async function resetQuota(account) {
  try {
    const resets = await api("GET", accountPath(account, "/quota/resets"));
    const vars = { name: account.nickname, used: resets.used, limit: resets.limit };
    if (!window.confirm(t("confirmQuota", vars))) return;
    const result = await api("POST", accountPath(account, "/quota/reset"));
    say(t("quotaDone", { name: account.nickname, used: result.used, limit: result.limit }));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return signedOut();
    const details = error instanceof ApiError ? error.details : null;
    showError(error, details && details.reason === "quota_reset_limit" ? t("quotaRefused", details) : undefined);
  }
}

async function remove(account) {
  const typed = window.prompt(t("promptDelete", { name: account.nickname }));
  if (typed === null) return;
  await attempt(async () => {
    await api("DELETE", accountPath(account, ""), { confirm: typed });
    if (eventsOf && eventsOf.appId === account.appId) {
      eventsOf = null;
      events = [];
      renderEvents();
    }
    await loadAccounts();
    say(t("deleted", { name: account.nickname }));
  }, t("deleteRefused", { name: account.nickname }));
}

// ── events ──────────────────────────────────────────────────────────────────

async function loadEvents() {
  events = (await api("GET", "/events?limit=20&appid=" + encodeURIComponent(eventsOf.appId))).items;
  renderEvents();
}

async function showEvents(account) {
  eventsOf = account;
  await attempt(loadEvents);
  byId("events-heading").scrollIntoView({ block: "nearest" });
}

function eventRow(event) {
  const row = el("tr");
  const type = event.event ? (event.msgType || event.kind) + " · " + event.event : event.msgType || event.kind;
  row.append(
    el("td", formatTime(event.receivedAt)),
    el("td", type),
    el("td", event.fromOpenId || "", "mono"),
    el("td", event.status),
    el("td", event.replied ? t("yes") : t("no")),
  );
  return row;
}

function renderEvents() {
  byId("events-heading").textContent = eventsOf ? t("eventsHeading", { name: eventsOf.nickname }) : t("eventsHeadingNone");
  byId("events").replaceChildren(...events.map(eventRow));
  byId("events-hint").hidden = eventsOf !== null;
  byId("events-table").hidden = eventsOf === null || events.length === 0;
  byId("events-empty").hidden = eventsOf === null || events.length > 0;
}

// ── language ────────────────────────────────────────────────────────────────

function applyLanguage() {
  const root = document.documentElement;
  root.lang = lang === "en" ? "en" : "zh-CN";
  root.setAttribute("data-lang", lang);
  document.title = t("title") + " · wxgate";
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.getAttribute("data-i18n"));
  for (const node of document.querySelectorAll("[data-i18n-alt]")) node.alt = t(node.getAttribute("data-i18n-alt"));
  if (username) byId("who").textContent = t("signedInAs", { name: username });
  renderAuthorization();
  renderAccounts();
  renderUsage();
  renderEvents();
}

function switchLanguage() {
  lang = lang === "zh" ? "en" : "zh";
  const url = new URL(location.href);
  url.searchParams.set("lang", lang);
  history.replaceState(null, "", url);
  say("");
  applyLanguage();
}

// ── start ───────────────────────────────────────────────────────────────────

byId("sign-in-form").addEventListener("submit", signIn);
byId("sign-out").addEventListener("click", signOut);
byId("language").addEventListener("click", switchLanguage);
byId("authorize").addEventListener("click", authorize);
byId("refresh").addEventListener("click", refresh);
byId("authorization-done").addEventListener("click", authorizationDone);

api("GET", "/session").then(signedIn, (error) => {
  signedOut();
  if (!(error instanceof ApiError) || error.status !== 401) showError(error);
});
`;

/** The page's script: the dictionary, then the client, in one strict-mode function scope. */
export function renderScript(): string {
  return `"use strict";\n(() => {\nconst STRINGS = ${JSON.stringify(strings)};\n${body}})();\n`;
}
