// Listing checker: paste a title + description, see the risky spans marked in place, the findings with
// their articles and a safer wording; or upload a shop export (CSV/JSONL) and download findings as CSV.
import { postFile, postJSON } from "../api.js";
import { citationHref, citationLabel, citationTitle, renderCitations } from "../citations.js";
import { h, replace } from "../dom.js";
import { memoButtons } from "../download.js";
import { t } from "../i18n.js";
import { state } from "../state.js";
import { asArray, pick } from "../util.js";

const SEVERITY_RANK = { high: 3, medium: 2, low: 1, info: 0 };
const last = { title: "", description: "", result: null, request: null };

function catName(f) { return f.category_name || t(`cat.${f.category}`, {}, f.category || ""); }

function sevClass(sev) { return `sev-${SEVERITY_RANK[sev] !== undefined ? sev : "medium"}`; }

/** Code-point offsets (server, Python) of a finding's span in `text`; falls back to searching span.text. */
function locate(text, span) {
  const chars = Array.from(text);
  let start = Number(pick(span, "start"));
  let end = Number(pick(span, "end"));
  const want = pick(span, "text");
  const ok = Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end <= chars.length && start < end;
  if (ok && (!want || chars.slice(start, end).join("") === want)) return [start, end];
  if (want) {
    const idx = text.indexOf(want);
    if (idx !== -1) {
      start = Array.from(text.slice(0, idx)).length;
      return [start, start + Array.from(want).length];
    }
  }
  return null;
}

/** The field's text with <mark>s; overlapping findings split into segments marked with the worst severity. */
function highlighted(text, field, findings) {
  const chars = Array.from(text);
  const spans = [];
  findings.forEach((f, i) => {
    asArray(f.spans && f.spans.length ? f.spans : [f.span || {}]).forEach((span) => {
      if ((pick(span, "field") || "description") !== field) return;
      const at = locate(text, span);
      if (at) spans.push({ start: at[0], end: at[1], f, i });
    });
  });
  if (!spans.length) return [text];
  const cuts = new Set([0, chars.length]);
  spans.forEach((sp) => { cuts.add(sp.start); cuts.add(sp.end); });
  const points = [...cuts].sort((a, b) => a - b);
  const out = [];
  for (let p = 0; p < points.length - 1; p++) {
    const a = points[p];
    const b = points[p + 1];
    const seg = chars.slice(a, b).join("");
    const cover = spans.filter((sp) => sp.start <= a && sp.end >= b);
    if (!cover.length) { out.push(seg); continue; }
    const worst = cover.reduce((x, y) => (SEVERITY_RANK[y.f.severity] || 0) > (SEVERITY_RANK[x.f.severity] || 0) ? y : x);
    const desc = cover.map((c) => `${catName(c.f)} · ${t(`sev.${c.f.severity}`, {}, c.f.severity)}`).join("; ");
    out.push(h("mark", { class: ["risk", sevClass(worst.f.severity)], title: desc,
      dataset: { category: worst.f.category || "", severity: worst.f.severity || "", finding: String(worst.i + 1) } }, seg));
    const endsHere = cover.filter((c) => c.end === b);
    if (endsHere.length) out.push(h("sup", { class: "mark-ref" }, endsHere.map((c) => h("a", { href: `#/listing`, dataset: { go: `finding-${c.i + 1}` } }, `[${c.i + 1}]`))));
  }
  return out;
}

/** The legal basis of a finding: compact links first, the verbatim text of each article on demand. */
function basis(citations) {
  const seen = new Set();
  const links = [];
  citations.forEach((c) => {
    const id = `${c.law}#${pick(c, "article_key", "article")}`;
    if (seen.has(id)) return;
    seen.add(id);
    links.push(h("a", { href: citationHref(c), lang: "zh-CN" }, `${citationTitle(c).replace(/ of the People's Republic of China$/, "")} ${citationLabel(c)}`),
      c.penalty ? h("span", { class: "badge badge-bad" }, t("cite.penalty")) : null, " ");
  });
  return h("div", { class: "basis" },
    h("p", { class: "basis-links" }, h("strong", null, `${t("lst.basis")}: `), links),
    h("details", null, h("summary", null, t("lst.showText", { n: citations.length })), renderCitations(citations)));
}

function riskBadge(risk) {
  if (!risk) return null;
  return h("span", { class: ["badge", "risk-badge", sevClass(risk === "none" ? "info" : risk)], dataset: { testid: "overall-risk" } },
    `${t("lst.overall")}: ${t(`sev.${risk}`, {}, risk)}`);
}

