// Explore: browse laws by structure (tree → articles), filtered search, and the citation graph.
// Sub-routes: #/explore, #/explore/law/{id}?version=, #/explore/search?q=&…, #/explore/graph?law=&article=&depth=
// (or ?article={id}), #/explore/compare?law=&from=&to=
import { getJSON, postJSON } from "../api.js";
import { h, replace } from "../dom.js";
import { t } from "../i18n.js";
import { lawSortKey, loadLaws } from "../laws.js";
import { state } from "../state.js";
import { articleHref, articleHrefFromId, asArray, compareHref, hashWith, lawHref, parseArticleId, pick } from "../util.js";
import { renderGraph } from "./graph.js";

function subnav(active) {
  const item = (id, href, label) => h("a", { href, class: active === id ? "active" : "", "aria-current": active === id ? "page" : null }, label);
  return h("nav", { class: "subnav", "aria-label": t("nav.explore") },
    item("browse", "#/explore", t("ex.browse")), item("search", "#/explore/search", t("ex.search")), item("graph", "#/explore/graph", t("ex.graph")),
    item("compare", "#/explore/compare", t("ex.compareNav")));
}

function shell(main, active, ...children) {
  replace(main, h("section", { class: "view view-explore" }, subnav(active), children));
}

/* ---------- browse: list of laws ---------- */

async function browse(main) {
  const filter = h("input", { id: "law-filter", type: "search", placeholder: t("ex.filterLaws"), "aria-controls": "law-list" });
  const list = h("div", { id: "law-list" }, h("p", { class: "muted" }, t("common.loading")));
  shell(main, "browse", h("h1", { tabindex: "-1" }, t("ex.browseTitle")),
    h("label", { for: "law-filter", class: "label" }, t("ex.filterLaws")), filter, list);
  let laws;
  try { laws = (await loadLaws()).sort((a, b) => lawSortKey(a).localeCompare(lawSortKey(b))); } catch (err) {
    replace(list, h("p", { class: "error-text", role: "alert" }, err.message)); return null;
  }
  const paint = () => {
    const q = filter.value.trim().toLowerCase();
    const bare = q.replace(/[\s-]/g, "");
    const shown = laws.filter((l) => !q || [l.law_id, l.title_zh, l.title_en, ...(l.short_names || [])]
      .some((x) => x && String(x).toLowerCase().includes(q)) || (bare && String(l.slug || "").replace(/-/g, "").includes(bare)));
    const groups = new Map();
    for (const l of shown) {
      const g = l.layer === "raw" ? "raw" : l.instrument || "other";
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g).push(l);
    }
    replace(list, shown.length ? [...groups.entries()].map(([g, items]) => h("section", { class: "law-group" },
      h("h2", null, g === "raw" ? t("ex.curated") : t(`inst.${g}`, {}, g), h("span", { class: "muted small" }, ` (${items.length})`)),
      h("ul", { class: "law-list" }, items.slice(0, 300).map((l) => h("li", null,
        h("a", { href: lawHref(l.law_id), lang: "zh-CN" }, l.title_zh || l.law_id),
        l.title_en ? h("span", { class: "muted small", lang: "en" }, ` — ${l.title_en}`) : null,
        l.instrument ? h("span", { class: "chip" }, t(`inst.${l.instrument}`, {}, l.instrument)) : null))),
      items.length > 300 ? h("p", { class: "muted small" }, t("ex.more", { n: items.length - 300 })) : null))
      : h("p", { class: "muted" }, t("ex.noLaws")));
  };
  filter.addEventListener("input", paint);
  paint();
  return { focus: () => filter.focus() };
}

/* ---------- one law: structure tree ---------- */

function nodeTitle(node) { return pick(node, "display", "title", "heading", "label", "text", "name") || ""; }

function articleLinks(law, version, keys) {
  return h("ul", { class: "article-keys" }, keys.map((a) => {
    const key = typeof a === "object" ? pick(a, "key", "article_key") : a;
    const label = typeof a === "object" ? pick(a, "label_zh", "label") : null;
    return h("li", null, h("a", { href: articleHref(law, key, { version }), lang: "zh-CN" }, label || (state.lang === "zh" ? `第${key}条` : `Art. ${key}`)));
  }));
}

