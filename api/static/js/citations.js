// A citation card: law, article, version, verbatim quote (zh) with its English text, and links to the
// article viewer and the official source. Used by chat answers and listing findings.
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { state } from "./state.js";
import { articleHref, pick } from "./util.js";

export function citationTitle(c) {
  const zh = pick(c, "title_zh", "law_title", "law") || "";
  const en = pick(c, "title_en");
  return state.lang === "en" && en ? en : zh;
}

/** "Art. 1019" from label_en ("Article 1019") or the article key ("1019", "253之一" → "253a"). */
export function englishArticle(c) {
  const en = pick(c, "label_en");
  if (en) return String(en).replace(/^Article\s+/, "Art. ");
  const article = String(pick(c, "article") || "");
  const key = String(pick(c, "article_key", "key") || (article.startsWith("第") ? "" : article));
  if (!key) return "";
  return `Art. ${["之一", "之二", "之三", "之四", "之五"].reduce((k, s, i) => k.replace(s, "abcde"[i]), key)}`;
}

/** The article label in the interface's language: 第一千零一十九条 in Chinese, Art. 1019 in English. */
export function citationLabel(c) {
  const zh = pick(c, "article_label", "label_zh", "article") || "";
  const label = state.lang === "en" ? englishArticle(c) || zh : zh;
  const para = pick(c, "paragraph");
  if (!para) return String(label);
  return state.lang === "zh" ? `${label}第${para}款` : `${label} ${t("cite.para", { n: para })}`;
}

export function citationHref(c) {
  const law = pick(c, "law_id", "law");
  const key = pick(c, "key", "article_key", "article");
  return articleHref(law, key, { version: pick(c, "version_id", "version") });
}

export function renderCitation(c, index) {
  const inForce = c.in_force !== false;
  const quote = pick(c, "quote", "text_zh", "text");
  const textEn = pick(c, "text_en", "quote_en");
  const src = pick(c, "source_url");
  const eff = pick(c, "effective_from");
  return h("li", { class: "citation", id: index !== undefined ? `cite-${index + 1}` : null },
    h("div", { class: "citation-head" },
      index !== undefined ? h("span", { class: "cite-num" }, `[${index + 1}]`) : null,
      h("a", { class: "cite-link", href: citationHref(c) },
        h("span", { lang: "zh-CN" }, citationTitle(c)), " ", h("span", { class: "cite-article" }, citationLabel(c))),
      h("span", { class: inForce ? "badge badge-ok" : "badge badge-warn" }, inForce ? t("cite.inForce") : t("cite.notInForce")),
      c.penalty ? h("span", { class: "badge badge-bad" }, t("cite.penalty")) : null,
    ),
    h("div", { class: "citation-meta" },
      eff ? t("cite.version", { date: eff }) : null,
      src ? [" · ", h("a", { href: src, rel: "noopener noreferrer", target: "_blank" }, t("cite.source"))] : null),
    !inForce && pick(c, "in_force_version") ? h("p", { class: "small" },
      h("a", { href: articleHref(pick(c, "law_id", "law"), pick(c, "article"), { version: c.in_force_version }) }, t("cite.seeInForce"))) : null,
    quote ? h("blockquote", { class: "quote", lang: "zh-CN" }, quote) : null,
    textEn && c.text_en_source === "headnote" ? h("p", { class: "small headnote-label" }, t("cite.headnote")) : null,
    textEn ? h("blockquote", { class: "quote quote-en", lang: "en" }, textEn) : null,
  );
}

export function renderCitations(list) {
  return h("ol", { class: "citations" }, list.map((c, i) => renderCitation(c, i)));
}
