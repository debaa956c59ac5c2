"""Follow-up questions: is a question elliptical — to be read with the conversation's earlier question — and if so,
what is searched for it.

Decided from the question's shape only, in either language, never from particular strings:
- an opening that continues a question ("and …", "what if …", "what about …", "那…", "如果只是…", "…呢？"),
- a personal pronoun with no antecedent in the question ("his voice", "用他的名字"),
- little subject matter of its own (few content terms) and either no word by which it asks the law anything, or
  nothing but what follows from a subject it does not name ("What are the penalties?", "会被罚多少钱？").
A question with subject matter of its own (several content terms — more after a continuing opening — and every
personal pronoun resolved within it) is self-contained: the history is not folded into it.

A follow-up is read with its *anchor*: the most recent user question of the history that was itself self-contained
(a chain "face → and the voice? → 那名字呢？" keeps the first question's subject). The retrieval query is the
follow-up followed by the anchor's salient terms (its content terms without function words, pronouns and terms the
follow-up already has). The answer is written in the follow-up's language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kb.answer import issues as issue_data
from kb.answer.text import query_terms
from kb.errors import BadRequest, InputTooLarge
from kb.lang import detect_lang
from kb.settings import Settings

ROLES = ("user", "assistant")
MAX_ADDED_TERMS = 10

# Openings that continue an earlier question.
_EN_CUE = re.compile(
    r"^\s*(?:and|but|or|so|then|also|plus|what if|what about|how about|and if|but if|or if|even if|same|only|just|"
    r"instead|in that case|if so|if not|does that|is that|would that|would it|could that)\b",
    re.IGNORECASE,
)
_ZH_CUE = re.compile(r"^\s*(?:那|如果只是|如果仅|如果光|要是只|假如只|还有|另外|同样|只是|仅仅|光是|换成|改成|反过来|此外|那样|这样)")
_ZH_TAIL = re.compile(r"呢\s*[？?。.!！]*\s*$")  # "…的名字呢？": the elliptical question particle
# Personal pronouns that need an antecedent (not "it": "is it legal" is no anaphora).
_EN_PRONOUN = re.compile(r"\b(?:he|him|his|she|her|hers|they|them|their)\b", re.IGNORECASE)
_EN_PERSONAL = re.compile(r"\b(?:he|him|his|she|her|hers)\b", re.IGNORECASE)
_ZH_PRONOUN = re.compile(r"(?<![其吉])[他她](?![人])|他们|她们")  # 他人 / 其他 are no pronouns
# Nouns that can be a pronoun's antecedent inside the question itself.
_EN_ANTECEDENT = re.compile(
    r"\b(?:actor|actress|celebrit\w*|singer|star|person|someone|somebody|people|man|woman|men|women|client|customer|"
    r"seller|buyer|user|consumer|platform|shop|store|company|influencer|model|athlete|politician|president|friend|"
    r"streamer|artist|employee|merchant|neighbou?r|boss|child|children|kid|parent|guy|girl|boy|landlord|tenant|"
    r"husband|wife|partner|colleague|owner|operator|advertiser|manufacturer|vendor|agent)s?\b",
    re.IGNORECASE,
)
_ZH_ANTECEDENT = re.compile(
    r"明星|演员|歌手|名人|某人|本人|客户|网红|主播|模特|运动员|艺人|女士|先生|老师|消费者|商家|卖家|买家|平台|朋友|员工|公众人物|"
    r"领导人|某[男女]?|邻居|老人|父母|子女|孩子|保姆|开发商|公司|对方|别人|他人|同事|房东|租客|丈夫|妻子|老公|老婆|配偶|儿子|女儿|"
    r"爸爸|妈妈|老板|企业|单位|商店|店铺|网店|用户|患者|医生|律师|当事人|成年人|罪犯|犯人"
)
_ZH_CLAUSE = re.compile(r"[，,；;。]")
_CAPITALISED = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]+")  # a name inside the sentence (not its first word, not "I")

# Words that ask only what follows from a subject the question does not name ("What are the penalties?", "会被罚多少钱？",
# "who can sue us then?"): a question with no content term but these has no subject matter of its own.
_CONSEQUENCE_ZH = frozenset("罚 罚款 处罚 多少钱 罚多少钱 赔多少 赔多少钱 谁来赔 坐牢 判刑 判几年 赔偿 起诉 担责 责任 犯罪 后果 违法 侵权".split())
_CONSEQUENCE_ZH_STEM = ("罚", "赔", "判", "坐牢", "起诉")  # 罚多少, 赔多少, 判几年 … (not 行政处罚: a subject)
_NAMES_LAW = re.compile(r"《|[\u4e00-\u9fff]{2,}(?:法|条例|规定|办法|解释)|第.{1,8}条|\b(?:law|code|act|article|regulation)s?\b", re.IGNORECASE)
_CONSEQUENCE_EN = ("penalt", "fine", "sue", "crime", "criminal", "jail", "prison", "liab", "damages", "compensat", "punish",
                   "consequence", "sanction", "court", "responsib")

# Words that carry no subject matter: openings, pronouns, generic legal predicates.
_FUNCTION = frozenset(
    "only just what about how and but then also instead same case his her him hers she he they them their this that these "
    "those one would still else even too either if so not does could should will can may might instead way then there "
    "legal illegal lawful allowed okay fine ok problem still also without asking ask".split()
) | frozenset("如果 只是 那么 还有 另外 仅仅 这样 那样 这个 那个 假如 要是 同样 还是 的话 光是 换成 改成 那么 合法 违法 可以 行不行 怎么样 怎样 问题 没有 什么 有什么 哪些 多少 几年 多久".split())


@dataclass(frozen=True)
class Turn:
    role: str  # "user" | "assistant"
    content: str


@dataclass
class FollowUp:
    """How a question was read against the conversation: ``resolved`` is what was searched."""

    question: str
    is_followup: bool
    signals: list[str] = field(default_factory=list)  # cue, pronoun, short, no-legal-words
    context: str | None = None  # the earlier question it was read with (the anchor)
    added_terms: list[str] = field(default_factory=list)
    resolved: str = ""
    history_turns: int = 0
    frame: str = ""  # the line the answer opens with to say so (frame_line), set by the service

    def to_dict(self) -> dict[str, Any]:
        return {
            "is_followup": self.is_followup, "signals": list(self.signals), "context_from_history": self.context,
            "added_terms": list(self.added_terms), "resolved_question": self.resolved, "history_turns": self.history_turns,
            "frame": self.frame,
        }


def validate_history(history: Iterable[Any] | None, settings: Settings) -> list[Turn]:
    """Turns as ``Turn``s; a bounded list of user/assistant turns with text, else a clear error."""
    if history is None:
        return []
    turns: list[Turn] = []
    for i, raw in enumerate(history):
        role = raw.get("role") if isinstance(raw, dict) else getattr(raw, "role", None)
        content = raw.get("content") if isinstance(raw, dict) else getattr(raw, "content", None)
        if role not in ROLES:
            raise BadRequest(f"history[{i}].role must be one of {list(ROLES)}.", details={"index": i, "role": role})
        if not isinstance(content, str):
            raise BadRequest(f"history[{i}].content must be text.", details={"index": i})
        if len(content) > settings.max_history_turn_chars:
            raise InputTooLarge(
                f"history[{i}] has {len(content)} characters; the limit per turn is {settings.max_history_turn_chars}.",
                details={"index": i, "length": len(content), "limit": settings.max_history_turn_chars},
            )
        turns.append(Turn(role, content))
    if len(turns) > settings.max_history_turns:
        raise InputTooLarge(
            f"The history has {len(turns)} turns; the limit is {settings.max_history_turns} (send the latest ones).",
            details={"turns": len(turns), "limit": settings.max_history_turns},
        )
    return turns


def content_terms(question: str) -> list[str]:
    """The question's terms that carry subject matter (no openings, pronouns or generic predicates)."""
    return [t for t in query_terms(question) if t.lower() not in _FUNCTION and t.lower().strip("'s") not in _FUNCTION]