function tree(law, version, nodes, depth = 0) {
  return h("ul", { class: depth ? "tree-sub" : "tree", role: depth ? null : "list" }, nodes.map((node) => {
    const children = asArray(pick(node, "children", "sections", "headings"));
    const arts = asArray(pick(node, "articles", "article_keys", "keys"));
    return h("li", null, h("details", { open: depth === 0 && nodes.length < 12 },
      h("summary", { lang: "zh-CN" }, nodeTitle(node), arts.length ? h("span", { class: "muted small" }, ` (${arts.length})`) : null),
      arts.length ? articleLinks(law, version, arts) : null,
      children.length ? tree(law, version, children, depth + 1) : null));
  }));
}

/** The law's versions with dates and their counts of changed provisions (GET /v1/laws/{id}/timeline). */
function timelineOf(law) {
  const box = h("section", { class: "panel", dataset: { testid: "law-timeline" } }, h("h2", null, t("ex.timeline")), h("p", { class: "muted" }, t("common.loading")));
  getJSON(`/v1/laws/${encodeURIComponent(law)}/timeline`).then((data) => {
    replace(box, h("h2", null, t("ex.timeline")), h("ol", { class: "versions" }, asArray(data.versions).map((e) => h("li", null,
      h("strong", null, pick(e.version, "effective_from") || pick(e.version, "version_id")), " ",
      h("span", { class: "muted small" }, t(`status.${e.version.status}`, {}, e.version.status)), " · ",
      e.previous_version_id === null || e.changed === null || e.changed === undefined ? t("ex.firstVersion", { n: e.articles ?? "?" })
        : [t("ex.versionChanges", { n: e.changed, added: e.counts.new, removed: e.counts.deleted, renumbered: e.counts.renumbered }), " ",
          h("a", { href: compareHref(law, e.previous_version_id, e.version.version_id) }, t("ex.compareNav"))]))));
  }).catch((err) => replace(box, h("p", { class: "error-text" }, err.message)));
  return box;
}

async function lawView(main, route) {
  const law = decodeURIComponent(route.parts[1] || "");
  const version = route.params.get("version") || "";
  shell(main, "browse", h("p", { class: "muted" }, t("common.loading")));
  let data;
  try { data = await getJSON(`/v1/laws/${encodeURIComponent(law)}`, { version }); } catch (err) {
    shell(main, "browse", h("h1", { tabindex: "-1" }, law), h("p", { class: "error-text", role: "alert" }, err.message)); return null;
  }
  const info = data.law || data;
  const versions = asArray(pick(data, "versions") || info.versions);
  const currentVid = version || (typeof data.version === "string" ? data.version : pick(data.version || {}, "version_id")) ||
    (versions.find((v) => v.status === "in-force") || versions[versions.length - 1] || {}).version_id || "";
  let structure = pick(data, "structure");
  if (structure && !Array.isArray(structure)) structure = pick(structure, currentVid) || pick(structure, "children", "headings") || [];
  structure = asArray(structure);
  const loose = asArray(pick(data, "articles"));
  const select = h("select", { id: "law-version", name: "version" }, versions.map((v) =>
    h("option", { value: v.version_id, selected: v.version_id === currentVid },
      `${v.label || v.version_id}${v.status ? ` — ${t(`status.${v.status}`, {}, v.status)}` : ""}`)));
  select.addEventListener("change", () => { location.hash = lawHref(law, select.value); });
  shell(main, "browse",
    h("h1", { tabindex: "-1", lang: "zh-CN" }, info.title_zh || law),
    info.title_en ? h("p", { class: "subtitle", lang: "en" }, info.title_en) : null,
    h("dl", { class: "facts" },
      info.instrument ? [h("dt", null, t("ex.instrument")), h("dd", null, t(`inst.${info.instrument}`, {}, info.instrument))] : null,
      info.issuer ? [h("dt", null, t("ex.issuer")), h("dd", { lang: "zh-CN" }, info.issuer)] : null,
      info.jurisdiction ? [h("dt", null, t("ex.jurisdiction")), h("dd", null, t(`jur.${info.jurisdiction}`, {}, info.jurisdiction))] : null),
    versions.length ? h("div", { class: "inline-form" }, h("label", { for: "law-version" }, t("art.version")), select) : null,
    versions.length > 1 ? timelineOf(info.law_id || law) : null,
    h("h2", null, t("ex.structure")),
    structure.length ? tree(law, currentVid, structure) : loose.length ? articleLinks(law, currentVid, loose) : h("p", { class: "muted" }, t("ex.noStructure")));
  return null;
}

/* ---------- search with filters ---------- */

