// Article viewer: Chinese text beside the English translation, its place in the law (编/章/节), the
// versions with dates and a char/word diff between them, cross-references and cited-by as links.
import { ApiError, getJSON } from "../api.js";
import { diff } from "../diff.js";
import { h, replace } from "../dom.js";
import { t } from "../i18n.js";
import { lawName, lawSortKey, loadLaws } from "../laws.js";
import { state } from "../state.js";
import { articleHref, articleHrefFromId, articleKey, asArray, graphHref, lawHref, parseArticleId, pick } from "../util.js";

function normalize(data) {
  const art = data.article && typeof data.article === "object" ? data.article : data;
  const law = data.law && typeof data.law === "object" ? data.law : { law_id: art.law_id, title_zh: pick(data, "title_zh"), title_en: pick(data, "title_en") };
  const version = data.version && typeof data.version === "object" ? data.version : {};
  return {
    art,
    law,
    version,
    versions: asArray(pick(data, "versions") || law.versions),
    references: asArray(pick(data, "references", "refs") || art.references),
    citedBy: asArray(pick(data, "cited_by", "citedBy") || art.cited_by),
    path: asArray(pick(art, "path", "heading_path") || data.path || data.heading_path),
    changes: pick(data, "changes", "what_changed", "changed"),
  };
}

function paragraphs(list, text) {
  const paras = asArray(list).length ? asArray(list) : String(text || "").split(/\n+/).filter((p) => p.trim());
  return paras.map((p) => h("p", null, p));
}

function versionId(v) { return pick(v, "version_id", "id") || ""; }
function versionFrom(v) { return pick(v, "effective_from") || parseArticleId(versionId(v)).effectiveFrom || ""; }

function versionName(v) {
  return pick(v, "label") || (versionFrom(v) ? t("art.versionOf", { date: versionFrom(v) }) : versionId(v));
}

function versionDates(v) {
  const from = versionFrom(v);
  const to = pick(v, "effective_to");
  if (from && to) return t("art.fromTo", { from, to });
  if (from) return t("art.from", { from });
  return t("art.undated");
}

function statusBadge(status) {
  if (!status) return null;
  const cls = status === "in-force" ? "badge-ok" : status === "repealed" ? "badge-bad" : "badge-warn";
  return h("span", { class: `badge ${cls}` }, t(`status.${status}`, {}, status));
}

function edgeLink(edge, direction, titles) {
  const text = pick(edge, "text") || "";
  if (direction === "out" && pick(edge, "kind") === "preceding-paragraph") {
    return h("li", null, h("span", { lang: "zh-CN" }, text || "前款"), h("span", { class: "muted small" }, ` — ${t("art.precedingPara")}`));
  }
  if (direction === "out") {
    const id = pick(edge, "dst_article_id");
    const law = pick(edge, "dst_law_id");
    const key = pick(edge, "dst_key");
    const label = `${pick(edge, "dst_law_title") || ""} ${key ? t("art.articleN", { n: key }) : ""}`.trim();
    const href = id ? articleHrefFromId(id) : law && key ? articleHref(law, key) : law ? lawHref(law) : null;
    return h("li", null, href ? h("a", { href, lang: "zh-CN" }, label || text) : h("span", { lang: "zh-CN" }, label || text),
      text && text !== label ? h("span", { class: "muted small", lang: "zh-CN" }, ` — “${text}”`) : null,
      !href ? h("span", { class: "muted small" }, ` (${t("art.notInCorpus")})`) : null);
  }
  const src = pick(edge, "src_article_id") || "";
  const { law, key } = parseArticleId(src);
  const title = pick(edge, "src_law_title", "src_title") || titles.get(law) || law;
  return h("li", null, h("a", { href: articleHrefFromId(src), lang: "zh-CN" }, `${title} ${t("art.articleN", { n: key })}`),
    text ? h("span", { class: "muted small", lang: "zh-CN" }, ` — “${text}”`) : null);
}

/** Cited-by grouped per citing law: one line per law with its article numbers as links. */
function citedByList(edges, titles) {
  const groups = new Map();
  for (const e of edges) {
    const src = pick(e, "src_article_id") || "";
    const { law } = parseArticleId(src);
    if (!groups.has(law)) groups.set(law, new Map());
    groups.get(law).set(src, e); // one link per citing article, however often it cites
  }
  return h("ul", { class: "links" }, [...groups.entries()].map(([law, byId]) => h("li", null,
    h("span", { lang: "zh-CN" }, `${titles.get(law) || law}: `),
    [...byId.entries()].map(([src, e], i) => [i ? ", " : "",
      h("a", { href: articleHrefFromId(src), title: pick(e, "text") || null }, t("art.articleN", { n: parseArticleId(src).key }))]))));
}