def _unresolved_pronoun(question: str, personal_only: bool = False) -> bool:
    """A pronoun with no possible antecedent before it in the question."""
    pats = [_EN_PERSONAL if personal_only else _EN_PRONOUN, _ZH_PRONOUN]
    for pat in pats:
        for m in pat.finditer(question):
            before = question[: m.start()]
            if _EN_ANTECEDENT.search(before) or _ZH_ANTECEDENT.search(before) or _CAPITALISED.search(before):
                continue
            if pat is _ZH_PRONOUN and _ZH_CLAUSE.search(before) and len(content_terms(before)) >= 2:
                continue  # a Chinese pronoun after a clause of its own question refers into that clause
            return True
    return False


def _is_consequence(term: str) -> bool:
    low = term.lower().lstrip("要会被得需")  # "要罚", "会被罚": the modal jieba keeps with the verb
    return low in _CONSEQUENCE_ZH or low.startswith(_CONSEQUENCE_EN) or (len(low) <= 4 and low.startswith(_CONSEQUENCE_ZH_STEM))


def _has_cue(question: str) -> bool:
    return bool(_EN_CUE.search(question) or _ZH_CUE.search(question) or _ZH_TAIL.search(question))


def signals(question: str) -> list[str]:
    """The shape features of an elliptical question found in ``question``."""
    out = []
    if _has_cue(question):
        out.append("cue")
    if _unresolved_pronoun(question):
        out.append("pronoun")
    if len(content_terms(question)) <= 2:
        out.append("short")
    if not issue_data.asks_the_law(question):
        out.append("no-legal-words")
    if not _NAMES_LAW.search(question) and all(_is_consequence(t) for t in content_terms(question)):
        out.append("no-subject")  # nothing but what follows (penalty, liability, crime), and no law named
    return out


