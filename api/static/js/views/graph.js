// Citation graph around one article as SVG: nodes = articles, edges = references (arrow from the citing
// article to the cited one). Radial layout by distance from the centre; every node is a link.
import { h, s } from "../dom.js";
import { t } from "../i18n.js";
import { articleHref, asArray, graphHref, parseArticleId, pick } from "../util.js";

const PALETTE = ["#1f4e79", "#8a3b12", "#2e6b30", "#6a2c70", "#7a5c00", "#0f5f5f", "#8b1e3f", "#3d3d8f"];

function colorFor(law, laws) {
  if (!laws.has(law)) laws.set(law, PALETTE[laws.size % PALETTE.length]);
  return laws.get(law);
}

function shortTitle(title) {
  return String(title || "").replace(/^中华人民共和国/, "").replace(/^最高人民法院(、最高人民检察院)?关于/, "").slice(0, 10);
}

export function normalizeGraph(data) {
  const nodes = asArray(pick(data, "nodes")).map((n) => {
    const id = pick(n, "id", "article_id");
    const ids = parseArticleId(id);
    return {
      id,
      law: pick(n, "law_id", "law") || ids.law,
      key: pick(n, "key", "article") || ids.key,
      inCorpus: n.in_corpus !== false,
      version: pick(n, "version_id") || ids.versionId,
      label: pick(n, "label_zh", "label") || (pick(n, "article") || ids.key ? t("art.articleN", { n: pick(n, "article") || ids.key }) : ""),
      title: pick(n, "title_zh", "law_title", "title") || ids.law,
    };
  });
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const edges = asArray(pick(data, "edges", "links")).map((e) => ({
    source: pick(e, "source", "src", "src_article_id", "from"),
    target: pick(e, "target", "dst", "dst_article_id", "to"),
    kind: pick(e, "kind") || "",
  })).filter((e) => byId.has(e.source) && byId.has(e.target) && e.source !== e.target);
  return { nodes, edges, byId };
}

/** Radial layout: the centre in the middle, each further ring in the angular sector of its parent, so
 *  chains fan out instead of lining up. */
function layout(nodes, edges, centerId, width, height) {
  const adj = new Map(nodes.map((n) => [n.id, new Set()]));
  for (const e of edges) { adj.get(e.source).add(e.target); adj.get(e.target).add(e.source); }
  const order = (a, b) => `${a}`.localeCompare(`${b}`, undefined, { numeric: true });
  const dist = new Map([[centerId, 0]]);
  const parent = new Map();
  const queue = [centerId];
  while (queue.length) {
    const cur = queue.shift();
    for (const nb of [...(adj.get(cur) || [])].sort(order)) {
      if (!dist.has(nb)) { dist.set(nb, dist.get(cur) + 1); parent.set(nb, cur); queue.push(nb); }
    }
  }
  const maxRing = Math.max(1, ...dist.values());
  const loose = nodes.filter((n) => !dist.has(n.id));
  const rings = maxRing + (loose.length ? 1 : 0);
  const cx = width / 2;
  const cy = height / 2;
  const step = (Math.min(width, height) / 2 - 60) / rings;
  const pos = new Map([[centerId, { x: cx, y: cy }]]);
  const sector = new Map([[centerId, [-Math.PI / 2, (3 * Math.PI) / 2]]]);
  const children = new Map();
  for (const [child, par] of parent) {
    if (!children.has(par)) children.set(par, []);
    children.get(par).push(child);
  }
  const place = (id, depth) => {
    const kids = (children.get(id) || []).sort(order);
    const [lo, hi] = sector.get(id);
    const span = (hi - lo) / Math.max(kids.length, 1);
    kids.forEach((kid, i) => {
      const start = lo + span * i;
      const angle = depth === 0 ? start : start + span / 2;
      const r = step * (depth + 1) - (kids.length > 14 && i % 2 ? step * 0.3 : 0);
      pos.set(kid, { x: cx + r * Math.cos(angle), y: cy + r * Math.sin(angle) });
      sector.set(kid, depth === 0 ? [angle - span / 2, angle + span / 2] : [start, start + span]);
      place(kid, depth + 1);
    });
  };
  place(centerId, 0);
  loose.forEach((n, i) => {
    const angle = (2 * Math.PI * i) / loose.length;
    pos.set(n.id, { x: cx + step * rings * Math.cos(angle), y: cy + step * rings * Math.sin(angle) });
  });
  return pos;
}