function highlight(text, terms) {
  const words = asArray(terms).map(String).filter((w) => w.length > 0).sort((a, b) => b.length - a.length);
  if (!words.length) return text;
  const esc = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const re = new RegExp(`(${esc.join("|")})`, "gi");
  return String(text).split(re).map((part, i) => (i % 2 === 1 ? h("mark", { class: "hit" }, part) : part));
}

function normalizeHit(hit) {
  const art = hit.article && typeof hit.article === "object" ? hit.article : hit;
  const ids = parseArticleId(pick(art, "article_id") || "");
  return {
    law: pick(art, "law_id", "law") || ids.law,
    key: pick(art, "key", "article") || ids.key,
    version: pick(art, "version_id", "version") || ids.versionId,
    label: pick(art, "label_zh", "label_en") || pick(art, "key"),
    title: state.lang === "en" ? pick(hit, "title_en") || pick(art, "title_en") || pick(hit, "title_zh") || pick(art, "title_zh") : pick(hit, "title_zh") || pick(art, "title_zh"),
    text: pick(hit, "snippet", "text") || pick(art, "text_zh", "text_en") || "",
    path: asArray(pick(art, "path")),
    from: pick(art, "effective_from") || ids.effectiveFrom,
    score: pick(hit, "score"),
    matched: asArray(pick(hit, "matched")),
    to: pick(hit, "effective_to"),
    status: pick(hit, "status"),
    successor: pick(hit, "superseded_by"),
    successorLabel: pick(hit, "superseded_by_label"),
    relevance: pick(hit, "relevance"),
    relevanceLabel: pick(hit, "relevance_label"),
    coverage: pick(hit, "coverage"),
    terms: asArray(pick(hit, "matched_terms")),
    missing: asArray(pick(hit, "missing_terms")),
  };
}

/** "relevance 85 (high) · terms found 85 %: 混淆, 姓名 · missing: 商业" (analyst search, kb/analyst.py). */
function relevanceLine(hit) {
  if (hit.relevance === undefined || hit.relevance === null) return null;
  return h("div", { class: "small", dataset: { testid: "hit-relevance" } },
    h("span", { class: `badge badge-rel badge-rel-${hit.relevanceLabel || "low"}`, title: t("ex.relevanceHelp") },
      t("ex.relevance", { n: hit.relevance, label: t(`rel.${hit.relevanceLabel}`, {}, hit.relevanceLabel || "") })),
    hit.coverage !== null && hit.coverage !== undefined ? ` ${t("ex.coverage", { n: hit.coverage })}` : "",
    hit.terms.length ? [": ", h("span", { lang: "zh-CN" }, hit.terms.join(", "))] : "",
    hit.missing.length ? [" · ", t("ex.missing"), ": ", h("span", { class: "muted", lang: "zh-CN" }, hit.missing.join(", "))] : "");
}

/** "superseded — in force 2019-04-23 – 2025-10-14 · now Art. 7 (2025-10-15)" for a text no longer in force. */
function statusLine(hit) {
  if (!hit.status || hit.status === "in-force") return null;
  const now = hit.successor ? parseArticleId(hit.successor) : null;
  return h("div", { class: "small", dataset: { testid: "hit-status" } },
    h("span", { class: "badge badge-warn" }, t(`status.${hit.status}`, {}, hit.status)),
    hit.to ? ` ${hit.from ? t("ex.inForceFromTo", { from: hit.from, to: hit.to }) : t("ex.inForceUntil", { date: hit.to })}` : "",
    now ? [" · ", h("a", { href: articleHrefFromId(hit.successor) },
      t("art.nowN", { n: now.key }) + (now.effectiveFrom ? ` (${now.effectiveFrom})` : ""))] : null);
}

