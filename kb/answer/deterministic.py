"""The default answerer: no LLM. Spots the issues, groups the evidence by issue, quotes the decisive
sentences verbatim (sentence-level overlap with the question's terms + expansions, favouring normative
sentences) and says, per issue, what the law requires, citing law + article (+ paragraph)."""

from __future__ import annotations

from dataclasses import dataclass

from kb.answer import issues as issue_data
from kb.answer.evidence import Evidence, LawCache, cite
from kb.answer.models import Citation, Draft, IssueFinding
from kb.answer.text import normative_weight, query_terms, split_sentences, term_hits
from kb.lang import has_han
from kb.records import ArticleRecord, Hit

MAX_ARTICLES = 6
MAX_QUOTE_CHARS = 260
ZH_ORDINALS = "一二三四五六七八九十"


@dataclass
class _Pick:
    hit: Hit
    issue: str
    sentences: list[str]
    weight: float = 0.0  # retrieval rank prior + best sentence score: the order within an issue


def _term_weight(term: str) -> float:
    return 1.5 if (len(term) >= 4 or (has_han(term) and len(term) >= 3)) else 1.0


def decisive_sentences(article: ArticleRecord, terms: list[str], limit: int = 2) -> list[str]:
    """The sentences of the article that best answer the question, in the article's order."""
    return scored_sentences(article, terms, limit)[0]


def scored_sentences(article: ArticleRecord, terms: list[str], limit: int = 2) -> tuple[list[str], float]:
    text = article.text_zh or article.text_en or ""
    sentences = split_sentences(text)
    if not sentences:
        return [], 0.0
    scored = []
    for i, s in enumerate(sentences):
        overlap = sum(_term_weight(t) for t in term_hits(s, terms))
        score = overlap + 0.6 * normative_weight(s) - 0.02 * i
        if len(s) > MAX_QUOTE_CHARS:
            score -= 0.5
        if s.startswith(("（", "(")):  # an item (项) says less than the paragraph that frames it
            score -= 0.3
        if s.startswith("本法所称") or "是指" in s:  # definitions rarely decide a question
            score -= 0.5
        scored.append((score, i, s))
    scored.sort(key=lambda x: -x[0])
    best = scored[0]
    chosen = [best]
    for cand in scored[1:limit]:
        if cand[0] >= 0.8 * best[0] and cand[0] > 0 and len(best[2]) + len(cand[2]) <= 2 * MAX_QUOTE_CHARS:
            chosen.append(cand)
    for _, i, s in list(chosen):  # an item (项) is quoted with the sentence that frames it ("…不得有下列情形：")
        if s.startswith(("（", "(")):
            lead = next((j for j in range(i - 1, -1, -1) if sentences[j].rstrip().endswith(("：", ":"))), None)
            if lead is not None and all(j != lead for _, j, _ in chosen):
                chosen.append((best[0], lead, sentences[lead]))
    chosen.sort(key=lambda x: x[1])
    return [s for _, _, s in chosen], best[0]


def _modality(sentence: str, lang: str) -> str:
    zh = has_han(sentence)
    low = sentence.lower()
    if (zh and any(w in sentence for w in ("有期徒刑", "拘役", "罚金", "罚款", "没收", "吊销", "拘留"))) or (
        not zh and any(w in low for w in ("imprisonment", "fine", "penalt", "confiscat"))
    ):
        return "规定了处罚" if lang == "zh" else "sets the sanction"
    if (zh and any(w in sentence for w in ("不得", "禁止"))) or (not zh and any(w in low for w in ("shall not", "may not", "prohibit"))):
        return "禁止" if lang == "zh" else "prohibits"
    if (zh and any(w in sentence for w in ("应当", "必须", "应"))) or (not zh and any(w in low for w in ("shall", "must"))):
        return "要求" if lang == "zh" else "requires"
    if (zh and any(w in sentence for w in ("承担", "赔偿", "责任"))) or (not zh and "liab" in low):
        return "规定了责任" if lang == "zh" else "sets the liability"
    if (zh and "有权" in sentence) or (not zh and "right" in low):
        return "赋予权利" if lang == "zh" else "grants the right"
    return "规定" if lang == "zh" else "provides"


def _zh_num(n: int) -> str:
    from kb.numerals import to_chinese

    return to_chinese(n)


def pin(c: Citation, lang: str) -> str:
    if lang == "zh":
        label = c.article_label or f"第{c.article}条"
        para = f"第{_zh_num(c.paragraph)}款" if c.paragraph else ""
        item = f"第（{_zh_num(c.item)}）项" if c.item else ""
        return f"《{c.title_zh}》{label}{para}{item}"
    title = c.title_en or c.title_zh
    para = (f"({c.paragraph})" if c.paragraph else "") + (f", item ({c.item})" if c.item else "")
    zh_label = f" [{c.title_zh} {c.article_label}]" if c.article_label and c.title_en else ""
    return f"{title}, Article {c.article}{para}{zh_label}"


