"""The listing check: rules + person names → findings with citations from the knowledge base.

Detection (``detect``) needs no store and is deterministic; ``ListingChecker`` adds the citations in force
on a date. Word lists alone over-report (最近, 第一次, best regards, 明星形状), so every hit passes the
trigger's ``unless`` context patterns, its ``needs`` pattern and a negation test on the clause before it
("not modeled on any real person", 非明星同款, 无法通过人脸识别)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from kb.lang import HAN as _HAN
from kb.lang import detect_lang
from kb.listings.citations import CitationResolver, StoreLike
from kb.listings.names import could_be_a_character, find_en_people, find_people, own_people, pronoun_face
from kb.listings.normalise import normalise
from kb.listings.rewrite import rewrite
from kb.listings.rules import SEVERITY_RANK, Rules, Trigger, load_rules

FIELDS = ("title", "description")
_CLAUSE_END = re.compile(r"[。！？；;!?\n，,、:：()（）【】\[\]|/]|\.(?:\s|$)|\s[-–—]\s")
_ZH_NEG = re.compile(r"不|非|无|没有|并非|未|勿|禁止|严禁|杜绝|拒绝")
_EN_NEG = re.compile(r"\b(?:not|no|never|cannot|nor|neither|without)\b|n[’']t\b", re.IGNORECASE)
_ANTI_NEG = re.compile(
    r"不用担心|不必担心|无需担心|别担心|不怕|无惧|不再担心|不用怕|不仅|不但|不只|无需|无须|不用|不必|不需要|无论|不管|不论|没有之一|"
    r"\b(?:don[’']?t|do\s+not|never|no\s+need\s+to)\s+(?:worry|fear)|\bno\s+worries|\bwithout\s+(?:worry|fear)|\bnot\s+afraid|"
    r"\bnot\s+only\b|\bno\s+need\b|\bwithout\s+(?:a\s+|any\s+)?(?:password|pin|code|key)s?\b|\bno\s+(?:password|pin|code|key)s?\b",
    re.IGNORECASE,
)
# …or a question the listing answers "no" to (明星同款？不是！, "Based on a real person? No – fictional.")
_ZH_NEG_AFTER = re.compile(r"^(?:功能)?(?:无效|不可用|不支持|不能|无法|不适用|不行)|^\s*[?？]\s*(?:不是|没有|不|非|否)")
_EN_NEG_AFTER = re.compile(r"^\s*(?:is|are|will|does|do|was)?\s*(?:not|never)\b|^\s*(?:isn|aren|won|doesn|don)[’']t\b|^\s*\?\s*(?:no|nope|never|not)\b",
                           re.IGNORECASE)


@dataclass(frozen=True)
class Hit:
    category: str
    field: str
    start: int
    end: int
    text: str
    severity: str
    trigger: str  # "rule:<n>" or "name:<kind>"
    suggestion_zh: str | None = None
    suggestion_en: str | None = None
    person: str | None = None
    citations: tuple[str, ...] = ()  # the trigger's extra citation references
    fix: tuple[int, int] | None = None  # the words the rewrite replaces, when not the whole span


def _clause_before(text: str, start: int) -> str:
    head = text[:start]
    cut = 0
    for m in _CLAUSE_END.finditer(head):
        cut = m.end()
    return head[cut:]


# A sentence that opens with a prohibition covers every item it lists ("Not for use in identity verification,
# fraud or any illegal purpose", 禁止用于诈骗、冒充他人等违法行为).
_SENTENCE_START = re.compile(r"[。！？；;!?\n:：]|\.(?:\s|$)")
_PROHIBITION = re.compile(
    r"^\s*(?:(?:this|the|our)\s+(?:mask|product|item)s?\s+(?:is|are)\s+)?(?:not\s+(?:for|to\s+be\s+used|intended|designed|meant)|do\s+not\s+use|"
    r"don[’']t\s+use|never\s+use|must\s+not\s+be\s+used|may\s+not\s+be\s+used|prohibited\s+(?:for|from)|strictly\s+prohibited)\b|"
    r"^[^\w\s]*\s*(?:本品|本产品|本店|面具)?(?:(?:严禁|禁止|请勿|切勿|不得|不可|不能|不要|勿)[也且、和并]?){1,3}(?:用于|用作|作为|用来|拿来)", re.IGNORECASE)


def _prohibited(text: str, start: int) -> bool:
    """A prohibition opens the sentence, or the clause, holding the hit (仅供娱乐使用，禁止用于冒充他人或任何违法用途)."""
    head = text[:start]
    cut = 0
    for m in _SENTENCE_START.finditer(head):
        cut = m.end()
    sentence = head[cut:]
    if re.search(r"[，,]\s*(?:but|however|但|但是|不过)", sentence):
        return False
    return bool(_PROHIBITION.search(sentence) or _PROHIBITION.search(_clause_before(text, start)))


def is_negated(text: str, start: int, end: int) -> bool:
    """A negation just before the hit in the same clause, or just after it, cancels the hit; so does a
    prohibition that opens the sentence."""
    if _prohibited(text, start):
        return True
    clause = _clause_before(text, start)
    if _ANTI_NEG.search(clause):
        return False
    zh_window = clause[-10:]
    en_window = " ".join(clause.split()[-10:])
    if _ZH_NEG.search(zh_window) and _HAN.search(zh_window) or _EN_NEG.search(en_window):
        return True
    after = text[end:end + 12]
    return bool(_ZH_NEG_AFTER.match(after) or _EN_NEG_AFTER.match(after))


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _trigger_hits(trigger: Trigger, field: str, text: str, whole: str, severity: str) -> list[Hit]:
    matches = [m for m in trigger.pattern.finditer(text) if m.end() > m.start()]
    if not matches or trigger.needs is not None and not trigger.needs.search(whole):
        return []
    blocked = [(u.start(), u.end()) for pat in trigger.unless for u in pat.finditer(text)]
    out = []
    for m in matches:
        span = (m.start(), m.end())
        if any(_overlaps(span, b) for b in blocked):
            continue
        if trigger.negatable and is_negated(text, *span):
            continue
        out.append(Hit(trigger.category, field, span[0], span[1], m.group(0), trigger.severity or severity,
                       f"rule:{trigger.index}", trigger.suggestion_zh, trigger.suggestion_en,
                       citations=trigger.citations))
    return out


def _person_hits(field: str, text: str, rules: Rules, face_elsewhere: bool = False,
                 own: frozenset[str] = frozenset(), en: list[Any] | None = None) -> list[Hit]:
    out = []
    cats = rules.categories
    for p in find_people(text, rules.names, face_elsewhere, own, en):
        if is_negated(text, p.span_start, p.span_end):
            continue
        out.append(Hit("name_use", field, p.start, p.end, text[p.start:p.end], cats["name_use"].severity,
                       "name:mention", person=p.name))
        if p.kind in ("likeness", "endorsement"):
            # "Keanu Reeves silicone mask": the rewrite replaces the name, not the product words after it
            fix = (p.start, p.end) if p.span_start == p.start and p.span_end > p.end and not _HAN.search(text[p.start:p.end]) else None
            out.append(Hit(p.kind, field, p.span_start, p.span_end, text[p.span_start:p.span_end],
                           cats[p.kind].severity, f"name:{p.kind}", person=p.name, fix=fix))
    return out


def _merge(hits: list[Hit], fields: dict[str, str]) -> list[Hit]:
    """One hit per overlapping span of one category in one field (the union span, the highest severity)."""
    hits = sorted(hits, key=lambda h: (h.category, h.field, h.start, -h.end))
    merged: list[Hit] = []
    for h in hits:
        last = merged[-1] if merged else None
        if last and last.category == h.category and last.field == h.field and h.start < last.end:
            end = max(last.end, h.end)
            sev = last.severity if SEVERITY_RANK[last.severity] >= SEVERITY_RANK[h.severity] else h.severity
            fix = last.fix if last.fix is not None and h.fix is None and h.end <= last.end else None
            merged[-1] = replace(last, end=end, text=fields[h.field][last.start:end], severity=sev, fix=fix,
                                 person=last.person or h.person,
                                 suggestion_zh=last.suggestion_zh or h.suggestion_zh,
                                 suggestion_en=last.suggestion_en or h.suggestion_en,
                                 citations=tuple(dict.fromkeys(last.citations + h.citations)))
        else:
            merged.append(h)
    return merged


def group(hits: list[Hit]) -> list[list[Hit]]:
    """One finding per category: its hits (every span, in the order given) grouped under the first."""
    groups: dict[str, list[Hit]] = {}
    for h in hits:
        groups.setdefault(h.category, []).append(h)
    return list(groups.values())


# the quoted title of a work, or a name something is called by: 《…》 always; “…” / "…" / 「…」 after a
# work noun or a naming verb (our comic "The Best-Selling Dead", 传说中他被称为“天下第一捉鬼人”)
_BOOK_TITLE = re.compile(r"《[^》\n]{1,40}》")
_QUOTED = re.compile(r"[“\"「『]([^”\"」』\n]{1,60})[”\"」』]")
_WORK_BEFORE = re.compile(
    r"(?:\b(?:comic|comics|novel|book|film|movie|play|musical|series|show|song|album|game|opera|story|tale|poem|"
    r"(?:he|she|who)\s+(?:is|was)\s+(?:nicknamed|known\s+as|called))|漫画|小说|电影|电视剧|话剧|戏剧?|歌曲?|专辑|游戏|动画|故事|"
    r"(?:他|她)(?:被|也被)?(?:称为|称作|誉为|尊为)|人称)\W{0,3}$", re.IGNORECASE)


def _titles(text: str) -> list[tuple[int, int]]:
    spans = [(m.start(), m.end()) for m in _BOOK_TITLE.finditer(text)]
    for m in _QUOTED.finditer(text):
        before = text[max(0, m.start() - 30):m.start()]
        if _WORK_BEFORE.search(before):
            spans.append((m.start(), m.end()))
    return spans


# a licence the listing will not show or does not hold yet (授权书不提供, 授权书办理中, "licence available on request")
_LICENCE_WITHHELD = re.compile(
    r"^\s*[)）]?\s*(?:(?:不|暂不|无法|拒绝|恕不|概不)(?:提供|出示|展示|公开|公示|外传)|(?:正在|还在|仍在)?(?:办理|申请|审批)中|(?:还)?(?:没有|没|暂无|未)(?:下来|拿到|取得|办好)?)"
    r"|^\s*[)）]?\s*(?:is\s+|are\s+)?(?:not\s+(?:shown|provided|available|disclosed)|pending|(?:available\s+)?on\s+request\s+only|withheld)\b",
    re.IGNORECASE)


def _licensed(whole: str, rules: Rules) -> bool:
    """The listing says the person portrayed licensed it in writing (a signed portrait licence), not negated and
    not withheld ("官方授权（授权书不提供）" claims a licence it does not show: no licence for the check)."""
    mentions = list(rules.names.licensed.finditer(whole))
    if any(_LICENCE_WITHHELD.match(whole[m.end():m.end() + 20]) for m in mentions):
        return False
    return any(not is_negated(whole, m.start(), m.end()) for m in mentions)


def _historical(whole: str, rules: Rules) -> bool:
    """The listing is a museum's reproduction of a historical figure's portrait (a museum or collection, a
    replica or cast, an era long past): the person named is history, not someone whose likeness is sold."""
    pats = rules.names.historical
    return bool(pats) and all(p.search(whole) for p in pats)


def detect(title: str, description: str, rules: Rules | None = None) -> list[Hit]:
    """All risky spans of a listing, merged, most severe first (no store needed). The rules see the fields with
    the sellers' evasions undone (最 佳, 刷lian, n0.1: kb/listings/normalise.py); every hit points at the
    seller's own words."""
    rules = rules or load_rules()
    norm = {f: normalise(t or "", rules.evasion_pinyin, rules.evasion_homophones, rules.evasion_traditional)
            for f, t in (("title", title), ("description", description))}
    hits = []
    for h in _detect(norm["title"].text, norm["description"].text, rules):
        n = norm[h.field]
        s, e = n.span(h.start, h.end)
        fix = n.span(*h.fix) if h.fix is not None else None
        hits.append(replace(h, start=s, end=e, text=n.original[s:e], fix=fix))
    return sorted(hits, key=lambda h: (-SEVERITY_RANK[h.severity], FIELDS.index(h.field), h.start, h.category))