async function search(main, route) {
  const p = route.params;
  const field = (id, label, control) => h("div", { class: "field" }, h("label", { for: id }, label), control);
  const opt = (value, label, cur) => h("option", { value, selected: value === cur }, label);
  const q = h("input", { id: "s-q", name: "q", type: "search", value: p.get("q") || "", placeholder: t("ex.searchPlaceholder"), required: true });
  const jur = h("select", { id: "s-jur", name: "jurisdiction" }, opt("", t("ex.all"), p.get("jurisdiction") || ""));
  const { input: lawSel, list: lawList } = lawInput("s-law", p.get("law") || "", false);
  const inst = h("select", { id: "s-inst", name: "instrument" }, opt("", t("ex.all"), p.get("instrument") || ""));
  const topic = h("select", { id: "s-topic", name: "topic" }, opt("", t("ex.all"), p.get("topic") || ""));
  const asOf = h("input", { id: "s-asof", name: "as_of", type: "date", value: p.get("as_of") ?? state.asOf });
  const k = h("select", { id: "s-k", name: "k" }, ["10", "20", "50"].map((n) => opt(n, n, p.get("k") || "10")));
  const results = h("div", { class: "results", "aria-live": "polite" });
  const form = h("form", { class: "search-form", role: "search", onsubmit: (ev) => {
    ev.preventDefault();
    if (!q.value.trim()) { q.focus(); return; }
    location.hash = hashWith("#/explore/search", { q: q.value.trim(), jurisdiction: jur.value, law: lawSel.value.trim(),
      instrument: inst.value, topic: topic.value, as_of: asOf.value, k: k.value === "10" ? "" : k.value, n: String(Date.now() % 100000) });
  } },
  h("div", { class: "search-main" }, h("label", { for: "s-q", class: "sr-only" }, t("ex.query")), q,
    h("button", { type: "submit", class: "btn btn-primary" }, t("ex.searchBtn"))),
  h("fieldset", { class: "filters" }, h("legend", null, t("ex.filters")),
    field("s-jur", t("ex.jurisdiction"), jur), field("s-law", t("art.law"), [lawSel, lawList]), field("s-inst", t("ex.instrument"), inst),
    field("s-topic", t("ex.topic"), topic), field("s-asof", t("asof.label"), asOf), field("s-k", t("ex.k"), k)));
  shell(main, "search", h("h1", { tabindex: "-1" }, t("ex.searchTitle")), form, results);

  loadLaws().then((laws) => {
    const uniq = (xs) => [...new Set(xs.filter(Boolean))].sort();
    jur.append(...uniq(laws.map((l) => l.jurisdiction)).map((v) => opt(v, t(`jur.${v}`, {}, v), p.get("jurisdiction"))));
    inst.append(...uniq(laws.map((l) => l.instrument)).map((v) => opt(v, t(`inst.${v}`, {}, v), p.get("instrument"))));
    topic.append(...uniq(laws.flatMap((l) => asArray(l.topics))).map((v) => opt(v, t(`topic.${v}`, {}, v), p.get("topic"))));
  }).catch(() => { /* filters stay at "all"; the search itself reports errors */ });

  const query = p.get("q");
  if (query) {
    replace(results, h("p", { class: "muted" }, t("common.loading")));
    const filters = {};
    for (const [name, el] of [["jurisdiction", "jurisdiction"], ["law", "law"], ["instrument", "instrument"], ["topic", "topic"]]) {
      if (p.get(el)) filters[name] = [p.get(el)];
    }
    if (p.get("as_of")) filters.as_of = p.get("as_of");
    try {
      const data = await postJSON("/v1/search", { query, k: Number(p.get("k") || 10), filters });
      const hits = asArray(Array.isArray(data) ? data : pick(data, "hits", "results")).map(normalizeHit);
      const ev = pick(data, "evidence_score");
      const dropped = Number(pick(data, "dropped") || 0);
      replace(results,
        h("p", { class: "muted small" }, t("ex.nResults", { n: hits.length }), ev !== undefined ? ` · ${t("chat.evidence", { score: Number(ev).toFixed(2) })}` : "",
          dropped ? ` · ${t("ex.dropped", { n: dropped })}` : "",
          asArray(pick(data, "expansions")).length ? ` · ${t("ex.expanded")}: ${asArray(data.expansions).join(", ")}` : ""),
        hits.length ? h("ol", { class: "hits" }, hits.map((hit) => h("li", { class: "hit-item" },
          h("a", { class: "hit-title", href: articleHref(hit.law, hit.key, { version: hit.version }), lang: "zh-CN" }, `${hit.title || hit.law} ${hit.label}`),
          h("div", { class: "muted small", lang: "zh-CN" }, [hit.path.join(" › "), hit.from ? t("art.from", { from: hit.from }) : ""].filter(Boolean).join(" · ")),
          relevanceLine(hit),
          statusLine(hit),
          h("p", { class: "snippet", lang: "zh-CN" }, highlight(hit.text.length > 280 ? `${hit.text.slice(0, 280)}…` : hit.text, [...hit.matched, ...hit.terms])))))
          : h("p", null, t("ex.noResults")));
    } catch (err) {
      replace(results, h("p", { class: "error-text", role: "alert" }, err.message));
    }
  }
  return { focus: () => q.focus() };
}