function renderDiff(ops) {
  return h("p", { class: "diff", lang: "zh-CN" }, ops.map((op) => op.op === "eq" ? op.text
    : h(op.op, { title: op.op === "ins" ? t("art.inserted") : t("art.deleted") }, op.text)));
}

function articleText(a) {
  const paras = asArray(pick(a, "paragraphs_zh"));
  return paras.length ? paras.join("\n") : pick(a, "text_zh") || pick(a, "text_en") || "";
}

function similarity(a, b) {
  const ops = diff(a, b);
  const same = ops.filter((o) => o.op === "eq").reduce((n, o) => n + Array.from(o.text).length, 0);
  const total = Array.from(a).length + Array.from(b).length;
  return total ? (2 * same) / total : 1;
}

async function fetchArticle(law, key, version) {
  return normalize(await getJSON(`/v1/laws/${encodeURIComponent(law)}/articles/${encodeURIComponent(articleKey(key))}`, { version }));
}

async function keysIn(law, version) {
  try {
    const data = await getJSON(`/v1/laws/${encodeURIComponent(law)}`, { version });
    const keys = new Set();
    const walk = (nodes) => asArray(nodes).forEach((node) => {
      asArray(node.articles).forEach((a) => keys.add(String(typeof a === "object" ? pick(a, "key") : a)));
      walk(node.children);
    });
    walk(data.structure);
    return keys.size ? keys : null;
  } catch {
    return null;
  }
}

/** The article in `version` that corresponds to this one: the same number, unless a neighbouring number
 *  holds clearly more similar text (laws get renumbered when articles are inserted, e.g. AUCL 2019 §6 → 2025 §7). */
async function counterpart(law, art, version) {
  const key = String(pick(art, "key") || "");
  const m = key.match(/^(\d+)$/);
  const candidates = m ? [0, -1, 1, -2, 2].map((d) => Number(m[1]) + d).filter((n) => n > 0).map(String) : [key];
  const own = articleText(art);
  // Ask only for numbers the other version has (its structure lists them), so nothing 404s.
  const existing = await keysIn(law, version);
  const wanted = existing ? candidates.filter((k) => existing.has(k)) : candidates;
  if (existing && !wanted.includes(candidates[0])) wanted.unshift(candidates[0]);
  const found = await Promise.allSettled(wanted.map((k) => (existing && !existing.has(k) ? Promise.reject(new Error("absent")) : fetchArticle(law, k, version))));
  const scored = found.map((r, i) => (r.status === "fulfilled"
    ? { key: wanted[i], data: r.value, score: similarity(articleText(r.value.art), own) } : null)).filter(Boolean);
  if (!scored.length) return null;
  const same = scored.find((c) => c.key === candidates[0]);
  const best = scored.reduce((x, y) => (y.score > x.score ? y : x));
  return same && best.score < same.score + 0.15 ? same : best;
}