export function renderGraph(data, centerId) {
  const { nodes, edges, byId } = normalizeGraph(data);
  if (!nodes.length || !edges.length) return h("p", { class: "note" }, t("ex.graphEmpty"));
  const center = byId.has(centerId) ? centerId : nodes[0].id;
  const narrow = window.innerWidth < 640; // phones: a smaller canvas keeps labels legible instead of scaling them down
  const width = narrow ? 400 : 820;
  const height = narrow ? 520 : 600;
  const pos = layout(nodes, edges, center, width, height);
  const laws = new Map();
  const R = 9;
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, class: "graph", role: "img", "aria-labelledby": "graph-desc" },
    s("title", { id: "graph-desc" }, t("ex.graphAria", { n: nodes.length, m: edges.length })),
    s("defs", null, s("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse" },
      s("path", { d: "M0,0 L10,5 L0,10 z", fill: "#555" }))),
    s("g", { class: "edges" }, edges.map((e) => {
      const a = pos.get(e.source);
      const b = pos.get(e.target);
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const len = Math.hypot(dx, dy) || 1;
      const rb = e.target === center ? R + 6 : R + 2;
      const ra = e.source === center ? R + 6 : R + 2;
      return s("line", { x1: a.x + (dx / len) * ra, y1: a.y + (dy / len) * ra, x2: b.x - (dx / len) * rb, y2: b.y - (dy / len) * rb,
        class: `edge edge-${e.kind}`, "marker-end": "url(#arrow)" });
    })),
    s("g", { class: "nodes" }, nodes.map((n) => {
      const p = pos.get(n.id);
      const isCenter = n.id === center;
      const color = n.inCorpus ? colorFor(n.law, laws) : "#ffffff";
      const name = `${n.title} ${n.label}`;
      const text = `${shortTitle(n.title)} ${n.label}`;
      const anchor = p.x < width / 2 - 5 ? "end" : p.x > width / 2 + 5 ? "start" : "middle";
      const tx = anchor === "end" ? p.x - R - 4 : anchor === "start" ? p.x + R + 4 : p.x;
      const ty = anchor === "middle" ? (p.y < height / 2 ? p.y - R - 6 : p.y + R + 14) : p.y + 4;
      const shape = [
        s("title", null, n.inCorpus ? name : `${name} (${t("art.notInCorpus")})`),
        s("circle", { cx: p.x, cy: p.y, r: isCenter ? R + 4 : R, fill: n.inCorpus ? color : "#ffffff", stroke: n.inCorpus ? null : "#6b6b6b", "stroke-dasharray": n.inCorpus ? null : "3 2" }),
        s("text", { x: isCenter ? p.x + R + 8 : tx, y: isCenter ? p.y - R - 6 : ty, "text-anchor": isCenter ? "start" : anchor, lang: "zh-CN" }, text),
      ];
      if (!n.inCorpus) return s("g", { class: "node node-out" }, shape);
      return s("a", { href: articleHref(n.law, n.key, { version: n.version.includes("@") ? n.version : "" }), class: isCenter ? "node node-center" : "node", "aria-label": name }, shape);
    })));
  for (const n of nodes) if (n.inCorpus) colorFor(n.law, laws);
  const legend = h("ul", { class: "graph-legend" }, [...laws.entries()].map(([law, color]) => {
    const n = nodes.find((x) => x.law === law);
    return h("li", null, h("span", { class: "swatch", style: null, dataset: { color } }), h("span", { lang: "zh-CN" }, n ? n.title : law));
  }));
  legend.querySelectorAll(".swatch").forEach((el) => { el.style.backgroundColor = el.dataset.color; });
  const table = h("details", { class: "graph-table" }, h("summary", null, t("ex.graphList", { n: nodes.length })),
    h("ul", { class: "links" }, nodes.map((n) => h("li", null,
      n.inCorpus ? h("a", { href: articleHref(n.law, n.key, { version: n.version.includes("@") ? n.version : "" }), lang: "zh-CN" }, `${n.title} ${n.label}`)
        : h("span", { lang: "zh-CN" }, `${n.title} ${n.label} (${t("art.notInCorpus")})`),
      n.id !== center && n.inCorpus ? [" · ", h("a", { href: graphHref(n.id, 1), class: "small" }, t("ex.centerHere"))] : null))));
  return h("div", { class: "graph-wrap" }, h("div", { class: "graph-scroll" }, svg), legend,
    h("p", { class: "muted small" }, t("ex.graphKey")), table);
}