/* ---------- law picker with type-ahead over every law ---------- */

/** An input with a datalist of every law (its slug as the value, Chinese and English titles as the label); what is
 *  typed is passed on as is: the API accepts slugs, ids, titles, short names and "title@date". */
function lawInput(id, value, required = true) {
  const list = h("datalist", { id: `${id}-list` });
  const input = h("input", { id, name: "law", value, list: `${id}-list`, size: "32", autocomplete: "off", required,
    placeholder: t("ex.lawPlaceholder") });
  loadLaws().then((laws) => {
    replace(list, laws.sort((a, b) => lawSortKey(a).localeCompare(lawSortKey(b)))
      .map((l) => h("option", { value: l.slug || l.law_id }, [l.title_zh, l.title_en].filter((x) => x && x !== (l.slug || l.law_id)).join(" · "))));
  }).catch(() => {});
  return { input, list };
}

/* ---------- citation graph ---------- */

const DEPTHS = ["1", "2", "3", "4"];

async function graph(main, route) {
  const law = route.params.get("law") || "";
  const article = route.params.get("article") || "";
  const depth = route.params.get("depth") || "1";
  const { input: lawBox, list } = lawInput("g-law", law);
  const input = h("input", { id: "g-article", name: "article", value: article, placeholder: t("ex.articlePlaceholder"), size: "18", required: true });
  const depthSel = h("select", { id: "g-depth", name: "depth" }, DEPTHS.map((d) => h("option", { value: d, selected: d === depth }, d)));
  const out = h("div", { class: "graph-out" });
  const form = h("form", { class: "inline-form", onsubmit: (ev) => {
    ev.preventDefault();
    const a = input.value.trim();
    if (!a) return;
    location.hash = hashWith("#/explore/graph", a.includes("#") ? { article: a, depth: depthSel.value } : { law: lawBox.value.trim(), article: a, depth: depthSel.value });
  } },
  h("label", { for: "g-law" }, t("art.law")), lawBox, list,
  h("label", { for: "g-article" }, t("art.articleNo")), input,
  h("label", { for: "g-depth" }, t("ex.depth")), depthSel,
  h("button", { type: "submit", class: "btn btn-primary" }, t("ex.show")));
  shell(main, "graph", h("h1", { tabindex: "-1" }, t("ex.graphTitle")), h("p", { class: "muted" }, t("ex.graphHelp")), form, out);
  if (article && (law || article.includes("#"))) {
    replace(out, h("p", { class: "muted" }, t("common.loading")));
    const params = law && !article.includes("#") ? { law, article, depth, as_of: state.asOf || "" } : { article, depth };
    try {
      const data = await getJSON("/v1/graph", params);
      const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v));
      const exports = h("p", { class: "small", dataset: { testid: "graph-export" } }, `${t("ex.export")}: `,
        ["json", "csv", "graphml"].map((f, i) => [i ? " · " : "", h("a", { href: `/v1/graph?${q}&format=${f}`, download: "" }, f.toUpperCase())]));
      replace(out, h("p", { class: "muted small", dataset: { testid: "graph-kinds" } }, t("ex.edgeKinds")), renderGraph(data, data.center || article), exports);
    } catch (err) {
      replace(out, h("p", { class: "error-text", role: "alert" }, err.message));
    }
  }
  return { focus: () => (law ? input : lawBox).focus() };
}

/* ---------- compare two versions of a law ---------- */

