"""Finds real people's names in listing text and what the listing uses them for.

Chinese: jieba.posseg part-of-speech tags (`nr*` = person name), checked against common family names and
bound to a context (X同款, X的脸, 像X → likeness; X推荐, X代言 → endorsement). A token jieba did not tag as a
name still counts in a strong context when it looks like one (family name + 1–2 characters: 吴京代言).
English: runs of capitalised words in a likeness or endorsement context ("looks like Tom Cruise", "Alan
Rickman likeness", "endorsed by …", "actor Wu Jing"), and two or three capitalised words before mask/face
("Realistic Denzel Washington silicone mask") outside title-case titles; a name followed by "his/her face"
(in the same field, or anywhere in the other one) is a likeness. Chinese names in pinyin (Liu Yifei: a family
name of zh_surnames read by pypinyin + one or two pinyin syllables, in title case too), Korean names in Hangul
and Japanese names in kana are names by their script; a face word or a likeness cue after them makes them a
likeness. No list of celebrities: the context makes the finding."""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from kb.lang import HAN as _HAN
from kb.listings.rules import NameRules

_ALL_HAN = re.compile(r"^[\u3400-\u9fff]+$")
# a numeral before it makes a family-name character a measure word: 3000张, 两位, 几张
_NUMERAL_BEFORE = re.compile(r"(?:\d|[一二三四五六七八九十两百千万几数每多整])$")
_TITLES = re.compile(r"(?:老师|先生|女士|小姐|师傅|老板|总|哥|姐|叔|姨|爷|奶|妈|爸|同学|家|们|氏|某|人"
                     r"|魔王|大王|魔|怪|精|仙|妖|神|侠|圣|帝|公主)$")  # …魔王/…精/…仙/…公主: beings of myth and fiction (牛魔王)
_WEAK_TAGS = frozenset({"ns", "n", "nz", "nrt", "nrfg", "nr", "x", "ng", "j", "nt", "vn", "a", "v"})
_SEP = re.compile(r"[\s,，。、；;：:!！?？/|()（）【】\[\]「」“”\"'+·-]")
_SEG_START = re.compile(r"[^\u3400-\u9fff]+")
_KEYWORD = re.compile(r"(?<![\u3400-\u9fff])[\u3400-\u9fff]{2,4}(?![\u3400-\u9fff])")
_lock = threading.Lock()


@dataclass(frozen=True)
class PersonMention:
    name: str
    start: int  # of the name
    end: int
    kind: str  # "likeness" | "endorsement" | "mention"
    span_start: int  # name + context
    span_end: int


@lru_cache(maxsize=1)
def _posseg():
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    with _lock:
        tok = jieba.posseg.dt  # the default tagger: its word-tag table is loaded once per process
        tok.tokenizer.initialize()
    return tok


@lru_cache(maxsize=50_000)
def _tokens(text: str) -> tuple[tuple[str, str, int, int], ...]:
    """posseg tokens with offsets (cached: listings repeat their phrases)."""
    out = []
    pos = 0
    for pair in _posseg().cut(text):
        w, f = pair.word, pair.flag
        out.append((w, f, pos, pos + len(w)))
        pos += len(w)
    return tuple(out)


def _looks_like_name(word: str, rules: NameRules) -> bool:
    if not (2 <= len(word) <= 4) or not _ALL_HAN.match(word):
        return False
    if word in rules.zh_not_names or _TITLES.search(word):
        return False
    return word[0] in rules.zh_surnames or any(word.startswith(s) for s in rules.zh_double_surnames)


_COMMON_TAGS = frozenset({"n", "vn", "v", "a", "an", "ad", "d", "vd", "b", "l", "i"})


def _common_word(word: str) -> bool:
    """jieba reads the whole word as one ordinary (non-name) word: 原创, 高端, 周到."""
    toks = _tokens(word)
    return len(toks) == 1 and toks[0][1] in _COMMON_TAGS