/** The listing with every risky span replaced or removed, in fields the seller can copy. */
function rewrittenBox(rw) {
  if (!rw || !rw.changed) return null;
  const field = (id, label, value, rows) => {
    const el = rows ? h("textarea", { id, readonly: true, rows: String(rows) }) : h("input", { id, readonly: true });
    el.value = value || "";
    return [h("label", { for: id }, label), el];
  };
  const copy = h("button", { type: "button", class: "btn btn-small" }, t("lst.copy"));
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText([rw.title, rw.description].filter(Boolean).join("\n"));
      copy.textContent = t("lst.copied");
    } catch { copy.textContent = t("lst.copyFailed"); }
  });
  return h("section", { class: "rewritten stack-form", dataset: { testid: "rewritten" }, "aria-labelledby": "lst-rw-title" },
    h("h3", { id: "lst-rw-title" }, t("lst.rewritten")),
    h("p", { class: "muted small" }, rw.remaining ? t("lst.rewrittenLeft", { n: rw.remaining }) : t("lst.rewrittenHelp")),
    field("lst-rw-title-text", t("lst.rwTitle"), rw.title),
    field("lst-rw-desc-text", t("lst.rwDescription"), rw.description, 3),
    h("div", { class: "form-row" }, copy));
}

function renderResult(result, title, description) {
  const findings = asArray(pick(result, "findings"));
  const list = findings.map((f, i) => h("li", { class: ["finding", sevClass(f.severity)], id: `finding-${i + 1}` },
    h("div", { class: "finding-head" },
      h("span", { class: "cite-num" }, `[${i + 1}]`),
      h("span", { class: ["badge", sevClass(f.severity)] }, t(`sev.${f.severity}`, {}, f.severity || "")),
      h("strong", null, catName(f)),
      asArray(f.spans && f.spans.length ? f.spans : [f.span]).filter((s) => s && s.text)
        .map((s) => h("span", { class: "quoted", lang: "zh-CN" }, `“${s.text}”`))),
    f.explanation ? h("p", null, f.explanation) : null,
    f.note ? h("p", { class: "note" }, f.note) : null,
    f.suggestion ? h("p", { class: "suggestion" }, h("strong", null, `${t("lst.suggestion")}: `), h("span", { lang: "zh-CN" }, f.suggestion)) : null,
    asArray(f.citations).length ? basis(asArray(f.citations)) : null));
  const view = h("div", { class: "listing-result" },
    h("h2", { id: "lst-result-title", tabindex: "-1" }, t("lst.result"), " ", riskBadge(pick(result, "overall_risk"))),
    h("div", { class: "listing-preview", dataset: { testid: "listing-preview" } },
      h("p", { class: "preview-title", lang: "zh-CN" }, highlighted(title, "title", findings)),
      h("p", { class: "preview-desc", lang: "zh-CN" }, highlighted(description, "description", findings))),
    findings.length ? h("ol", { class: "findings" }, list) : h("p", { class: "ok-text" }, t("lst.noFindings")),
    rewrittenBox(pick(result, "rewritten")),
    last.request ? memoButtons(() => ["/v1/listings/check", last.request], (err) => {
      const box = view.querySelector(".memo-error");
      if (box) box.textContent = err.message;
    }) : null,
    h("p", { class: "memo-error error-text", role: "alert" }),
    h("p", { class: "legend small" }, h("mark", { class: "risk sev-high" }, t("sev.high")), " ",
      h("mark", { class: "risk sev-medium" }, t("sev.medium")), " ", h("mark", { class: "risk sev-low" }, t("sev.low"))));
  view.querySelectorAll("a[data-go]").forEach((a) => a.addEventListener("click", (ev) => {
    ev.preventDefault();
    const el = document.getElementById(a.dataset.go);
    if (el) { el.scrollIntoView({ block: "nearest" }); el.classList.add("flash"); setTimeout(() => el.classList.remove("flash"), 1200); }
  }));
  return view;
}