/** Compare this article with its counterpart in another version. */
function diffSection(ctx, n) {
  const current = versionId(n.version) || pick(n.art, "version_id");
  const others = n.versions.filter((v) => versionId(v) !== current);
  if (!others.length) return null;
  const sorted = [...n.versions].sort((a, b) => versionFrom(a).localeCompare(versionFrom(b)));
  const idx = sorted.findIndex((v) => versionId(v) === current);
  const def = sorted[idx - 1] || sorted[idx + 1] || others[0];
  const select = h("select", { id: "cmp-version", name: "version" }, others.map((v) =>
    h("option", { value: versionId(v), selected: versionId(v) === versionId(def) }, `${versionName(v)} (${versionDates(v)})`)));
  const keyInput = h("input", { id: "cmp-key", name: "article", value: "", size: "10", placeholder: t("art.auto"), inputmode: "text" });
  const out = h("div", { class: "diff-out", "aria-live": "polite", dataset: { testid: "diff" } });
  const run = async () => {
    replace(out, h("p", { class: "muted" }, t("common.loading")));
    const vid = select.value;
    const other = others.find((o) => versionId(o) === vid) || {};
    try {
      let match;
      let auto = false;
      if (keyInput.value.trim()) {
        match = { key: keyInput.value.trim(), data: await fetchArticle(ctx.law, keyInput.value.trim(), vid) };
      } else {
        match = await counterpart(ctx.law, n.art, vid);
        auto = true;
        if (!match) throw new ApiError(404, "article_not_found", "");
      }
      const otherFrom = versionFrom(other);
      const ownFrom = versionFrom(n.version) || pick(n.art, "effective_from") || "";
      const olderFirst = otherFrom <= ownFrom;
      const [before, after] = olderFirst ? [match.data.art, n.art] : [n.art, match.data.art];
      const ops = diff(articleText(before), articleText(after));
      const changed = ops.some((o) => o.op !== "eq");
      const renumbered = pick(match.data.art, "key") !== pick(n.art, "key");
      replace(out,
        h("p", { class: "muted small" }, t("art.diffBetween", {
          a: `${pick(before, "label_zh") || pick(before, "label_en") || ""} (${olderFirst ? otherFrom : ownFrom})`,
          b: `${pick(after, "label_zh") || pick(after, "label_en") || ""} (${olderFirst ? ownFrom : otherFrom})`,
        })),
        auto && renumbered ? h("p", { class: "note" }, t("art.renumbered", { label: pick(match.data.art, "label_zh") || match.key, date: otherFrom })) : null,
        changed ? renderDiff(ops) : h("p", null, t("art.noChange")),
        h("p", { class: "legend small" }, h("ins", null, t("art.inserted")), " ", h("del", null, t("art.deleted"))));
    } catch (err) {
      replace(out, h("p", { class: "error-text" }, err instanceof ApiError && err.status === 404 ? t("art.noCounterpart") : err.message));
    }
  };
  select.addEventListener("change", run);
  const form = h("form", { class: "inline-form", onsubmit: (ev) => { ev.preventDefault(); run(); } },
    h("label", { for: "cmp-version" }, t("art.compareWith")), select,
    h("label", { for: "cmp-key" }, t("art.articleNo")), keyInput,
    h("button", { type: "submit", class: "btn" }, t("art.compare")));
  run();
  return h("section", { class: "panel", "aria-labelledby": "diff-title" },
    h("h2", { id: "diff-title" }, t("art.whatChanged")),
    h("p", { class: "muted small" }, t("art.diffHelp")),
    form, out);
}

async function picker(main, ctx) {
  const lawSelect = h("select", { id: "pick-law", name: "law", required: true });
  const keyInput = h("input", { id: "pick-key", name: "article", required: true, placeholder: "1019 / 第一千零一十九条", size: "18" });
  const form = h("form", { class: "stack-form", onsubmit: (ev) => {
    ev.preventDefault();
    if (!lawSelect.value || !keyInput.value.trim()) return;
    location.hash = articleHref(lawSelect.value, keyInput.value.trim());
  } },
  h("label", { for: "pick-law" }, t("art.law")), lawSelect,
  h("label", { for: "pick-key" }, t("art.articleNo")), keyInput,
  h("button", { type: "submit", class: "btn btn-primary" }, t("art.open")));
  replace(main, h("section", { class: "view" }, h("h1", { tabindex: "-1" }, t("art.pickTitle")), h("p", null, t("art.pickHelp")), form));
  try {
    const laws = (await loadLaws()).sort((a, b) => lawSortKey(a).localeCompare(lawSortKey(b)));
    replace(lawSelect, laws.map((l) => h("option", { value: l.law_id, selected: l.law_id === ctx.law }, lawName(l))));
  } catch (err) {
    form.append(h("p", { class: "error-text" }, err.message));
  }
  return { focus: () => lawSelect.focus() };
}

let renders = 0;  // a newer article render (another article, or the same at another date) wins over a slower older one