def _standalone(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return bool(_SEP.match(before) and _SEP.match(after))


def _zh_context(text: str, start: int, end: int, rules: NameRules) -> tuple[str, int, int] | None:
    after, before = text[end:end + 8], text[max(0, start - 6):start]
    m = rules.zh_likeness_after.match(after)
    if m:
        return "likeness", start, end + m.end()
    m = rules.zh_endorse_after.match(after)
    if m:
        return "endorsement", start, end + m.end()
    m = rules.zh_likeness_before.search(before)
    if m:
        return "likeness", start - (len(before) - m.start()), end
    m = rules.zh_endorse_before.search(before)
    if m:
        return "endorsement", start - (len(before) - m.start()), end
    return None


def _unanchored(p: re.Pattern[str]) -> re.Pattern[str]:
    return re.compile(p.pattern.removeprefix("^").removesuffix("$"), p.flags)


def _by_rules(fn):  # noqa: ANN001, ANN202 - a cache keyed by the rules object's identity
    """Caches ``fn(rules)`` per rules object by identity: hashing a NameRules (large frozensets) on every call
    cost more than the work it saved."""
    cache: dict[int, tuple[NameRules, object]] = {}

    def wrapper(rules: NameRules):  # noqa: ANN202
        hit = cache.get(id(rules))
        if hit is None or hit[0] is not rules:
            hit = (rules, fn(rules))
            cache[id(rules)] = hit
        return hit[1]

    return wrapper


@_by_rules
def _cues(rules: NameRules) -> tuple[re.Pattern[str], re.Pattern[str]]:
    after = re.compile(f"(?:{_unanchored(rules.zh_likeness_after).pattern})|(?:{_unanchored(rules.zh_endorse_after).pattern})")
    before = re.compile(f"(?:{_unanchored(rules.zh_likeness_before).pattern})|(?:{_unanchored(rules.zh_endorse_before).pattern})")
    return after, before


_WINDOW = 8
_CONJUNCTIONS = frozenset("和与跟同及")  # a "name" opening with one of them right after a word is a conjunction and a noun


def _candidate(toks: tuple[tuple[str, str, int, int], ...], last: bool) -> tuple[str, int, int, bool, str] | None:
    """The name candidate at the end (``last``) or start of a window: one token, or two when jieba split
    a name (迪丽 + 热巴)."""
    if not toks:
        return None
    if last:
        w, f, s, e = toks[-1]
        if len(toks) >= 2 and toks[-2][1].startswith("nr") and not f.startswith("nr") and len(toks[-2][0] + w) <= 4 \
                and len(w) >= 2 and _ALL_HAN.match(w):
            return toks[-2][0] + w, toks[-2][2], e, True, toks[-2][1]
        return w, s, e, f.startswith("nr"), f
    w, f, s, e = toks[0]
    return w, s, e, f.startswith("nr"), f


def find_zh(text: str, rules: NameRules) -> list[PersonMention]:
    """Names bound to a context cue (jieba run only on the few characters around each cue) plus bare
    names that stand alone as keywords."""
    if not _HAN.search(text):
        return []
    after_cue, before_cue = _cues(rules)
    found: dict[tuple[int, int], PersonMention] = {}

    def consider(word: str, cs: int, ce: int, tagged: bool, flag: str) -> None:
        if _NUMERAL_BEFORE.search(text[max(0, cs - 1):cs]):
            return
        if word[0] in _CONJUNCTIONS and cs > 0 and _HAN.match(text[cs - 1]):
            return  # "颜色和真钞一模一样": 和 joins two things here, it is no family name
        # a foreign name in transliteration (特朗普; two characters when jieba tags it a name: 拜登)
        foreign = ((len(word) >= 3 and flag in ("nr", "nrt", "ns") or len(word) == 2 and flag in ("nr", "nrt"))
                   and word not in rules.zh_not_names and all(ch in rules.zh_translit_chars for ch in word))
        # a name jieba tags as one whose family name is not a common Han one (迪丽热巴, 古力娜扎): three or four
        # characters, counted only with a likeness cue right after it
        tagged_other = (tagged and flag == "nr" and 3 <= len(word) <= 4 and bool(_ALL_HAN.match(word))
                        and word not in rules.zh_not_names and not _TITLES.search(word))
        if not foreign and not tagged_other and (not _looks_like_name(word, rules) or (not tagged and flag not in _WEAK_TAGS)):
            return
        if not tagged and not foreign and _common_word(word):
            return
        ctx = _zh_context(text, cs, ce, rules)
        if tagged_other and not foreign and not _looks_like_name(word, rules) and (ctx is None or ctx[0] != "likeness" or ctx[1] != cs):
            return
        if ctx is not None and (cs, ce) not in found:
            kind, ss, se = ctx
            found[(cs, ce)] = PersonMention(word, cs, ce, kind, ss, se)

    for m in after_cue.finditer(text):
        p = m.start()
        w0 = max(0, p - _WINDOW)
        seg = _SEG_START.split(text[w0:p])[-1]
        w0 = p - len(seg)
        toks = _tokens(seg) if seg else ()
        cand = _candidate(toks, last=True) if seg else None
        if cand:
            word, s, e, tagged, flag = cand
            consider(word, w0 + s, w0 + e, tagged, flag)
        # a name jieba tags as one a few words before the cue: 周星驰经典角色同款
        for w, f, s, e in toks[:-1]:
            if f in ("nr", "nrfg") and (w0 + s, w0 + e) not in found and _looks_like_name(w, rules) \
                    and e < len(seg) and not _SEP.search(seg[e:]) and not _NUMERAL_BEFORE.search(text[max(0, w0 + s - 1):w0 + s]):
                found[(w0 + s, w0 + e)] = PersonMention(w, w0 + s, w0 + e, "likeness", w0 + s, p + len(m.group(0)))
    for m in before_cue.finditer(text):
        q = m.end()
        seg = _SEG_START.split(text[q:q + _WINDOW])[0]
        cand = _candidate(_tokens(seg), last=False) if seg else None
        if cand:
            word, s, e, tagged, flag = cand
            consider(word, q + s, q + e, tagged, flag)
    # public figures called by a short name or nickname the tests above cannot see (川普, 霉霉): a likeness cue after
    # or before them, as for any name
    for short in rules.zh_single_names:
        for m in re.finditer(re.escape(short), text):
            if any(a < m.end() and m.start() < b for a, b in found):
                continue
            ctx = _zh_context(text, m.start(), m.end(), rules)
            if ctx is not None:
                kind, ss, se = ctx
                found[(m.start(), m.end())] = PersonMention(short, m.start(), m.end(), kind, ss, se)
    # bare names: a 2–4 character keyword jieba tags as a person name (刘德华 硅胶面具), in a text that
    # talks about people at all (not 卡通熊猫头套)
    keywords = _KEYWORD.finditer(text) if rules.zh_person_context.search(text) else iter(())
    for m in keywords:
        word = m.group(0)
        if (m.start(), m.end()) in found or not _looks_like_name(word, rules):
            continue
        toks = _tokens(word)
        if len(toks) == 1 and toks[0][1].startswith("nr") and _standalone(text, m.start(), m.end()):
            found[(m.start(), m.end())] = PersonMention(word, m.start(), m.end(), "mention", m.start(), m.end())
    return sorted(found.values(), key=lambda p: p.start)


def _clean_en(name: str, rules: NameRules) -> str:
    parts = re.sub(r"['’]s$", "", name).split()
    while parts and parts[0].rstrip(".") in rules.en_not_names:
        parts.pop(0)
    while parts and re.sub(r"['’]s$", "", parts[-1]) in rules.en_not_names:
        parts.pop()
    if parts:
        parts[-1] = re.sub(r"['’]s$", "", parts[-1])
    if not parts or all(len(p.rstrip(".")) <= 1 for p in parts):
        return ""
    return " ".join(parts)


def find_en(text: str, rules: NameRules) -> list[PersonMention]:
    found: list[PersonMention] = []
    for kind, patterns in (("likeness", rules.en_likeness), ("endorsement", rules.en_endorse), ("mention", rules.en_mention)):
        for pat in patterns:
            group = "name" if "name" in pat.groupindex else "name2"
            for m in pat.finditer(text):
                raw = m.group(group)
                name = _clean_en(raw, rules)
                if not name or group == "name2" and len(name.split()) < 2:  # name2: two words at least
                    continue
                ns = m.start(group) + raw.find(name.split()[0])
                ne = ns + len(name)
                if text[ns:ne] != name:  # inner not-name word: keep the raw span
                    ns, ne = m.start(group), m.end(group)
                    name = text[ns:ne]
                found.append(PersonMention(name, ns, ne, kind, m.start(), m.end()))
    return found


_GIVEN_SURNAME = re.compile(r"\b([A-Z][a-z]+)[ \t]+([A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?)\b")
_EN_LIKENESS_AFTER = re.compile(
    r"^(?:['’]s)?\s+(?:(?:silicone|latex|rubber|realistic|lifelike|full[- ]head|halloween|celebrity|inspired|style|styled|themed|"
    r"look|party|costume|cosplay)\s+)*"
    r"(?:mask|masks|face|head|likeness|look-?alike|lookalike)\b", re.IGNORECASE)


def find_en_given(text: str, rules: NameRules, taken: set[tuple[int, int]]) -> list[PersonMention]:
    """"<Given> <Surname>" (Tom Hanks): a person's name anywhere; before mask/face also a likeness."""
    out = []
    for m in _GIVEN_SURNAME.finditer(text):
        given, sur = m.group(1), re.sub(r"['’]s$", "", m.group(2))
        if given not in rules.en_given_names or sur in rules.en_not_names or sur in rules.en_given_names:
            continue
        s, e = m.start(), m.start(2) + len(sur)
        if any(a <= s < b or a < e <= b for a, b in taken):
            continue
        after = _EN_LIKENESS_AFTER.match(text[e:]) or _FACE_NOUN_AFTER.match(text[e:e + 60])
        kind, se = ("likeness", e + after.end()) if after else ("mention", e)
        out.append(PersonMention(text[s:e], s, e, kind, s, se))
    return out


_EN_RUN = re.compile(r"\b[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?(?:[ \t]+[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?){1,3}\b")
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_PRONOUN_FACE = re.compile(
    r"(?<!\bnot\s)\b(?:his|her|their)\s+(?:(?:own|iconic|famous|signature|trademark|unmistakable|real|exact|whole|natural|"
    r"distinctive|legendary|classic|youthful|younger|older)\s+)?"
    r"(?:face|faces|facial\s+features|features|likeness|looks|head|portrait|smile)\b"
    r"(?!\s+(?:is|was|are|were)\s*(?:not|n['’]t)\b)", re.IGNORECASE)
# the seller's own people ("sculpted by our artist Maria Lopez"): named with their own consent, no likeness
_OWN_PERSON = re.compile(
    r"\b(?:our|by)\s+(?:(?:lead|head|own|master|senior|chief|in-house)\s+)?(?:artists?|sculptors?|designers?|makers?|craftsm[ae]n|"
    r"founders?|owners?|team|studio|workshop|painters?|modell?ers?|wigmakers?|hair\s+stylists?|staff|colleagues?)[\s(:,]*$|"
    r"\b(?:sculpted|designed|made|painted|crafted|handmade|wig|hair|makeup|punched|finished)\s+by\s+$|"
    # a maker's signature on the work ("Leather Mask by Anna Smith")
    r"\b(?:masks?|pieces?|creations?|designs?|collection|sculpture|artwork)\s+by\s+$|"
    # the shop's staff and its customers ("ask customer service (Amy Li)", "customer review from Sarah Miller")
    r"\bcustomer\s+(?:service|support|care|reviews?|feedback|photos?)(?:\s+(?:from|by))?[\s(:,-]*$|\b(?:contact|ask|email|call)\s+$",
    re.IGNORECASE)
# "Lisa Wong Hair Co.": a name that is a business's name, not a person used in the listing
_EN_BUSINESS_AFTER = re.compile(r"^\s+(?:[A-Z][a-z]+\s+)?(?:Co|Company|Ltd|Inc|LLC|Salon|Factory)(?![A-Za-z])")


def _own_person(text: str, start: int, end: int | None = None) -> bool:
    if end is not None and _EN_BUSINESS_AFTER.match(text[end:end + 30]):
        return True
    return bool(_OWN_PERSON.search(text[max(0, start - 40):start]))


def title_case(text: str) -> bool:
    """Most words of four letters or more start with a capital: a title-case product title, where a run of
    capitalised words says nothing about names."""
    words = [w for w in _EN_WORD.findall(text) if len(w) >= 4]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def _name_run(run: str, rules: NameRules) -> tuple[int, str] | None:
    """The name inside a capitalised run (leading/trailing not-name words dropped): two or three words,
    none of them a not-name word."""
    def not_name(word: str) -> bool:  # a not-name word, or a compound adjective ("Hyper-real", "Full-head", "Hyper-Real")
        return word in rules.en_not_names or bool(re.search(r"-[a-z]", word) or _COMPOUND_PREFIX.match(word))

    parts = run.split()
    lead = 0
    while parts and not_name(parts[0]):
        lead += len(parts[0]) + 1
        parts.pop(0)
    while parts and not_name(parts[-1]):
        parts.pop()
    if not 2 <= len(parts) <= 3 or any(not_name(p) or len(p) < 2 for p in parts):
        return None
    offset = run.index(parts[0], lead)
    return offset, " ".join(parts)


_COMPOUND_PREFIX = re.compile(r"(?i)(?:hyper|ultra|super|full|half|life|hand|semi|anti|non|pre|high|low|mini|multi|extra|over|all|one|two|3d|real|true|pro)-")


def find_en_runs(text: str, rules: NameRules, taken: list[tuple[int, int]], face_elsewhere: bool = False) -> list[PersonMention]:
    """Capitalised two/three-word names bound to a face: before mask/face ("Taylor Swift silicone mask"),
    or followed in the same field by "his/her face" ("… after Margot Robbie … her face"). In a title-case
    title a capitalised run says nothing about names, unless the other field speaks of "his/her face": then
    a run right before the mask words is the person whose face it is ("Hyper-Real Lionel Messi Silicone Mask")."""
    titled = title_case(text)
    if titled and not face_elsewhere:
        return []
    out = []
    face_later = [m.start() for m in _PRONOUN_FACE.finditer(text)]
    for m in _EN_RUN.finditer(text):
        got = _name_run(m.group(0), rules)
        if got is None:
            continue
        off, name = got
        s = m.start() + off
        e = s + len(name)
        if any(a < e and s < b for a, b in taken):
            continue
        after = _EN_LIKENESS_AFTER.match(text[e:])
        if after:
            out.append(PersonMention(name, s, e, "likeness", s, e + after.end()))
        elif titled:
            continue
        elif any(e <= f <= e + 160 for f in face_later):
            out.append(PersonMention(name, s, e, "likeness", s, e))
    return out


def _with_pronoun_face(text: str, people: list[PersonMention]) -> list[PersonMention]:
    """A named person followed (same field, within a sentence or two) by "his/her face" is a likeness."""
    faces = [m.start() for m in _PRONOUN_FACE.finditer(text)]
    if not faces:
        return people
    return [PersonMention(p.name, p.start, p.end, "likeness", p.span_start, p.span_end)
            if p.kind == "mention" and any(p.end <= f <= p.end + 160 for f in faces) else p for p in people]


# --- names in pinyin and in Korean or Japanese script (no list of people: the script, the syllables and
# the context say it is a name) ---------------------------------------------------------------------------
_PINYIN_PAIR = re.compile(r"(?<![A-Za-z])([A-Z][a-z]{1,6})[ \t]+([A-Z][a-z]{1,12})(?![A-Za-z])")
_HANGUL_WORD = re.compile(r"(?<![\uac00-\ud7a3])[\uac00-\ud7a3]{2,4}(?![\uac00-\ud7a3])")
# kanji + hiragana (綾瀬はるか), or a katakana run (トム・クルーズ)
_KANA_WORD = re.compile(r"[\u4e00-\u9fff々]{1,4}[\u3041-\u309f]{1,6}(?![\u3041-\u309f])|(?<![\u30a0-\u30ff])[\u30a1-\u30ff・ー]{2,12}(?![\u30a0-\u30ff])")
_DOT_NAME = re.compile(r"[\u4e00-\u9fff]{1,6}(?:·[\u4e00-\u9fff]{1,8})+")
# a mask / face noun a few words after a name in the same field: "Zhou Jielun Hyper-Real Silicone Face Mask"
_FACE_NOUN_AFTER = re.compile(
    r"^(?:['’]s)?(?:\s+[\w-]+){0,4}?\s*(?:['’]s\s+)?(?:mask|masks|face|faces|head|likeness|look-?alike|lookalike|头套|面具|脸|마스크|가면|얼굴|マスク|お面|顔)(?!\w)",
    re.IGNORECASE)
# "Wang Lei Studio": a name that is a business's name, not a face
_BUSINESS_AFTER = re.compile(r"^\s+(?:studios?|workshops?|co\b|company|ltd|inc|brand|factory|store|shop|masks?\s+(?:co|studio|workshop|factory))",
                             re.IGNORECASE)
_ZH_FACE_NOUN_AFTER = re.compile(r"^(?:的)?[\u4e00-\u9fff]{0,4}?(?:面具|头套|面罩|脸型|脸)")
_EN_BEFORE_NAME = re.compile(r"\b(?:like|resembl\w*|of|as|after)\s+$", re.IGNORECASE)


@_by_rules
def _pinyin_tables(rules: NameRules) -> tuple[frozenset[str], re.Pattern[str], frozenset[str]]:
    """The family names of ``zh_surnames`` in pinyin (every reading: 单 Shan, 曾 Zeng), a pattern of one or
    two pinyin syllables, and ``zh_not_names`` in pinyin (猪八戒 → "Zhu Bajie", 关羽 → "Guan Yu": characters
    of fiction and legend are not people here in pinyin either)."""
    from pypinyin import Style, lazy_pinyin, pinyin

    surnames: set[str] = set()
    for ch in rules.zh_surnames:
        surnames.update(r.capitalize() for r in pinyin(ch, style=Style.NORMAL, heteronym=True)[0] if r.isascii())
    for double in rules.zh_double_surnames:
        surnames.add("".join(lazy_pinyin(double)).capitalize())
    not_names: set[str] = set()
    for word in rules.zh_not_names:
        if 2 <= len(word) <= 4 and _ALL_HAN.match(word):
            sy = lazy_pinyin(word)
            cut = 2 if any(word.startswith(d) for d in rules.zh_double_surnames) else 1
            not_names.add(f"{''.join(sy[:cut]).capitalize()} {''.join(sy[cut:]).capitalize()}")
    syl = "|".join(sorted(rules.pinyin_syllables, key=len, reverse=True))
    return frozenset(surnames), re.compile(rf"(?:{syl})(?:{syl})?", re.IGNORECASE), frozenset(not_names)


def _foreign_kind(text: str, s: int, e: int, rules: NameRules) -> tuple[str, int, int]:
    """What a name found by its script or syllables is used for: a likeness when a face word or a Chinese
    likeness cue follows (or "like"/像 precedes), otherwise a mention."""
    after = _FACE_NOUN_AFTER.match(text[e:e + 60]) or _ZH_FACE_NOUN_AFTER.match(text[e:e + 12])
    if after:
        return "likeness", s, e + after.end()
    m = rules.zh_likeness_after.match(text[e:e + 8].lstrip())
    if m:
        return "likeness", s, e + (len(text[e:e + 8]) - len(text[e:e + 8].lstrip())) + m.end()
    if _EN_BEFORE_NAME.search(text[max(0, s - 20):s]) or rules.zh_likeness_before.search(text[max(0, s - 6):s]):
        return "likeness", s, e
    return "mention", s, e


def find_pinyin(text: str, rules: NameRules, taken: list[tuple[int, int]]) -> list[PersonMention]:
    """Chinese names written in pinyin, either order (Liu Yifei, Jielun Zhou): one word a family name, the
    other one or two pinyin syllables; pairs that are English words or loan phrases (Feng Shui) excluded.
    Title case does not matter: pinyin syllables do not spell English product words."""
    surnames, syllables, legend = _pinyin_tables(rules)
    out = []
    for m in _PINYIN_PAIR.finditer(text):
        a, b = m.group(1), m.group(2)
        if f"{a} {b}" in rules.pinyin_not_names or a in rules.pinyin_not_names or b in rules.pinyin_not_names:
            continue
        if f"{a} {b}" in legend or f"{b} {a}" in legend or _BUSINESS_AFTER.match(text[m.end():]):
            continue
        if a in rules.en_not_names or b in rules.en_not_names:
            continue
        if not ((a in surnames and syllables.fullmatch(b)) or (b in surnames and syllables.fullmatch(a))):
            continue
        s, e = m.start(), m.end()
        if any(x < e and s < y for x, y in taken):
            continue
        kind, ss, se = _foreign_kind(text, s, e, rules)
        out.append(PersonMention(text[s:e], s, e, kind, ss, se))
    return out


def find_other_scripts(text: str, rules: NameRules) -> list[PersonMention]:
    """Korean names in Hangul (이민호), Japanese names in kana (綾瀬はるか, トム・クルーズ) and foreign names in
    Chinese transliteration with a middle dot (基努·里维斯) in a Chinese or English listing: a word in that
    script is a name unless it is one of ``foreign_not_names`` (マスク)."""
    out = []
    for pat in (_HANGUL_WORD, _KANA_WORD, _DOT_NAME):
        for m in pat.finditer(text):
            word = m.group(0)
            if any(w in word for w in rules.foreign_not_names):
                continue
            start, end = m.start(), m.end()
            if pat is _DOT_NAME:  # only the transliteration around the dot: 基努·里维斯(硅胶面具), 乔治·克鲁尼
                dot = text.index("·", start)
                start = max(start, dot - 4)
                while start < dot and text[start] not in rules.zh_translit_chars:
                    start += 1
                last = end
                while last > start and text[last - 1] not in rules.zh_translit_chars:
                    last -= 1
                j = text.rindex("·", start, end) + 1 if "·" in text[start:end] else start
                while j < last and text[j] in rules.zh_translit_chars:
                    j += 1
                end = j
                word = text[start:end]
                if "·" not in word or word.startswith("·") or word.endswith("·"):
                    continue
            kind, ss, se = _foreign_kind(text, start, end, rules)
            out.append(PersonMention(word, start, end, kind, ss, se))
    return out


_SINGLE_WORD = re.compile(r"(?<![\w'’-])[A-Z][\w'’-]*[\w]")
# what may stand between a one-word name and the mask word: style and material words only ("Zendaya inspired
# silicone female mask"), not a place or thing the word names ("Drake Passage cruise souvenir mask")
_SINGLE_AFTER = re.compile(
    r"^(?:['’]s)?(?:\s+|\s*[-–:|]\s*)(?:(?:inspired|style|styled|themed|realistic|lifelike|life-like|silicone|latex|rubber|full|"
    r"full-head|head|halloween|celebrity|party|costume|cosplay|female|male|adult|hyper-?real(?:istic)?|ultra-?real(?:istic)?|"
    r"soft|premium|deluxe|novelty|funny|scary|caricature|parody)\s+){0,4}(?:masks?|face|faces|head|likeness|look-?alike|lookalike)\b"
    r"|^\s*(?:面具|头套|同款|的脸|脸)", re.IGNORECASE)


_STYLE_SUFFIX = re.compile(r"[-–](?:style|styled|inspired|themed|esque|look|looking)$", re.IGNORECASE)


def find_en_single(text: str, rules: NameRules, taken: list[tuple[int, int]]) -> list[PersonMention]:
    """A public figure known by one word (``en_single_names``: Putin, Zendaya), capitalised or in capitals, in any
    field, title case or not, bound to a likeness: mask/face words after it (style and material words between),
    or "like/of/as …" before it. One word alone is no name (a trump card, the Drake Passage)."""
    if not rules.en_single_names:
        return []
    out = []
    for m in _SINGLE_WORD.finditer(text):
        word = re.sub(r"['’]s$", "", m.group(0))
        # "Trump-style wig", "Putin-inspired": the suffix itself binds the name to the look sold
        styled = _STYLE_SUFFIX.search(word)
        if styled:
            word = word[:styled.start()]
        if word not in rules.en_single_names and word.capitalize() not in rules.en_single_names:
            continue
        s, e = m.start(), m.start() + len(word)
        if any(a < e and s < b for a, b in taken):
            continue
        after = _SINGLE_AFTER.match(text[e:e + 80])
        if styled:
            out.append(PersonMention(word, s, e, "likeness", s, m.end()))
        elif after:
            out.append(PersonMention(word, s, e, "likeness", s, e + after.end()))
        elif _EN_BEFORE_NAME.search(text[max(0, s - 20):s]):
            out.append(PersonMention(word, s, e, "likeness", s, e))
    return out


def _find_en_all(text: str, rules: NameRules, face_elsewhere: bool = False) -> list[PersonMention]:
    en = find_en(text, rules)
    en += find_en_given(text, rules, {(p.start, p.end) for p in en})
    en += find_en_runs(text, rules, [(p.start, p.end) for p in en], face_elsewhere)
    en += find_pinyin(text, rules, [(p.start, p.end) for p in en])
    en += find_en_single(text, rules, [(p.start, p.end) for p in en])
    return en


_ASCII_WORD = re.compile(r"[A-Za-z]+")


def _shouting(text: str) -> bool:
    """Most of the Latin letters are capitals (TOM HANKS SILICONE MASK): capitals say nothing about names there."""
    letters = [c for c in text if c.isascii() and c.isalpha()]
    return len(letters) >= 8 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def find_en_people(text: str, rules: NameRules, face_elsewhere: bool = False) -> list[PersonMention]:
    """The English-script names of one field (Western, pinyin, one-word public figures), before the seller's own
    people are dropped. ``face_elsewhere``: the other field says "his/her face". A field in capitals is read in
    title case (same length, so the spans hold): "TOM HANKS MASK" is "Tom Hanks Mask"."""
    if _shouting(text):
        titled = _ASCII_WORD.sub(lambda m: m.group(0).capitalize(), text)
        return [PersonMention(text[p.start:p.end], p.start, p.end, p.kind, p.span_start, p.span_end)
                for p in _find_en_all(titled, rules, face_elsewhere)]
    return _find_en_all(text, rules, face_elsewhere)


def own_people(text: str, rules: NameRules, en: list[PersonMention] | None = None) -> set[str]:
    """Names the text introduces as the seller's own people ("sculpted by our founder Wang Fang")."""
    return {p.name for p in (en if en is not None else _find_en_all(text, rules)) if _own_person(text, p.start, p.end)}


def find_people(text: str, rules: NameRules, face_elsewhere: bool = False, own: frozenset[str] = frozenset(),
                en: list[PersonMention] | None = None) -> list[PersonMention]:
    """Every person mention in one field, Chinese and English. ``face_elsewhere``: the listing's other field
    says "his/her face", so a person named here is a likeness too (title "Marilyn Monroe …", description
    "Her iconic face recreated …"). ``own``: names the other field gives as the seller's own people. ``en``:
    this field's ``find_en_people``, when already computed."""
    en = list(en) if en is not None else _find_en_all(text, rules)
    en = [p for p in en if p.name not in own
          and (not (p.kind == "mention" or p.span_start == p.start) or not _own_person(text, p.start, p.end))]
    people = _near_a_face(text, find_zh(text, rules) + find_other_scripts(text, rules) + _with_pronoun_face(text, en))
    if face_elsewhere:
        people = [PersonMention(p.name, p.start, p.end, "likeness", p.span_start, p.span_end) if p.kind == "mention" else p
                  for p in people]
    return people


_FACE_WORD_NEAR = re.compile(r"面具|头套|面罩|头罩|同款|脸|\b(?:masks?|faces?|head\s*masks?|likeness|look-?alike)\b", re.IGNORECASE)


def _near_a_face(text: str, people: list[PersonMention]) -> list[PersonMention]:
    """A person named a few words from the mask or face the listing sells ("Halloween Mask Jackie Chan Style",
    王一博 同款 面具) is whose face it is: a mention there is a likeness."""
    out = []
    for p in people:
        if p.kind == "mention":
            before, after = text[max(0, p.start - 25):p.start], text[p.end:p.end + 25]
            # within the same clause: no sentence break between the name and the face word
            after = re.split(r"[。！？!?\n]|\.\s", after)[0]
            before = re.split(r"[。！？!?\n]|\.\s", before)[-1]
            if _FACE_WORD_NEAR.search(after) or _FACE_WORD_NEAR.search(before):
                p = PersonMention(p.name, p.start, p.end, "likeness", p.span_start, p.span_end)
        out.append(p)
    return out


def could_be_a_character(name: str, rules: NameRules) -> bool:
    """A name of the kind fiction uses (a Western name, a transliterated one: Freddy Krueger, 奥特曼, 米奇), not a
    Chinese name by family name, in pinyin, Hangul or kana."""
    if _HANGUL_WORD.search(name) or _KANA_WORD.search(name) or find_pinyin(name, rules, []):
        return False
    if _HAN.search(name):
        if not _ALL_HAN.match(name):
            return False
        # a name spelt in transliteration characters only (米奇, 安娜) reads as a foreign character's name
        if all(ch in rules.zh_translit_chars for ch in name):
            return True
        return name[0] not in rules.zh_surnames and not any(name.startswith(d) for d in rules.zh_double_surnames)
    return True


_ZH_PRONOUN_FACE = re.compile(r"(?<![其我你])(?:他|她)(?:本人)?的(?:脸|面孔|面容|长相|五官|容貌|样貌|模样)")


def pronoun_face(text: str) -> bool:
    """The text says "his/her/their face" (or features, likeness …; 他的脸, 她的长相), not negated."""
    return bool(_PRONOUN_FACE.search(text) or _ZH_PRONOUN_FACE.search(text))