async function compare(main, route) {
  const law = route.params.get("law") || "";
  const from = route.params.get("from") || "";
  const to = route.params.get("to") || "";
  const { input: lawBox, list } = lawInput("c-law", law);
  const fromSel = h("select", { id: "c-from", name: "from" });
  const toSel = h("select", { id: "c-to", name: "to" });
  const out = h("div", { class: "compare-out", "aria-live": "polite" });
  const form = h("form", { class: "inline-form", onsubmit: (ev) => {
    ev.preventDefault();
    if (lawBox.value.trim()) location.hash = hashWith("#/explore/compare", { law: lawBox.value.trim(), from: fromSel.value, to: toSel.value });
  } },
  h("label", { for: "c-law" }, t("art.law")), lawBox, list,
  h("label", { for: "c-from" }, t("ex.fromVersion")), fromSel,
  h("label", { for: "c-to" }, t("ex.toVersion")), toSel,
  h("button", { type: "submit", class: "btn btn-primary" }, t("art.compare")));
  shell(main, "compare", h("h1", { tabindex: "-1" }, t("ex.compareTitle")), h("p", { class: "muted" }, t("ex.compareHelp")), form, out);
  if (!law) return { focus: () => lawBox.focus() };
  replace(out, h("p", { class: "muted" }, t("common.loading")));
  try {
    const [info, data] = await Promise.all([getJSON(`/v1/laws/${encodeURIComponent(law)}`),
      getJSON(`/v1/laws/${encodeURIComponent(law)}/compare`, { from, to, as_of: state.asOf || "" })]);
    const option = (v, chosen) => h("option", { value: v.version_id, selected: v.version_id === chosen }, `${v.effective_from || v.version_id}${v.status ? ` (${t(`status.${v.status}`, {}, v.status)})` : ""}`);
    replace(fromSel, asArray(info.versions).map((v) => option(v, data.old.version_id)));
    replace(toSel, asArray(info.versions).map((v) => option(v, data.new.version_id)));
    const lawId = data.law.law_id;
    const link = (key, vid) => (key ? h("a", { href: articleHref(lawId, key, { version: vid }) }, t("art.articleN", { n: key })) : h("span", { class: "muted" }, "—"));
    const counts = h("table", { class: "table compact", dataset: { testid: "compare-counts" } },
      h("caption", null, t("ex.countsCaption", { a: data.old.effective_from, b: data.new.effective_from })),
      h("thead", null, h("tr", null, h("th", { scope: "col" }, t("ex.edgeKind")), h("th", { scope: "col" }, t("ex.count")))),
      h("tbody", null, Object.entries(data.counts).map(([k, n]) => h("tr", { dataset: { kind: k } }, h("th", { scope: "row" }, t(`kind.${k}`, {}, k)), h("td", null, String(n))))));
    const summary = h("p", null, t("ex.changedSummary", { n: data.changed_provisions, r: data.renumbering.length }),
      data.stored ? null : h("span", { class: "muted small" }, ` ${t("ex.alignedOnRequest")}`));
    const show = h("select", { id: "c-show", name: "show" }, ["changes", "all"].map((v) => h("option", { value: v }, t(`ex.show_${v}`))));
    const tbody = h("tbody");
    const paint = () => replace(tbody, asArray(data.pairs)
      .filter((p) => show.value === "all" || p.kind !== "same" && !(p.kind === "renumbered" && p.text_changed === false))
      .map((p) => h("tr", { dataset: { kind: p.kind } },
        h("td", null, h("span", { class: `chip kind-${p.kind}` }, t(`kind.${p.kind}`, {}, p.kind))),
        h("td", null, link(p.old_key, data.old.version_id)), h("td", null, link(p.new_key, data.new.version_id)),
        h("td", null, p.old_key && p.new_key ? p.score.toFixed(2) : ""),
        h("td", null, p.text_changed === true ? t("art.changed") : p.text_changed === false ? t("art.unchanged") : ""))));
    show.addEventListener("change", paint);
    paint();
    const pairs = h("table", { class: "table compact", dataset: { testid: "compare-pairs" } },
      h("thead", null, h("tr", null, [t("ex.edgeKind"), data.old.effective_from, data.new.effective_from, t("ex.similarity"), t("ex.text")]
        .map((x) => h("th", { scope: "col" }, x)))), tbody);
    const renum = h("details", { class: "renumbering", dataset: { testid: "renumbering" } },
      h("summary", null, t("ex.renumberMap", { n: data.renumbering.length })),
      h("p", { class: "small", lang: "zh-CN" }, data.renumbering.map((r, i) => [i ? " · " : "", `${r.old_key} → ${r.new_key}`])));
    replace(out, h("div", { class: "grid-2" }, h("div", null, counts, summary), h("div", null, renum)),
      h("div", { class: "inline-form" }, h("label", { for: "c-show" }, t("ex.showPairs")), show), pairs);
  } catch (err) {
    replace(out, h("p", { class: "error-text", role: "alert" }, err.message));
  }
  return { focus: () => lawBox.focus() };
}

export function render(main, route) {
  const sub = route.parts[0] || "";
  if (sub === "law" && route.parts[1]) return lawView(main, route);
  if (sub === "search") return search(main, route);
  if (sub === "graph") return graph(main, route);
  if (sub === "compare") return compare(main, route);
  return browse(main);
}