export async function render(main, route) {
  const mine = ++renders;
  const [law, key] = route.parts.map(decodeURIComponent);
  if (!law || !key) return picker(main, { law });
  const version = route.params.get("version") || "";
  const asOf = version ? "" : route.params.get("as_of") || state.asOf || "";
  replace(main, h("section", { class: "view" }, h("p", { class: "muted" }, t("common.loading"))));
  let n;
  try {
    n = normalize(await getJSON(`/v1/laws/${encodeURIComponent(law)}/articles/${encodeURIComponent(articleKey(key))}`, { as_of: asOf, version }));
  } catch (err) {
    if (mine !== renders) return null;
    const msg = err instanceof ApiError && err.status === 404
      ? (asOf ? t("art.notFoundAsOf", { date: asOf }) : t("art.notFound")) : err.message;
    replace(main, h("section", { class: "view" },
      h("h1", { tabindex: "-1" }, `${law} · ${key}`),
      h("p", { class: "error-text", role: "alert" }, msg),
      h("p", null, h("a", { href: lawHref(law) }, t("art.browseLaw")))));
    return null;
  }
  const { art } = n;
  const titles = new Map([[pick(n.law, "law_id") || law, lawName(n.law)]]);
  try { (await loadLaws()).forEach((l) => titles.set(l.law_id, lawName(l))); } catch { /* titles fall back to ids */ }
  const labelZh = pick(art, "label_zh");
  const labelEn = pick(art, "label_en");
  const currentVid = versionId(n.version) || pick(art, "version_id") || "";
  const verInfo = { ...(n.versions.find((v) => versionId(v) === currentVid) || {}), ...n.version };
  const lawTitle = lawName(n.law) || law;
  const textEn = pick(art, "text_en");
  const hasEn = Boolean(textEn || asArray(pick(art, "paragraphs_en")).length);
  const articleId = pick(art, "article_id") || `${currentVid}#${articleKey(key)}`;

  const view = h("section", { class: "view view-article", "aria-labelledby": "art-title" },
    h("nav", { class: "breadcrumb", "aria-label": t("art.position") },
      h("ol", null,
        h("li", null, h("a", { href: lawHref(law, currentVid), lang: "zh-CN" }, lawTitle)),
        n.path.map((p) => h("li", { lang: "zh-CN" }, typeof p === "string" ? p : pick(p, "display", "title", "label") || "")))),
    h("h1", { id: "art-title", tabindex: "-1" },
      h("span", { lang: "zh-CN" }, labelZh || ""), labelZh && labelEn ? h("span", { class: "muted" }, " · ") : null, labelEn || ""),
    h("p", { class: "version-line" },
      statusBadge(pick(verInfo, "status")), " ",
      h("span", null, `${t("art.version")}: `, h("strong", null, versionName(verInfo))), " · ",
      h("span", { dataset: { testid: "version-dates" } }, versionDates({ ...verInfo, effective_from: versionFrom(verInfo) || pick(art, "effective_from"), effective_to: pick(verInfo, "effective_to") || pick(art, "effective_to") })),
      asOf ? h("span", { class: "asof-note" }, ` · ${t("art.shownAsOf", { date: asOf })}`) : null,
      pick(verInfo, "official") === false ? h("span", { class: "badge badge-warn" }, t("art.unofficial")) : null),
    h("div", { class: ["bilingual", hasEn ? "" : "single"] },
      h("div", { class: "text-col", lang: "zh-CN" }, h("h2", null, "中文"), h("div", { class: "statute", dataset: { testid: "text-zh" } },
        paragraphs(pick(art, "paragraphs_zh"), pick(art, "text_zh")))),
      hasEn ? h("div", { class: "text-col", lang: "en" }, h("h2", null, "English"), h("div", { class: "statute statute-en" },
        paragraphs(pick(art, "paragraphs_en"), textEn)), h("p", { class: "muted small" }, t("art.translationNote")))
        : headnoteBox(art.headnote) || h("p", { class: "muted small no-en" }, t("art.noEnglish"))),
    h("div", { class: "grid-2" },
      h("section", { class: "panel", "aria-labelledby": "ver-title" },
        h("h2", { id: "ver-title" }, t("art.versions")),
        h("ol", { class: "versions", dataset: { testid: "versions" } }, n.versions.map((v) => {
          const vid = versionId(v);
          const current = vid === currentVid;
          const present = v.present !== false;
          return h("li", { class: [current ? "current" : "", present ? "" : "absent"] },
            current ? h("strong", { "aria-current": "true" }, versionName(v))
              : present ? h("a", { href: articleHref(law, key, { version: vid }) }, versionName(v)) : h("span", null, versionName(v)),
            " ", h("span", { class: "muted small" }, versionDates(v)), " ", statusBadge(pick(v, "status")),
            !present ? h("span", { class: "chip" }, t("art.absent")) : null,
            v.text_changed === true ? h("span", { class: "chip chip-changed" }, t("art.changed")) : null,
            v.text_changed === false ? h("span", { class: "chip" }, t("art.unchanged")) : null);
        }))),
      h("section", { class: "panel", "aria-labelledby": "refs-title" },
        h("h2", { id: "refs-title" }, t("art.references")),
        n.references.length ? h("ul", { class: "links" }, n.references.map((e) => edgeLink(e, "out", titles))) : h("p", { class: "muted" }, t("art.none")),
        h("h2", null, t("art.citedBy")),
        n.citedBy.length ? citedByList(n.citedBy, titles) : h("p", { class: "muted" }, t("art.none")),
        h("p", null, h("a", { class: "btn", href: graphHref(articleId, 1) }, t("art.graph"))))),
    diffSection({ law, key }, n),
  );
  if (mine !== renders) return null;
  replace(main, view);
  return null;
}

/** Our plain-English summary beside a Chinese-only article, labelled as ours and not law. */
function headnoteBox(head) {
  if (!head || !head.en) return null;
  return h("aside", { class: "text-col headnote", lang: "en", dataset: { testid: "headnote" } },
    h("h2", null, t("art.headnote")), h("p", null, head.en), h("p", { class: "muted small" }, t("art.headnoteNote")));
}
