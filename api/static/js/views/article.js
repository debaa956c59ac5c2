// Article viewer: Chinese text beside the English translation, its place in the law (编/章/节), the
// versions with dates and a char/word diff between them, cross-references and cited-by as links.
import { ApiError, getJSON } from "../api.js";
import { h, replace } from "../dom.js";
import { t } from "../i18n.js";
import { lawName, lawSortKey, loadLaws } from "../laws.js";
import { state } from "../state.js";
import { articleHref, articleHrefFromId, articleKey, asArray, compareHref, graphHref, lawHref, parseArticleId, pick } from "../util.js";

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
    const now = pick(edge, "current_article_id");
    return h("li", null, href ? h("a", { href, lang: "zh-CN" }, label || text) : h("span", { lang: "zh-CN" }, label || text),
      text && text !== label ? h("span", { class: "muted small", lang: "zh-CN" }, ` — “${text}”`) : null,
      now ? h("span", { class: "small", dataset: { testid: "now" } }, " — ", h("a", { href: articleHrefFromId(now) },
        t("art.nowN", { n: pick(edge, "current_key") }))) : null,
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
      h("a", { href: articleHrefFromId(src), title: pick(e, "text") || null }, t("art.articleN", { n: parseArticleId(src).key }))]),
    earlierNote([...byId.values()]))));
}

/** "(cites the earlier text: Art. 6 of 2019-04-23)" when a citing law's references name a superseded text. */
function earlierNote(edges) {
  const earlier = [...new Set(edges.map((e) => pick(e, "earlier_article_id")).filter(Boolean))];
  if (!earlier.length) return null;
  return h("span", { class: "muted small", dataset: { testid: "earlier" } }, " ", t("art.citesEarlier", {
    list: earlier.map((id) => { const p = parseArticleId(id); return t("art.articleOf", { n: p.key, date: p.effectiveFrom }); }).join(", "),
  }));
}

function renderDiff(ops) {
  return h("p", { class: "diff", lang: "zh-CN" }, ops.map((op) => op.op === "eq" ? op.text
    : h(op.op, { title: op.op === "ins" ? t("art.inserted") : t("art.deleted") }, op.text)));
}

/** The provision across the versions of its law, matched by lineage (GET …/history): one block per step with
 *  the server's diff against the step before it, renumbering, and parts split off or merged in. */
function historySection(ctx, n, currentVid) {
  const out = h("div", { class: "diff-out", "aria-live": "polite", dataset: { testid: "diff" } }, h("p", { class: "muted" }, t("common.loading")));
  const label = (step) => pick(step, "label_zh", "label_en") || t("art.articleN", { n: step.key });
  const dateOf = (step) => pick(step.version, "effective_from") || "";
  (async () => {
    try {
      const data = await getJSON(`/v1/laws/${encodeURIComponent(ctx.law)}/articles/${encodeURIComponent(articleKey(ctx.key))}/history`, { version: currentVid });
      const steps = asArray(data.steps);
      const blocks = [];
      steps.forEach((step, i) => {
        const prev = steps[i - 1];
        const parts = [...asArray(step.also_from).map((p) => ["art.mergedFrom", p]), ...asArray(step.also_to).map((p) => ["art.splitInto", p])];
        const partList = parts.length ? h("ul", { class: "links small" }, parts.map(([key, p]) => h("li", null, t(key, {}),
          " ", h("a", { href: articleHrefFromId(p.article_id) }, t("art.articleN", { n: p.key })), ` (${parseArticleId(p.article_id).effectiveFrom})`))) : null;
        if (!prev) {
          blocks.push(h("div", { class: "lineage-step" }, h("p", { class: "muted small" },
            data.new_in && data.new_in === pick(step.version, "version_id") ? t("art.newIn", { label: label(step), date: dateOf(step) })
              : t("art.firstSeen", { label: label(step), date: dateOf(step) })), partList));
          return;
        }
        const ops = asArray(step.diff);
        blocks.push(h("div", { class: "lineage-step", dataset: { kind: step.kind || "" } },
          h("p", { class: "muted small" }, t("art.diffBetween", { a: `${label(prev)} (${dateOf(prev)})`, b: `${label(step)} (${dateOf(step)})` }),
            " ", h("span", { class: "chip" }, t(`kind.${step.kind}`, {}, step.kind))),
          prev.key !== step.key ? h("p", { class: "note" }, t("art.renumbered", { label: label(prev), date: dateOf(prev) })) : null,
          ops.length ? renderDiff(ops) : h("p", null, t("art.noChange")), partList));
      });
      if (data.deleted_in) blocks.push(h("p", { class: "note" }, t("art.deletedIn", { date: parseArticleId(`${data.deleted_in}#`).effectiveFrom })));
      if (steps.length < 2 && !data.deleted_in) blocks.push(h("p", { class: "muted" }, t("art.oneVersion")));
      replace(out, blocks, h("p", { class: "legend small" }, h("ins", null, t("art.inserted")), " ", h("del", null, t("art.deleted"))));
    } catch (err) {
      replace(out, h("p", { class: "error-text" }, err.message));
    }
  })();
  return h("section", { class: "panel", "aria-labelledby": "diff-title" },
    h("h2", { id: "diff-title" }, t("art.whatChanged")),
    h("p", { class: "muted small" }, t("art.diffHelp"), " ", h("a", { href: compareHref(ctx.law) }, t("art.compareLaw"))),
    out);
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
              : present ? h("a", { href: articleHref(law, v.key || key, { version: vid }) }, versionName(v)) : h("span", null, versionName(v)),
            " ", h("span", { class: "muted small" }, versionDates(v)), " ", statusBadge(pick(v, "status")),
            present && v.key && v.key !== articleKey(key) ? h("span", { class: "chip" }, t("art.thereN", { n: v.key })) : null,
            !present ? h("span", { class: "chip" }, t("art.absent")) : null,
            v.text_changed === true ? h("span", { class: "chip chip-changed" }, t("art.changed")) : null,
            v.text_changed === false ? h("span", { class: "chip" }, t("art.unchanged")) : null);
        }))),
      h("section", { class: "panel", "aria-labelledby": "refs-title" },
        h("h2", { id: "refs-title" }, t("art.references")),
        n.references.length ? h("ul", { class: "links" }, n.references.map((e) => edgeLink(e, "out", titles))) : h("p", { class: "muted" }, t("art.none")),
        h("h2", null, t("art.citedBy")),
        n.citedBy.length ? citedByList(n.citedBy, titles) : h("p", { class: "muted" }, t("art.none")),
        h("p", null, h("a", { class: "btn", href: graphHref(articleId, 2, law, key) }, t("art.graph"))))),
    historySection({ law, key }, n, currentVid),
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
