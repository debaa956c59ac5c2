// App-wide state shared by the views: UI language and the "as of" date. Views subscribe to changes.

const listeners = new Set();

function initialLang() {
  const saved = localStorage.getItem("kb.lang");
  if (saved === "en" || saved === "zh") return saved;
  return (navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en";
}

export const state = {
  lang: initialLang(),
  asOf: sessionStorage.getItem("kb.asOf") || "", // "" = today
};

export function setLang(lang) {
  if (lang === state.lang) return;
  state.lang = lang;
  localStorage.setItem("kb.lang", lang);
  listeners.forEach((fn) => fn("lang"));
}

export function setAsOf(value) {
  if (value === state.asOf) return;
  state.asOf = value || "";
  sessionStorage.setItem("kb.asOf", state.asOf);
  listeners.forEach((fn) => fn("asOf"));
}

export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
