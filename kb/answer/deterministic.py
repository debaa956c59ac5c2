"""The default answerer: no LLM. Spots the question's issues, keeps the evidence articles that address them
(one copy of each: a national/ copy of a raw/ law is the raw/ article), and writes, in the language of the
question: a short answer (per issue, the issue guide's rule statement — ours, not law — only when its
governing article is in the evidence), then per issue the governing rule → exceptions → liability and
remedies → penalties quoted verbatim with paragraph/item pinpoints, what the corpus does not cover, and the
version note. Every line names the articles it rests on, so the service can drop a line whose citation the
gate removed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from kb.answer import guide as guide_data
from kb.answer import issues as issue_data
from kb.answer.evidence import Evidence, LawCache, canonical_hits, cite
from kb.answer.guide import GuideEntry
from kb.answer.models import Citation, Draft, IssueFinding, Segment
from kb.answer.text import _ITEM, normative_weight, query_terms, split_sentences, term_hits
from kb.lang import has_han
from kb.numerals import to_chinese
from kb.records import ArticleRecord, Hit

MAX_ARTICLES = 6  # the retrieval head the answer draws on (guide provisions of its issues may come from further down)
MAX_CITED = 9  # articles quoted at most
MAX_QUOTE_CHARS = 320
GUIDE_AFFINITY = 1.5  # an article the issue guide names speaks to the entry's issue (as a law id of the issue counts)
ZH_ORDINALS = "一二三四五六七八九十"
ROLE_ORDER = {"governing": 0, "definitions": 1, "exceptions": 2, "liability": 3, "penalties": 4}
ROLE_HEAD = {
    "zh": {"governing": "规则", "definitions": "定义", "exceptions": "例外", "liability": "责任与救济", "penalties": "处罚"},
    "en": {"governing": "Rule", "definitions": "Definition", "exceptions": "Exceptions", "liability": "Liability and remedies", "penalties": "Penalties"},
}
# Scope, commencement and definition sentences decide a question only when it asks about them.
_FRAME = re.compile(
    r"本(?:法|规定|办法|条例|解释|决定)(?:自.{0,20}施行|所称)|适用本(?:法|规定|办法|条例|解释)|施行前|是指|"
    r"(?:this|these) (?:law|provisions|measures|regulations|interpretation) (?:shall )?(?:come into force|apply|applies)|refers to",
    re.IGNORECASE,
)
_ASKS_FRAME = ("什么是", "是指", "定义", "含义", "范围", "适用于", "施行", "生效", "什么时候", "what is", "what counts", "define",
               "definition", "meaning", "scope", "apply to", "applies to", "in force", "take effect", "when did")
_ASKS_PENALTY = ("罚", "处罚", "吊销", "没收", "拘留", "fine", "penalt", "punish", "sanction", "revok", "confiscat")
_ASKS_LIABILITY = ("赔", "责任", "连带", "起诉", "索赔", "担责", "compensat", "damages", "liab", "sue ", "sue?", "claim", "pay for",
                   "responsib")
_ASKS_EXCEPTION = ("例外", "除外", "合理使用", "新闻", "不经", "无需", "不需要", "不必", "exception", "exempt", "fair use", "news",
                   "no need", "don't need", "do not need", "without needing")
_ASKS_CRIME = ("犯罪", "刑事", "坐牢", "判刑", "罪", "crime", "criminal", "prison", "jail", "offence", "offense")
_SANCTION_ZH = ("有期徒刑", "拘役", "罚金", "罚款", "没收", "吊销", "拘留", "责令停业")
_SANCTION_EN = ("imprisonment", "fine", "penalt", "confiscat", "revok")
_SANCTION_WORDS = (*_SANCTION_ZH, "罚", "违法所得", "倍以上", "倍以下", "处分")  # a sanction's words, not the conduct's
_EXCEPTION_ZH = ("可以不经", "不承担", "不构成", "不视为", "不适用本", "不需取得")
_LIABILITY_ZH = ("承担", "赔偿", "连带责任", "侵权责任", "民事责任")


def _zh_num(n: int) -> str:
    """Paragraph and item numbers in Chinese numerals."""
    return to_chinese(n)


@dataclass
class _Pick:
    hit: Hit
    pos: int  # 1-based position in the evidence
    group: str  # entry id (guide) or issue id
    issue: str
    role: str
    sentences: list[str]
    entry: GuideEntry | None = None
    weight: float = 0.0
    top: float = 0.0  # score of the best sentence (term overlap + normative words)
    overlap: float = 0.0  # the question's terms found in the quoted sentences (weighted)
    named: bool = False  # the issue guide names this provision
    matched: frozenset[str] = frozenset()  # the question's terms the quoted sentences hold
    on_point: bool = False  # one of the search's first hits, quoting the question's own words (see on_point())
    citations: list[Citation] = field(default_factory=list)


def _term_weight(term: str) -> float:
    return 1.5 if (len(term) >= 4 or (has_han(term) and len(term) >= 3)) else 1.0


def on_point(pos: int, sentences: list[str], terms: list[str]) -> bool:
    """Whether a hit speaks to the question in the question's own words: one of the search's first SEARCH_LEAD hits whose
    quoted sentences hold ON_POINT weight of the question's terms (with their glossary expansions). The issue
    list is short and its words are few, so a question about a subject outside it (an identity card lent, a minor's
    streaming account, the court that hears a case) is spotted under an issue it merely mentions ("shop name",
    "直播平台"); such a hit answers it all the same."""
    return pos <= SEARCH_LEAD and sum(_term_weight(t) for t in term_hits(" ".join(sentences), terms)) >= ON_POINT


def is_frame(sentence: str) -> bool:
    return bool(_FRAME.search(sentence))


_SCOPE = re.compile(
    r"本(?:法|规定|办法|条例|解释|决定)(?:自.{0,20}施行|所称)|适用本(?:法|规定|办法|条例|解释)|施行前|"
    r"(?:this|these) (?:law|provisions|measures|regulations|interpretation) (?:shall )?(?:come into force|apply|applies)",
    re.IGNORECASE,
)


def is_frame_article(article: ArticleRecord) -> bool:
    """A scope or commencement article (or one defining the instrument's own terms): its first sentence says what the
    instrument applies to, when it takes effect or what "本法所称" a term means. (A definition of an offence or a right —
    "共同犯罪是指…" — is law that decides, not a frame; nor is a rule whose last paragraph defines its term: the trade-secret
    article's "本法所称的商业秘密，是指…" after the conduct it forbids.)"""
    sentences = split_sentences(article.text_zh or article.text_en or "")
    return bool(sentences) and bool(_SCOPE.search(sentences[0]))


def paragraph_groups(article: ArticleRecord) -> list[tuple[str, list[str]]]:
    """The article's paragraphs (款) as (lead text, items (项) under it), as the pinpoints count them."""
    groups: list[tuple[str, list[str]]] = []
    for p in article.paragraphs_zh or article.paragraphs_en:
        if _ITEM.match(p.strip()) and groups:
            groups[-1][1].append(p.strip())
        else:
            groups.append((p.strip(), []))
    return groups


def guide_sentences(article: ArticleRecord, paragraph: int | None, item: int | None) -> list[str]:
    """The sentences the guide says decide: the whole paragraph, or the item with the sentence introducing it."""
    groups = paragraph_groups(article)
    if not paragraph or paragraph > len(groups):
        return []
    lead, items = groups[paragraph - 1]
    lead_sents = split_sentences(lead)
    if not item:  # the whole paragraph: its sentences and its items
        return [*lead_sents, *(s for it in items for s in split_sentences(it)[:1])]
    if item:
        if item > len(items):
            return []
        intro = [x for x in lead_sents if x.rstrip().endswith(("：", ":"))] or lead_sents[-1:]
        return [*intro[-1:], *split_sentences(items[item - 1])[:1]]
    return lead_sents  # pragma: no cover - both branches return above


def decisive_sentences(article: ArticleRecord, terms: list[str], limit: int = 2) -> list[str]:
    """The sentences of the article that best answer the question, in the article's order."""
    return scored_sentences(article, terms, limit)[0]


def scored_sentences(article: ArticleRecord, terms: list[str], limit: int = 2, *, frames: bool = True) -> tuple[list[str], float]:
    """The whole sentences (or items with the sentence that introduces them) that best answer the question.
    ``frames=False`` leaves out scope/commencement/definition sentences."""
    text = article.text_zh or article.text_en or ""
    sentences = split_sentences(text)
    if not sentences:
        return [], 0.0
    scored = []
    for i, s in enumerate(sentences):
        if not frames and is_frame(s):
            continue
        overlap = sum(_term_weight(t) for t in term_hits(s, terms))
        score = overlap + 0.6 * normative_weight(s) - 0.02 * i
        if len(s) > MAX_QUOTE_CHARS:
            score -= 0.5
        if s.startswith(("（", "(")):  # an item (项) says less than the paragraph that frames it
            score -= 0.3
        if is_frame(s):  # definitions rarely decide a question
            score -= 0.5
        scored.append((score, i, s))
    if not scored:
        return [], 0.0
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


# A crime and its punishment in one sentence ("…的，处三年以下有期徒刑…"): the offence provision is the rule that governs.
# (also a public-order offence: "…的，处五日以上十日以下拘留…" — the conduct and its detention in one sentence)
_OFFENCE = re.compile(r"的，(?:处|对其?直接负责的)[^。；]{0,60}(?:有期徒刑|拘役|管制|死刑|日以下拘留)")


def sentence_role(sentence: str) -> str:
    """governing | exceptions | liability | penalties, read off the sentence's words (an offence defined with its
    punishment is the governing rule; an administrative sanction is a penalty)."""
    low = sentence.lower()
    if _OFFENCE.search(sentence):
        return "governing"
    if any(w in sentence for w in _SANCTION_ZH) or (not has_han(sentence) and any(w in low for w in _SANCTION_EN)):
        return "penalties"
    if any(w in sentence for w in _EXCEPTION_ZH):
        return "exceptions"
    if any(w in sentence for w in _LIABILITY_ZH) or (not has_han(sentence) and "liab" in low):
        return "liability"
    return "governing"


def _modality(sentence: str, lang: str) -> str:
    zh = has_han(sentence)
    low = sentence.lower()
    if (zh and any(w in sentence for w in _SANCTION_ZH)) or (not zh and any(w in low for w in _SANCTION_EN)):
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


def short_pin(c: Citation, lang: str) -> str:
    """The article without paragraph: 《民法典》第一千零一十九条 / Civil Code, Article 1019."""
    if lang == "zh":
        return f"《{c.title_zh}》{c.article_label or f'第{c.article}条'}"
    return f"{c.title_en or c.title_zh}, Article {c.article}"


def asks_about_frame(question: str) -> bool:
    low = question.lower()
    return any(w in low for w in _ASKS_FRAME)


def _runs(citations: list[Citation]) -> list[list[Citation]]:
    """Consecutive citations of the same paragraph, grouped (a lead-in and its item count as one paragraph)."""
    runs: list[list[Citation]] = []
    for c in citations:
        if runs and runs[-1][-1].paragraph == c.paragraph and (c.item or not runs[-1][-1].item):
            runs[-1].append(c)
        else:
            runs.append([c])
    return runs


def _joined(article: ArticleRecord, quotes: list[str]) -> str:
    """Quotes of one paragraph as one: adjacent sentences run on, a gap between them is marked "……"."""
    from kb.answer.text import normalize

    text = normalize(article.text_zh or article.text_en or "")
    out = quotes[0]
    for prev, q in zip(quotes, quotes[1:], strict=False):
        adjacent = normalize(prev + q) in text
        out += ("" if has_han(q) else " ") + q if adjacent else "……" + q
    return out


def _group_rank(picks: list[_Pick]) -> dict[str, int]:
    """Each group's best evidence position: the issue the search ranks first is the question's leading issue."""
    best: dict[str, int] = {}
    for p in picks:
        best[p.group] = min(best.get(p.group, p.pos), p.pos)
    return best


def asked_roles(question: str) -> set[str]:
    """The roles the question asks about by name: remedies ("compensation", "连带责任"), penalties ("fine", "罚"),
    exceptions ("news reporting", "合理使用", "不经同意"), definitions ("what counts as")."""
    low = question.lower()
    out = set()
    if any(w in low for w in _ASKS_LIABILITY):
        out.add("liability")
    if any(w in low for w in _ASKS_PENALTY) or any(w in low for w in _ASKS_CRIME):
        out.add("penalties")
    if any(w in low for w in _ASKS_EXCEPTION):
        out.add("exceptions")
    if asks_about_frame(question):
        out.add("definitions")
    return out


LEAD_RANK = 5  # an issue whose best provision the search ranks this high gets its rule among the first citations
SEARCH_LEAD = 3  # the search's first hits: cited among the leads in their rank, kept on their own words (ON_POINT)
# The search's first KEEP_FIRST hits are quoted though none of the issues the spotter reads in the question covers them
# (its issue list is short and its words few), and though they are penalty provisions of a law no other quote is from
# (an administrative offence: rule and sanction in one article) — a Chinese question's hits when they hold its own
# words (a penalty's: the conduct's, not "罚款"). The search (dense, notes) finds the deciding article in words the
# spotter does not know. Stop 28, pooled development answers (566 answered of 576 answerable, 16 sets, full index):
# citing a must article 0.760 → 0.784, a must among the first three citations 0.700 → 0.714 (with the rule on frames
# below; two kept: 0.777 / 0.712; three without the own-words test for Chinese: 0.790 / 0.716, but then a first hit
# off the question is quoted: on the Chinese development questions a first hit holding none of the question's words is a
# gold article 39 % of the time, one holding some 63 % — 57 and 249 hits). Stop 18: 0.701 → 0.732 and 0.621 → 0.653 when two were first kept (314 questions).
KEEP_FIRST = 3
ON_POINT = 3.0  # the weight of question terms (kb.answer.text.term_hits) a quote of one of those hits must hold to be
# kept where the issue spotter names no issue of its own: two specific terms of the question, or three short ones


def _decisive_order(picks: list[_Pick], asked: set[str] | frozenset[str] = frozenset()) -> list[_Pick]:
    """The order the citations are listed in. First, for each issue the search ranks in its first LEAD_RANK hits (in that
    order), the provision that leads it: the governing provision the issue guide names that ranks best, else its first
    provision in the order that follows; the search's first SEARCH_LEAD hits are merged in among these leads by their
    rank (on a tie the issue's lead first). Then the issues in the order the search ranks their best provision; each issue's governing rules (as
    the guide names them), then the provisions the question asks about by role (the remedy, the penalty, the
    exception), rank with their issue's best provision; everything else stays where the search put it."""
    rank = _group_rank(picks)

    def key(p: _Pick) -> tuple[int, int, int]:
        tier = 0 if _leads(p) else 1 if p.role in asked else 2
        return (rank[p.group] if tier < 2 else p.pos, tier, p.pos)

    ordered = sorted(picks, key=key)
    first: dict[str, _Pick] = {}
    for p in ordered:  # each issue's first provision in this order is its rule (or its best provision)
        if p.group not in first and rank[p.group] <= LEAD_RANK:
            first[p.group] = p
    leads = sorted(first.values(), key=lambda p: rank[p.group])
    # the search's first SEARCH_LEAD hits are cited among the issues' leads, by rank (a lead first on a tie): three
    # issues' rules found further down do not push the provision the search ranks first out of the first citations
    # (a remedy or penalty the guide names for an issue stays behind that issue's rules, unless the search puts it first)
    best = [p for p in ordered if p.pos <= SEARCH_LEAD and not (p.named and p.role != "governing" and p.pos > 1)
            and all(p is not q for q in leads)]
    both = [*leads, *best]
    head = sorted([*((rank[p.group], 0, i) for i, p in enumerate(leads)), *((p.pos, 1, len(leads) + i) for i, p in enumerate(best))])
    front = [both[i] for *_, i in head]
    return front + [p for p in ordered if all(p is not q for q in front)]


def _leads(p: _Pick) -> bool:
    """A governing provision the issue guide names, or the search's first hit where it states a rule (it passed the
    guide filters: it answers the question's particular point): an issue's section opens with these."""
    return p.role == "governing" and (p.named or p.pos == 1)


_CONSEQUENCES = frozenset({"penalties", "civil-liability"})  # issues any conduct raises: they name no subject


class DeterministicAnswerer:
    name = "deterministic"

    def answer(self, evidence: Evidence) -> Draft:
        lang = evidence.lang
        laws = LawCache(evidence.store, evidence.notes)
        terms = query_terms(evidence.question, evidence.expansions)
        spotted = issue_data.spot(evidence.question, evidence.expansions)
        frames_ok = asks_about_frame(evidence.question)
        hits = canonical_hits(evidence.hits, evidence.store, evidence.as_of)
        picks = self._select(hits, evidence, laws, terms, spotted, frames_ok)
        if spotted and hits and not any(p.issue in spotted for p in picks):
            # None of the provisions found addresses the issues spotted in the question. The issue list is short
            # (likeness, advertising, personal information …) and the words that spot an issue are few, so a question
            # on a subject outside it (data security duties, drunk driving) is spotted under the wrong issue rather
            # than under none. Out-of-scope questions are refused before this (kb/answer/scope.py, the evidence
            # score); here the search, which did find provisions, is trusted over the spotting. (Nor when the only
            # provisions kept are the search's first hits on the question's words: those answer it under no issue
            # spotted, and the search's other provisions are as good as they.)
            spotted = {}
            picks = self._select(hits, evidence, laws, terms, spotted, frames_ok)
        return self._render(picks, evidence, laws, spotted, lang)

    # ------------------------------------------------------------------ selection

    def _in_force(self, hit: Hit, laws: LawCache, evidence: Evidence) -> bool:
        v = laws.version(hit.article.version_id)
        return v is None or v.in_force_on(evidence.as_of)

    def _select(
        self, hits: list[Hit], evidence: Evidence, laws: LawCache, terms: list[str], spotted: dict[str, float], frames_ok: bool,
    ) -> list[_Pick]:
        ids_in_evidence = {h.article.article_id for h in hits if self._in_force(h, laws, evidence)}
        head = {h.article.article_id for h in hits[:MAX_ARTICLES]}
        top3 = {h.article.article_id for h in hits[:3]}  # an issue the question does not name is taken up only from here
        ruled_out = issue_data.excluded(evidence.question)  # issues the question does not raise whatever it names
        active = guide_data.active_entries(evidence.question, spotted, ruled_out, ids_in_evidence, top3)
        active_ids = {e.id for e in active}
        # the search's first KEEP_FIRST hits are quoted though the spotter reads the question under other issues: for a
        # Chinese question when they hold its own words; an English question's words are not in the Chinese text, and
        # its first hits are the best evidence it has
        own = query_terms(evidence.question) if evidence.lang == "zh" else None
        # (a penalty among them: when it holds the conduct's words, not merely the question's "罚款")
        conduct = [t for t in own if not any(w in t for w in _SANCTION_WORDS)] if own is not None else None

        def kept_first(pos: int, sentences: list[str], words: list[str] | None = own) -> bool:
            return pos <= KEEP_FIRST and (words is None or bool(term_hits(" ".join(sentences), words)))
        picks: list[_Pick] = []
        for pos, hit in enumerate(hits, 1):
            art = hit.article
            if art.article_id not in ids_in_evidence:
                continue
            naming = guide_data.entries_naming(art.article_id)
            named = [(e, role) for e, role in naming if e.id in active_ids]
            # a definition the guide names decides only where the question asks what a term means or the search puts
            # it on top; from further down it is not quoted (scope and definitions only where they decide)
            named = [(e, role) for e, role in named if role != "definitions" or frames_ok or pos <= 3]
            in_head = pos <= MAX_ARTICLES or (hit.penalty_for in head and pos <= MAX_ARTICLES + 2)
            if not named and not in_head:
                continue
            guide_def = any(role == "definitions" for _, role in named)
            if not named and not frames_ok and is_frame_article(art):
                continue  # scope/commencement/definition: only where it decides (a guide definition, or asked)
            sentences, top = scored_sentences(art, terms, frames=frames_ok or guide_def)
            if not sentences:
                continue
            if named:
                entry, role = max(named, key=lambda er: (er[0].issue in spotted, er[1] == "governing", spotted.get(er[0].issue, 0.0), -ROLE_ORDER[er[1]]))
                issue = entry.issue
                group = entry.id
                ref = entry.ref_for(art.article_id)
                pinned = guide_sentences(art, ref.paragraph, ref.item) if ref else []
                if pinned:
                    sentences = pinned
            else:
                aff = issue_data.article_affinity(art, laws.law(art.law_id), topics=False)  # the article, not its law's topics
                for e, _role in naming:  # the guide names it for its issue (a remedy
                    aff[e.issue] = aff.get(e.issue, 0.0) + GUIDE_AFFINITY  # of an entry whose rule the search missed)
                aff = {i: v for i, v in aff.items() if i not in ruled_out}
                among = {i: aff[i] * (1.0 + 0.25 * spotted[i]) for i in aff if i in spotted}
                if spotted and not among and not (pos <= 3 and set(spotted) <= _CONSEQUENCES) and not on_point(pos, sentences, terms) and not kept_first(pos, sentences):
                    continue  # addresses none of the question's issues: not cited (but a question that raises only the
                    # consequences of some conduct — liability, penalties — is about the conduct its best hits govern,
                    # and one of the search's first hits that holds the question's own words answers what it asks)
                pool = among or aff
                issue = max(pool, key=lambda i: pool[i]) if pool else issue_data.GENERAL.id
                entry = next((e for e in active if e.issue == issue), None)
                if entry is not None and pos > 3 and not hit.penalty_for and not any(_OFFENCE.search(x) for x in sentences):
                    continue  # an issue the guide decides: beyond its provisions only the very best matches are quoted (an
                    # offence is a rule of its own: the guide names a few crimes, not every one the facts may fit)
                group = entry.id if entry else issue
                roles = [sentence_role(s) for s in sentences]
                role = "penalties" if "penalties" in roles else min(roles, key=lambda r: ROLE_ORDER[r])
            matched = term_hits(" ".join(sentences), terms)
            overlap = sum(_term_weight(t) for t in matched)
            picks.append(_Pick(hit, pos, group, issue, role, sentences, entry=entry, weight=top + 4.0 / pos, top=top, named=bool(named),
                               overlap=overlap, matched=frozenset(matched), on_point=on_point(pos, sentences, terms)))
        # in an issue the guide decides, a provision the guide does not name must match the question as well as the
        # guide's own provisions do (a licence-contract clause is not quoted before the rule on consent)
        best_named: dict[str, float] = {}
        named_terms: dict[str, set[str]] = {}
        for p in picks:
            if p.named:
                best_named[p.group] = max(best_named.get(p.group, 0.0), p.overlap)
                named_terms.setdefault(p.group, set()).update(p.matched)
        # (one of the search's first two hits stays when it matches a term of the question that none of the guide's
        # provisions there holds: it answers a point the guide does not — a stage name protected like a name, the
        # labelling duty of a deep-synthesis provider — where a licence-contract clause adds nothing to the rule)
        # (and the search's first hit stays when it holds the question's own words: the guide's rules found further down
        # answer the issue, the first hit the question's particular point — how long records are kept, who must disclose
        # the seller)
        picks = [
            p for p in picks
            if p.named or p.role == "penalties" or p.group not in best_named or p.overlap > best_named[p.group]
            or (p.pos <= 2 and bool(p.matched - named_terms.get(p.group, set()))) or (p.pos == 1 and p.on_point) or kept_first(p.pos, p.sentences)
        ]
        # a penalty the guide names for the rule quoted is the penalty; another penalty article of the same law is quoted
        # only for a rule of its own among the quotes (the penalty step's penalty_for)
        guided_penalty_laws = {p.hit.article.law_id for p in picks if p.named and p.role == "penalties"}
        unguided_rules = {p.hit.article.article_id for p in picks if not p.named and p.role != "penalties"}
        picks = [
            p for p in picks
            if p.named or p.role != "penalties" or p.hit.article.law_id not in guided_penalty_laws or p.hit.penalty_for in unguided_rules
        ]
        # a penalty answers only for the rule it punishes: a penalty article the guide does not name is quoted for a rule
        # among the quotes (its penalty_for, or a rule of the same law), or where its law is one of the question's issues
        # (the Advertising Law's penalties for an advertising question), never from a law off the question's issues
        rule_laws = {p.hit.article.law_id for p in picks if p.role != "penalties" and p.issue != "penalties"}
        rule_ids = {p.hit.article.article_id for p in picks if p.role != "penalties" and p.issue != "penalties"}
        issue_laws = {law for i in spotted for law in issue_data.by_id(i).laws}  # (a public-order offence is the penalties issue's)
        issue_topics = {t for i in spotted if i != "penalties" for t in issue_data.by_id(i).topics}

        def punishes_a_rule_asked(p: _Pick) -> bool:
            law = laws.law(p.hit.article.law_id)
            return (p.hit.penalty_for in rule_ids or p.hit.article.law_id in rule_laws or p.hit.article.law_id in issue_laws
                    or bool(law is not None and issue_topics & set(law.topics)))

        # (the search's first hits stay when they hold the conduct asked: an administrative offence the search ranks
        # that high, or the penalty of the rule it ranks first)
        picks = [p for p in picks if p.named or (p.role != "penalties" and p.issue != "penalties") or punishes_a_rule_asked(p)
                 or kept_first(p.pos, p.sentences, conduct)]
        # keep up to MAX_CITED articles, the most decisive first (see _decisive_order)
        return sorted(_decisive_order(picks, asked_roles(evidence.question))[:MAX_CITED], key=lambda p: p.pos)

    # ------------------------------------------------------------------ rendering

    def _render(self, picks: list[_Pick], evidence: Evidence, laws: LawCache, spotted: dict[str, float], lang: str) -> Draft:
        zh = lang == "zh"
        groups: list[str] = []
        ordered = _decisive_order(picks, asked_roles(evidence.question))
        for p in ordered:  # the issue the search ranks first leads
            if p.group not in groups:
                groups.append(p.group)
        for p in picks:
            for s in p.sentences:
                p.citations.append(cite(p.hit.article, s, laws, issue=p.group))

        segs: list[Segment] = []
        findings: list[IssueFinding] = []
        day = f"{evidence.as_of.year}年{evidence.as_of.month}月{evidence.as_of.day}日" if zh else evidence.as_of.isoformat()

        asks_penalty = any(w in evidence.question.lower() for w in _ASKS_PENALTY)
        # (a) short answer: per group, the guide's statement when its governing article is quoted
        short: list[Segment] = []
        number = 0
        for g in groups:
            members = [p for p in picks if p.group == g]
            entry = members[0].entry
            # the statement rests on the entry's first governing provision: shown only when that one is quoted
            gov = [p for p in members if entry and p.entry is not None and p.entry.id == entry.id and p.hit.article.article_id == entry.governing[0].article_id]
            if entry and gov:
                basis = "、".join(dict.fromkeys(short_pin(p.citations[0], lang) for p in gov)) if zh else "; ".join(
                    dict.fromkeys(short_pin(p.citations[0], lang) for p in gov))
                text = f"{entry.statement(lang)}（依据：{basis}）" if zh else f"{entry.statement(lang)} (Basis: {basis}.)"
                number += 1
                short.append(Segment(f"{number}. {text}", tuple(p.hit.article.article_id for p in gov)))
                quoted = {p.hit.article.article_id: p for p in members}
                points = sorted(entry.points, key=lambda pt: not (asks_penalty and pt.ref.article_id in {r.article_id for r in entry.penalties}))
                for point in points:  # what follows: each point rests on one provision, shown when it is quoted
                    p = quoted.get(point.ref.article_id)
                    if p is not None:
                        where = short_pin(p.citations[0], lang)
                        short.append(Segment(
                            f"   {point.text(lang)}（依据：{where}）" if zh else f"   {point.text(lang)} (Basis: {where}.)",
                            (point.ref.article_id,),
                        ))
            else:
                best = min(members, key=lambda p: (ROLE_ORDER[p.role], p.pos))
                c = best.citations[0]
                label = issue_data.by_id(best.issue).label(lang)
                mod = _modality(c.quote, lang)
                text = f"{label}：{short_pin(c, lang)}{mod}，见下文引文。" if zh else f"{label}: {short_pin(c, lang)} {mod}; see the quotation below."
                number += 1
                short.append(Segment(f"{number}. {text}", (best.hit.article.article_id,)))
        if short:
            segs.append(Segment("简要回答" if zh else "Short answer"))
            segs.extend(short)
            segs.append(Segment(
                "（简要回答是本项目根据所引条文撰写的概括，不是法律原文；以下引文为法律原文。）" if zh
                else "(The short answer is this project's summary of the provisions cited, not law; the quotations below are the law's text.)"
            ))
            segs.append(Segment(""))
            segs.append(Segment(f"分析（{day}有效的条文原文）" if zh else f"Analysis (text in force on {day}, quoted verbatim)"))

        # (b) per group: governing rule → definitions → exceptions → liability/remedies → penalties
        shown_headnotes: set[str] = set()
        for n, g in enumerate(groups, 1):
            members = sorted((p for p in picks if p.group == g), key=lambda p: (ROLE_ORDER[p.role], not _leads(p), p.pos))
            entry = members[0].entry
            label = entry.label(lang) if entry else issue_data.by_id(members[0].issue).label(lang)
            segs.append(Segment(""))
            segs.append(Segment(f"{ZH_ORDINALS[n - 1] if n <= 10 else n}、{label}" if zh else f"{n}. {label}"))
            role = None
            keys: list[str] = []
            bits: list[str] = []
            for p in members:
                if p.role != role:
                    role = p.role
                    segs.append(Segment(f"{ROLE_HEAD[lang][role]}：" if zh else f"{ROLE_HEAD[lang][role]}:"))
                aid = p.hit.article.article_id
                keys.append(aid)
                for run in _runs(p.citations):  # the sentences of one paragraph (an item with its lead-in) on one line
                    c = run[-1] if len({x.item for x in run if x.item}) <= 1 else replace(run[-1], item=None)
                    where = pin(c, lang)
                    mod = _modality(" ".join(x.quote for x in run), lang)
                    quote = _joined(p.hit.article, [x.quote for x in run])
                    if zh:
                        segs.append(Segment(f"{where}{mod}：“{quote}”", (aid,)))
                    else:
                        segs.append(Segment(f"{where} {mod}: “{quote}”", (aid,)))
                        en = list(dict.fromkeys(x.text_en for x in run if x.text_en))
                        if en and c.text_en_source == "translation":
                            segs.append(Segment(f"    English text: “{' '.join(en)}”", (aid,)))
                        elif en and c.text_en_source == "headnote" and aid not in shown_headnotes:
                            shown_headnotes.add(aid)
                            segs.append(Segment(f"    Unofficial English summary of the article (written by this project, not law): “{en[0]}”", (aid,)))
                    bits.append(f"{where}{mod}" if zh else f"{where} {mod}")
            summary = entry.statement(lang) if entry else (("；".join(dict.fromkeys(bits)) + "。") if zh else ("; ".join(dict.fromkeys(bits)) + "."))
            findings.append(IssueFinding(id=g, label=label, summary=summary, citation_keys=list(dict.fromkeys(keys))))

        # (c) what the corpus does not cover
        covered = {p.issue for p in picks}
        if any(p.role == "penalties" for p in picks):
            covered.add("penalties")
        if any(p.issue == "criminal" for p in picks):
            covered.add("penalties")
        low = evidence.question.lower()
        named_outright = {
            "penalties": any(w in low for w in _ASKS_PENALTY),
            "criminal": any(w in low for w in _ASKS_CRIME),
        }
        missing = [  # an issue the question names outright or by two of its terms, that no quoted provision addresses
            issue_data.by_id(i).label(lang) for i in sorted(spotted, key=lambda i: -spotted[i])
            if i not in covered and (named_outright.get(i) or (spotted[i] >= 2 and i not in named_outright))
        ]
        notes: list[str] = []
        if missing:
            laws_seen = list(dict.fromkeys(p.hit.title_zh or p.hit.article.law_id for p in picks))[:5] or list(
                dict.fromkeys(h.title_zh or h.article.law_id for h in evidence.hits))[:3]
            searched = ("、".join(laws_seen) if zh else "; ".join(laws_seen)) or ("无" if zh else "none")
            notes.append(
                f"本回答未涵盖：{'、'.join(missing)}。检索到的、{day}有效的条文中没有直接规定这些方面的条文（本回答所依据的法律：{searched}）；"
                "如需这些方面的意见，请就其单独提问。"
                if zh else
                f"Not covered by this answer: {'; '.join(missing)}. None of the provisions in force on {day} that the search found governs "
                f"these points directly (laws this answer rests on: {searched}); ask about them separately for an answer."
            )
        citations: list[Citation] = []
        seen_cites: set[tuple[str, str]] = set()
        # one citation per provision, the most decisive first (the leading issue's governing rule, then by the search's
        # rank), then the other quotes
        for c in [*(p.citations[0] for p in ordered), *(c for p in ordered for c in p.citations)]:
            if (c.article_id or "", c.quote) not in seen_cites:
                seen_cites.add((c.article_id or "", c.quote))
                citations.append(c)
        notes += self._version_notes(citations, evidence, lang)
        if notes:
            segs.append(Segment(""))
            segs.extend(Segment(n) for n in notes)
        if not picks:
            why = ("检索到的条文没有一条涉及问题所问的事项（" + "、".join(issue_data.by_id(i).label(lang) for i in spotted) + "）") if zh else (
                "none of the provisions found addresses what the question asks (" + "; ".join(issue_data.by_id(i).label(lang) for i in spotted) + ")")
            return Draft(text=why, citations=[], answerer=self.name, no_basis=why)
        text = "\n".join(s.text for s in segs)
        return Draft(text=text, citations=citations, issues=findings, answerer=self.name, notes=notes, segments=segs)

    @staticmethod
    def _version_notes(citations: list[Citation], evidence: Evidence, lang: str) -> list[str]:
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