def _detect(title: str, description: str, rules: Rules) -> list[Hit]:
    fields = {"title": title or "", "description": description or ""}
    whole = "\n".join(fields.values())
    hits: list[Hit] = []
    face_in = {f: pronoun_face(t) for f, t in fields.items()}
    en = {f: find_en_people(t, rules.names, face_in["description" if f == "title" else "title"]) if t.strip() else []
          for f, t in fields.items()}
    for field, text in fields.items():
        if not text.strip():
            continue
        # every trigger in turn: one alternation of all of them as a prefilter scanned as slowly as the loop itself
        # (measured with ~100 triggers), so it only added a second pass over the fields that match
        for trig in rules.triggers:
            hits.extend(_trigger_hits(trig, field, text, whole, rules.categories[trig.category].severity))
        other = "description" if field == "title" else "title"
        hits.extend(_person_hits(field, text, rules, face_elsewhere=face_in[other],
                                 own=frozenset(own_people(fields[other], rules.names, en[other])), en=en[field]))
    hits = _in_context(_fiction(hits, whole, rules), fields, whole, rules)
    merged = _merge(hits, fields)
    return sorted(merged, key=lambda h: (-SEVERITY_RANK[h.severity], FIELDS.index(h.field), h.start, h.category))


def _fiction(hits: list[Hit], whole: str, rules: Rules) -> list[Hit]:
    """A listing that presents its figure as a character and names no real person's role (actor, singer,
    演员 …) and one name only, of the kind fiction uses (Freddy Krueger, 奥特曼): that name is the character's.
    Two names (an actor and his role) or a Chinese name by family name, pinyin, Hangul or kana still count."""
    names = rules.names
    people = {h.person for h in hits if h.person}
    if len(people) != 1 or not names.character.search(whole) or names.real_person.search(whole):
        return hits
    (person,) = people
    if not could_be_a_character(person, names):
        return hits
    return [h for h in hits if h.person != person]