def self_contained(question: str) -> bool:
    """Subject matter of its own: enough content terms and no personal pronoun left without an antecedent. A
    question that opens like a continuation needs more of its own to stand alone."""
    n = len(content_terms(question))
    zh = detect_lang(question) == "zh"
    need = (4 if zh else 5) + (2 if _has_cue(question) else 0)
    return n >= need and not _unresolved_pronoun(question, personal_only=True)


def is_followup(question: str) -> tuple[bool, list[str]]:
    """Whether the question, asked after another one, is to be read with it (and the signals that say so)."""
    sig = signals(question)
    if self_contained(question):
        return False, sig
    found = "cue" in sig or "pronoun" in sig or ("short" in sig and ("no-legal-words" in sig or "no-subject" in sig))
    return found, sig


def anchor(history: Sequence[Turn]) -> str | None:
    """The most recent user question of the history that was self-contained when it was asked."""
    current: str | None = None
    for turn in history:
        if turn.role != "user" or not turn.content.strip():
            continue
        q = turn.content.strip()
        if current is None or not is_followup(q)[0]:
            current = q
    return current


def salient_terms(context: str, question: str) -> list[str]:
    """The context question's content terms that the follow-up does not already have."""
    have = {t.lower() for t in query_terms(question)}
    out = [t for t in content_terms(context) if t.lower() not in have]
    return out[:MAX_ADDED_TERMS]


def resolve(question: str, history: Sequence[Turn]) -> FollowUp:
    """Read ``question`` against ``history``: the query to search and what of the history it used."""
    question = question.strip()
    base = FollowUp(question=question, is_followup=False, resolved=question, history_turns=len(history))
    context = anchor(history)
    if context is None:
        base.signals = signals(question)
        return base
    found, sig = is_followup(question)
    base.signals = sig
    if not found:
        return base
    added = salient_terms(context, question)
    base.is_followup, base.context, base.added_terms = True, context, added
    base.resolved = question + (" " + " ".join(added) if added else "")
    return base


def frame_line(fu: FollowUp, lang: str) -> str:
    """The answer's first line for a follow-up: it is read in the light of the previous question."""
    ctx = fu.context or ""
    ctx = ctx if len(ctx) <= 120 else ctx[:117] + "…"
    if lang == "zh":
        return f"（追问：本问题结合上一个问题“{ctx}”理解。）"
    return f"(Follow-up: this question is read in the light of the previous one, “{ctx}”.)"