class DeterministicAnswerer:
    name = "deterministic"

    def answer(self, evidence: Evidence) -> Draft:
        lang = evidence.lang
        laws = LawCache(evidence.store)
        terms = query_terms(evidence.question, evidence.expansions)
        spotted = issue_data.spot(evidence.question, evidence.expansions)
        hits = evidence.hits[:MAX_ARTICLES]
        shown = {h.article.article_id for h in hits}
        # the article punishing a cited rule comes with it, even past the cut ("第九条禁止…; 第五十七条罚款…")
        hits += [h for h in evidence.hits[MAX_ARTICLES:MAX_ARTICLES + 2] if h.penalty_for in shown]

        picks: list[_Pick] = []
        for pos, hit in enumerate(hits, 1):
            sentences, top = scored_sentences(hit.article, terms)
            if not sentences:
                continue
            aff = issue_data.article_affinity(hit.article, laws.law(hit.article.law_id))
            among = {i: aff[i] * (1.0 + 0.25 * spotted[i]) for i in aff if i in spotted}
            pool = among or aff
            chosen = max(pool, key=lambda i: pool[i]) if pool else issue_data.GENERAL.id
            picks.append(_Pick(hit, chosen, sentences, weight=top + 4.0 / pos))

        order: list[str] = []
        for p in picks:  # issues ordered by their best-ranked article
            if p.issue not in order:
                order.append(p.issue)

        citations: list[Citation] = []
        findings: list[IssueFinding] = []
        sections: list[str] = []
        shown_en: set[str] = set()
        for n, issue_id in enumerate(order, 1):
            issue = issue_data.by_id(issue_id)
            label = issue.label(lang)
            lines: list[str] = []
            summary_bits: list[str] = []
            keys: list[str] = []
            for p in sorted((p for p in picks if p.issue == issue_id), key=lambda p: -p.weight):
                for sentence in p.sentences:
                    c = cite(p.hit.article, sentence, laws, issue=issue_id)
                    citations.append(c)
                    keys.append(p.hit.article.article_id)
                    mod = _modality(sentence, lang)
                    where = pin(c, lang)
                    if lang == "zh":
                        lines.append(f"{where}{mod}：“{sentence}”")
                    else:
                        lines.append(f"{where} {mod}: “{sentence}”")
                        if c.text_en and c.text_en not in shown_en:  # one translation per passage, not per quote
                            shown_en.add(c.text_en)
                            lines.append(f"    English text: “{c.text_en}”")
                    summary_bits.append(f"{where}{mod}" if lang == "zh" else f"{where} {mod}")
            summary = ("；".join(dict.fromkeys(summary_bits)) + "。") if lang == "zh" else ("; ".join(dict.fromkeys(summary_bits)) + ".")
            findings.append(IssueFinding(id=issue_id, label=label, summary=summary, citation_keys=list(dict.fromkeys(keys))))
            head = f"{ZH_ORDINALS[n - 1] if n <= 10 else n}、{label}" if lang == "zh" else f"{n}. {label}"
            sections.append("\n".join([head, *lines]))

        notes = self._version_notes(citations, laws, evidence, lang)
        unsupported = [issue_data.by_id(i).label(lang) for i in sorted(spotted, key=lambda i: -spotted[i]) if i not in order]
        if unsupported:  # say what the question raises that the evidence does not cover, instead of staying silent
            notes.append(
                "问题还涉及以下方面，但检索到的条文未直接涉及：" + "、".join(unsupported) + "。"
                if lang == "zh"
                else "The question also touches on the following, but the retrieved provisions do not address it: " + "; ".join(unsupported) + "."
            )
        labels = [f.label for f in findings if f.id != issue_data.GENERAL.id]
        if lang == "zh":
            day = f"{evidence.as_of.year}年{evidence.as_of.month}月{evidence.as_of.day}日"
            intro = ("本问题涉及：" + "、".join(labels) + f"。以下逐项引用{day}有效的条文原文：") if labels else f"{day}有效的相关条文原文如下："
        else:
            day = evidence.as_of.isoformat()
            intro = (
                ("Issues raised: " + "; ".join(labels) + f". What the law requires, quoted verbatim from the text in force on {day}:")
                if labels else f"The relevant provisions in force on {day}, quoted verbatim:"
            )
        text = "\n\n".join([intro, *sections, *(["\n".join(notes)] if notes else [])])
        return Draft(text=text, citations=citations, issues=findings, answerer=self.name, notes=notes)

    @staticmethod
    def _version_notes(citations: list[Citation], laws: LawCache, evidence: Evidence, lang: str) -> list[str]:
        """Name the other versions of each cited law, so the reader knows which one the citation is."""
        notes: list[str] = []
        seen: set[str] = set()
        for c in citations:
            if c.law in seen or evidence.store is None:
                continue
            seen.add(c.law)
            try:
                versions = evidence.store.versions(c.law)
            except Exception:
                continue
            others = [v for v in versions if v.version_id != c.version]
            if not others:
                continue
            dates = ", ".join(f"{v.effective_from or '?'} ({v.status})" for v in others)
            cur = c.effective_from.isoformat() if c.effective_from else "?"
            if lang == "zh":
                notes.append(f"版本说明：《{c.title_zh}》引用的是{evidence.as_of.isoformat()}有效的版本（{cur}起施行）；其他版本：{dates}。")
            else:
                notes.append(
                    f"Versions: {c.title_en or c.title_zh} is cited in the version in force on {evidence.as_of.isoformat()} "
                    f"(effective {cur}); other versions in the corpus: {dates}."
                )
        return notes