def _in_context(hits: list[Hit], fields: dict[str, str], whole: str, rules: Rules) -> list[Hit]:
    """Hits the listing as a whole cancels: words inside a work's quoted title (for categories marked
    ``not_in_titles``); a real person's name and likeness where the listing states the person's written licence
    (and waives no consent) or is a museum's reproduction of a historical figure; a ``needs_person`` trigger in a listing that names or portrays nobody."""
    titles = {f: _titles(t) for f, t in fields.items()}
    out = [h for h in hits if not (rules.categories[h.category].not_in_titles
                                    and any(a <= h.start and h.end <= b for a, b in titles[h.field]))]
    if _licensed(whole, rules) and not any(h.category == "consent_waiver" for h in out):
        out = [h for h in out if h.category not in ("likeness", "name_use")]
    if _historical(whole, rules):
        out = [h for h in out if not (h.person and h.category in ("likeness", "name_use"))]
    if any(h.person or h.category == "likeness" for h in out):
        return out
    return [h for h in out if not (h.trigger.startswith("rule:") and rules.triggers[int(h.trigger[5:])].needs_person)]


def rewritten(title: str, description: str, hits: list[Hit], rules: Rules) -> dict[str, Any]:
    """The listing with every risky span replaced or removed, checked again (twice at most: a
    replacement could itself read as a claim); ``remaining`` counts what the second check still finds."""
    fields = {"title": title, "description": description}
    for _ in range(2):
        if not hits:
            break
        fields = rewrite(fields, hits, rules)
        hits = detect(fields["title"], fields["description"], rules)
    return {**fields, "changed": fields != {"title": title, "description": description}, "remaining": len(hits)}


