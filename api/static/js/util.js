// Identifiers and links shared by the views (see docs/ARCHITECTURE.md "Identifiers").

const DIGITS = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const UNITS = { 十: 10, 百: 100, 千: 1000 };

/** "一千零一十九" -> 1019; plain digits pass through; NaN when not a number. */
export function parseChineseNumber(text) {
  if (/^\d+$/.test(text)) return Number(text);
  let total = 0;
  let section = 0;
  let digit = null;
  for (const ch of text) {
    if (ch in DIGITS) { digit = DIGITS[ch]; continue; }
    if (ch in UNITS) { section += (digit === null ? 1 : digit) * UNITS[ch]; digit = null; continue; }
    if (ch === "万") { total += (section + (digit || 0)) * 10000; section = 0; digit = null; continue; }
    return NaN;
  }
  return total + section + (digit || 0);
}

/** Article key for the API from a key, a Chinese label or an English label:
 *  "1019" | "第一千零一十九条" | "Article 1019" | "第二百五十三条之一" -> "1019" / "253之一". */
export function articleKey(value) {
  if (value === null || value === undefined) return "";
  const text = String(value).trim();
  const zh = text.match(/^第(.+?)条(之[一二三四五六七八九十]+)?/);
  if (zh) {
    const n = parseChineseNumber(zh[1]);
    if (!Number.isNaN(n)) return `${n}${zh[2] || ""}`;
  }
  const en = text.match(/^(?:Article|Art\.?)\s*(\d+)([a-z]?)/i);
  if (en) {
    const suffix = en[2] ? `之${"一二三四五六七八九"[en[2].toLowerCase().charCodeAt(0) - 97] || ""}` : "";
    return `${en[1]}${suffix}`;
  }
  return text;
}

/** "anti-unfair-competition-law@2019-04-23#6" -> {law, versionId, key, effectiveFrom}. */
export function parseArticleId(articleId) {
  const text = String(articleId || "");
  const hash = text.lastIndexOf("#");
  const versionId = hash === -1 ? text : text.slice(0, hash);
  const key = hash === -1 ? "" : text.slice(hash + 1);
  const at = versionId.lastIndexOf("@");
  const law = at === -1 ? versionId : versionId.slice(0, at);
  const effectiveFrom = at === -1 ? "" : versionId.slice(at + 1);
  return { law, versionId, key, effectiveFrom };
}

function hashQuery(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v) q.set(k, v);
  const str = q.toString();
  return str ? `?${str}` : "";
}

export function articleHref(law, key, { version, asOf } = {}) {
  return `#/article/${encodeURIComponent(law)}/${encodeURIComponent(articleKey(key))}${hashQuery({ version, as_of: asOf })}`;
}

export function articleHrefFromId(articleId) {
  const { law, versionId, key } = parseArticleId(articleId);
  return articleHref(law, key, { version: versionId.includes("@") ? versionId : "" });
}

/** The graph page around an article: by law + article number when given (what a person types), else by id. */
export function graphHref(articleId, depth, law, article) {
  const q = law && article ? { law, article: articleKey(article) } : { article: articleId };
  return `#/explore/graph${hashQuery({ ...q, depth: depth ? String(depth) : "" })}`;
}

export function compareHref(law, from, to) {
  return `#/explore/compare${hashQuery({ law, from, to })}`;
}

export function lawHref(law, version) {
  return `#/explore/law/${encodeURIComponent(law)}${hashQuery({ version })}`;
}

export function hashWith(base, params) {
  return base + hashQuery(params);
}

/** Pick the first present field among names (tolerates small schema differences). */
export function pick(obj, ...names) {
  if (!obj) return undefined;
  for (const n of names) if (obj[n] !== undefined && obj[n] !== null) return obj[n];
  return undefined;
}

export function asArray(value) {
  if (Array.isArray(value)) return value;
  if (value === null || value === undefined) return [];
  return [value];
}