function batchSection() {
  const file = h("input", { id: "batch-file", name: "file", type: "file", accept: ".csv,.jsonl,.ndjson,.json,text/csv,application/x-ndjson" });
  const out = h("div", { class: "batch-out", "aria-live": "polite" });
  const download = h("button", { type: "button", class: "btn", disabled: true }, t("lst.downloadCsv"));
  const check = async () => {
    const f = file.files && file.files[0];
    if (!f) { replace(out, h("p", { class: "error-text" }, t("lst.pickFile"))); file.focus(); return; }
    replace(out, h("p", { class: "muted" }, t("common.loading")));
    try {
      const data = await (await postFile("/v1/listings/check-batch", f, { params: { lang: state.lang, as_of: state.asOf } })).json();
      const rows = asArray(Array.isArray(data) ? data : pick(data, "results", "items", "listings"));
      download.disabled = false;
      replace(out,
        h("p", null, t("lst.batchSummary", { n: rows.length, m: rows.filter((r) => asArray(r.findings).length).length })),
        h("div", { class: "table-scroll" }, h("table", { class: "batch-table" },
          h("thead", null, h("tr", null, h("th", { scope: "col" }, t("lst.line")), h("th", { scope: "col" }, "ID"),
            h("th", { scope: "col" }, t("lst.overallShort")), h("th", { scope: "col" }, t("lst.findings")))),
          h("tbody", null, rows.map((r, i) => h("tr", null,
            h("td", null, String(pick(r, "line") ?? i + 1)),
            h("td", null, String(pick(r, "id", "title") ?? "")),
            h("td", null, r.error ? h("span", { class: "error-text" }, String(pick(r.error, "message") || r.error)) : riskBadge(pick(r, "overall_risk"))),
            h("td", { lang: "zh-CN" }, asArray(r.findings).map((f) => `${catName(f)}${f.span && f.span.text ? ` “${f.span.text}”` : ""}`).join("; "))))))));
    } catch (err) {
      replace(out, h("p", { class: "error-text", role: "alert" }, err.message));
    }
  };
  download.addEventListener("click", async () => {
    const f = file.files && file.files[0];
    if (!f) return;
    try {
      const res = await postFile("/v1/listings/check-batch", f, { params: { format: "csv", lang: state.lang, as_of: state.asOf } });
      const blob = await res.blob();
      const url = URL.createObjectURL(blob);
      const a = h("a", { href: url, download: `${f.name.replace(/\.[^.]+$/, "")}-findings.csv` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (err) {
      replace(out, h("p", { class: "error-text", role: "alert" }, err.message));
    }
  });
  file.addEventListener("change", () => { download.disabled = true; });
  return h("section", { class: "panel", "aria-labelledby": "batch-title" },
    h("h2", { id: "batch-title" }, t("lst.batchTitle")),
    h("p", { class: "muted small" }, t("lst.batchHelp")),
    h("form", { class: "inline-form", onsubmit: (ev) => { ev.preventDefault(); check(); } },
      h("label", { for: "batch-file" }, t("lst.file")), file,
      h("button", { type: "submit", class: "btn btn-primary" }, t("lst.checkFile")), download),
    out);
}

export function render(main) {
  const title = h("input", { id: "lst-title", name: "title", required: true, maxlength: "500", value: last.title, placeholder: t("lst.titlePh") });
  const desc = h("textarea", { id: "lst-desc", name: "description", rows: "5", maxlength: "20000", placeholder: t("lst.descPh") });
  desc.value = last.description;
  const out = h("div", { class: "listing-out", "aria-live": "polite" });
  const button = h("button", { type: "submit", class: "btn btn-primary" }, t("lst.check"));
  const form = h("form", { class: "stack-form listing-form", onsubmit: async (ev) => {
    ev.preventDefault();
    if (!title.value.trim() && !desc.value.trim()) { title.focus(); return; }
    last.title = title.value;
    last.description = desc.value;
    button.disabled = true;
    replace(out, h("p", { class: "muted" }, t("common.loading")));
    try {
      const body = { title: title.value, description: desc.value, lang: state.lang };
      if (state.asOf) body.as_of = state.asOf;
      last.result = await postJSON("/v1/listings/check", body);
      last.request = body;
      replace(out, renderResult(last.result, last.title, last.description));
      out.querySelector("#lst-result-title").focus();
    } catch (err) {
      replace(out, h("p", { class: "error-text", role: "alert" }, err.message));
    } finally {
      button.disabled = false;
    }
  } },
  h("label", { for: "lst-title" }, t("lst.title")), title,
  h("label", { for: "lst-desc" }, t("lst.description")), desc,
  h("div", { class: "form-row" }, h("span", { class: "muted small" }, t("lst.hint")), h("span", { class: "spacer" }), button));
  desc.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); form.requestSubmit(); }
  });
  if (last.result) out.append(renderResult(last.result, last.title, last.description));
  replace(main, h("section", { class: "view view-listing", "aria-labelledby": "lst-h1" },
    h("h1", { id: "lst-h1", tabindex: "-1" }, t("lst.heading")),
    h("p", { class: "muted" }, t("lst.intro")),
    h("div", { class: "listing-grid" }, h("div", null, form, out), batchSection())));
  return { focus: () => title.focus() };
}