def overall_risk(findings: list[dict[str, Any]] | list[Hit]) -> str:
    best = "none"
    for f in findings:
        sev = f.severity if isinstance(f, Hit) else f["severity"]
        if SEVERITY_RANK[sev] > SEVERITY_RANK[best]:
            best = sev
    return best


class ListingChecker:
    """Checks listings against the rules and cites the articles in force on the check's date."""

    def __init__(self, store: StoreLike, rules: Rules | None = None) -> None:
        self.rules = rules or load_rules()
        self.resolver = CitationResolver(store)
        self._cited: dict[tuple[str, tuple[str, ...], date], list[dict[str, Any]]] = {}

    def citations(self, category: str, as_of: date, extra: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        """The category's (and a trigger's extra) citations in force on ``as_of``, cached per day; copies."""
        key = (category, extra, as_of)
        cached = self._cited.get(key)
        if cached is None:
            cached = []
            seen: set[tuple[str, str]] = set()
            for ref_id in dict.fromkeys(self.rules.categories[category].citations + extra):
                c = self.resolver.resolve(self.rules.citations[ref_id], as_of)
                if c is not None and (c["article_id"], c["quote"]) not in seen:
                    seen.add((c["article_id"], c["quote"]))
                    cached.append(c)
            if len(self._cited) > 10_000:
                self._cited.clear()
            self._cited[key] = cached
        return [dict(c) for c in cached]

    def check(self, title: str, description: str = "", *, lang: str | None = None, as_of: date | None = None) -> dict[str, Any]:
        as_of = as_of or date.today()
        lang = lang if lang in ("zh", "en") else detect_lang(f"{title or ''}\n{description or ''}")
        findings = []
        hits = detect(title, description, self.rules)
        for hs in group(hits):
            h = hs[0]
            cat = self.rules.categories[h.category]
            extra = tuple(dict.fromkeys(c for x in hs for c in x.citations))
            cited = self.citations(h.category, as_of, extra)
            spans = [{"field": x.field, "start": x.start, "end": x.end, "text": x.text} for x in hs]
            people = list(dict.fromkeys(x.person for x in hs if x.person))
            findings.append({
                "category": h.category,
                "category_name": cat.name_zh if lang == "zh" else cat.name_en,
                "severity": h.severity,
                "span": spans[0],
                "spans": spans,
                "person": h.person,
                "people": people,
                "explanation": cat.explanation_zh if lang == "zh" else cat.explanation_en,
                "citations": cited,
                "note": None if cited else (
                    f"知识库中没有在 {as_of.isoformat()} 有效的条文可作依据。" if lang == "zh"
                    else f"The knowledge base holds no article in force on {as_of.isoformat()} for this risk."),
                "suggestion": (h.suggestion_zh or cat.suggestion_zh) if lang == "zh" else (h.suggestion_en or cat.suggestion_en),
                "trigger": h.trigger,
            })
        return {"findings": findings, "overall_risk": overall_risk(findings), "as_of": as_of.isoformat(), "lang": lang,
                "rewritten": rewritten(title or "", description or "", hits, self.rules)}
