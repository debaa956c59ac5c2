// Boot and hash routing: #/chat, #/article/{law}/{key}, #/explore[/…], #/listing.
import { setApiKey } from "./api.js";
import { h, replace } from "./dom.js";
import { applyStatic, t } from "./i18n.js";
import { setAsOf, setLang, state, subscribe } from "./state.js";
import * as article from "./views/article.js";
import * as chat from "./views/chat.js";
import * as explore from "./views/explore.js";
import * as listing from "./views/listing.js";

const VIEWS = { chat, article, explore, listing };
const main = document.getElementById("main");
let renderSeq = 0;

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, "");
  const [path, query = ""] = raw.split("?");
  const segs = path.split("/").filter(Boolean);
  const name = VIEWS[segs[0]] ? segs[0] : "chat";
  return { name, parts: VIEWS[segs[0]] ? segs.slice(1) : [], params: new URLSearchParams(query) };
}

async function route(moveFocus) {
  const seq = ++renderSeq;
  const r = parseHash();
  document.querySelectorAll(".tabs a").forEach((a) => {
    const on = a.dataset.route === r.name;
    a.classList.toggle("active", on);
    if (on) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  });
  document.title = `${t(`nav.${r.name}`)} · ${t("brand")}`;
  try {
    const handle = await VIEWS[r.name].render(main, r);
    if (seq !== renderSeq) return;
    if (moveFocus) {
      const heading = main.querySelector("h1");
      if (heading) heading.focus({ preventScroll: false });
    } else if (handle && handle.focus && r.name !== "article") {
      handle.focus();
    }
  } catch (err) {
    if (seq !== renderSeq) return;
    replace(main, h("section", { class: "view" }, h("h1", null, t("error.title")), h("p", { class: "error-text", role: "alert" }, err.message)));
  }
}

function paintChrome() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  applyStatic(document);
  const toggle = document.getElementById("lang-toggle");
  toggle.textContent = state.lang === "zh" ? "English" : "中文";
  toggle.setAttribute("aria-label", t("lang.switch"));
  toggle.lang = state.lang === "zh" ? "en" : "zh-CN";
  const asOf = document.getElementById("asof");
  asOf.title = t("asof.help");
  asOf.setAttribute("aria-description", t("asof.help"));
}

/** The server wants an API key: ask for it once, keep it for this browser session, retry the view. */
function askForKey() {
  if (document.getElementById("key-dialog")) return;
  const input = h("input", { id: "api-key", name: "api_key", type: "password", autocomplete: "off", required: true });
  const dialog = h("dialog", { id: "key-dialog", "aria-labelledby": "key-title" },
    h("form", { method: "dialog", class: "stack-form", onsubmit: (ev) => {
      ev.preventDefault();
      setApiKey(input.value.trim());
      dialog.close();
      dialog.remove();
      route(false);
    } },
    h("h2", { id: "key-title" }, t("auth.title")), h("p", null, t("auth.help")),
    h("label", { for: "api-key" }, t("auth.key")), input,
    h("div", { class: "form-row" }, h("span", { class: "spacer" }),
      h("button", { type: "button", class: "btn", onclick: () => { dialog.close(); dialog.remove(); } }, t("auth.cancel")),
      h("button", { type: "submit", class: "btn btn-primary" }, t("auth.save")))));
  document.body.append(dialog);
  dialog.showModal();
  input.focus();
}

/** While the bulk layer's vectors are still being built in the background, say so (and how far it got). */
async function pollIndex() {
  const banner = document.getElementById("index-banner");
  let again = false;
  try {
    const res = await fetch("/readyz", { headers: { Accept: "application/json" } });
    const body = await res.json();
    const dense = body && body.dense;
    if (dense && !dense.complete) {
      const p = dense.progress;
      banner.textContent = p && p.total
        ? t("index.filling", { done: p.done, total: p.total })
        : t("index.partial", { missing: dense.missing || 0 });
      banner.hidden = false;
      again = true;
    } else {
      banner.hidden = true;
    }
  } catch { again = false; }
  if (again) setTimeout(pollIndex, 15000);
}

function boot() {
  window.addEventListener("kb:auth-required", askForKey);
  const asOf = document.getElementById("asof");
  asOf.value = state.asOf;
  asOf.addEventListener("change", () => setAsOf(asOf.value));
  document.getElementById("lang-toggle").addEventListener("click", () => setLang(state.lang === "zh" ? "en" : "zh"));
  subscribe((what) => {
    if (what === "lang") { paintChrome(); route(false); }
    if (what === "asOf") {
      const r = parseHash();
      // Views that show dated law follow the global date; the chat uses it for the next question.
      if (r.name === "article" && r.parts.length >= 2) {
        const params = new URLSearchParams(r.params);
        params.delete("version");
        params.delete("as_of");
        const q = params.toString();
        const target = `#/article/${r.parts.join("/")}${q ? `?${q}` : ""}`;
        if (location.hash !== target) location.hash = target; else route(false);
      }
      if (r.name === "chat") chat.refreshHint();
    }
  });
  window.addEventListener("hashchange", () => route(true));
  paintChrome();
  if (!location.hash) history.replaceState(null, "", "#/chat");
  route(false);
  pollIndex();
}

boot();
