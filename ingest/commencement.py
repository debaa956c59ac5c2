"""What a statute's own text says about when it enters into force (its commencement clause).

Chinese instruments end with a clause such as "本法自2021年9月1日起施行", "本条例自发布之日起施行" or
"本解释自2021年1月1日起施行"; an amending decision says "本决定自…起施行". The national/ layer dates a version
by the date in its file name (the adoption or promulgation of that version); this module reads the clause so
that ``scan_national`` can date the version by its entry into force instead.

Which stated date belongs to which version: an instrument amended by decision (修正) keeps its original final
article — 专利法 as amended in 2020 still ends "本法自1985年4月1日起施行" — so a stated date *before* the
version's own date is the original enactment's and says nothing about this version. A stated date on or after the
version's date is this version's commencement: a new law, a full revision (修订) that rewrote the final article,
an interpretation, or an amending decision's "本决定自…起施行". ``Commencement.date_for`` applies that rule.

An amended text is also dated by its amending decision when the snapshot holds the decision (the SPC's decisions
of December 2020 amending 27 civil, 29 commercial and 18 IP interpretations, "本决定自2021年1月1日起施行"):
``decision_targets`` names the instruments a decision amends, and ``scan_national`` gives the decision's date to
their versions published between the decision's adoption and its entry into force.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

__all__ = ["Commencement", "decision_targets", "read_commencement"]

# "本法", "本条例", "本规定", "本解释", "本决定", "本安排的修改文本" … then 自<date>起施行 / 生效 / 实施;
# the subject stays inside one clause (no 。；, or line break between 本 and 自).
_SUBJECT = r"本[^。；，,\n]{0,12}?"
_DATE = r"(\d{4})年(\d{1,2})月(\d{1,2})日"
_STATED = re.compile(r"(" + _SUBJECT + r")自" + _DATE + r"起?(?:施行|生效|实施)")
_ON_PROMULGATION = re.compile(_SUBJECT + r"自(?:公布|发布|颁布|印发|通过)之日起(?:施行|生效|实施)")


@dataclass(frozen=True)
class Commencement:
    """The commencement clauses of one text: the dates they name (in text order) and whether one says the
    text takes effect on promulgation."""

    dates: tuple[date, ...] = ()
    on_promulgation: bool = False
    partial: tuple[date, ...] = ()  # clauses for some articles only ("本补充安排第一条、第四条自…起施行")

    def date_for(self, version_date: date | None) -> date | None:
        """The latest stated date on or after ``version_date`` (this version's entry into force), else None:
        no date, or only the original enactment's date kept in an amended text. A clause for the whole text
        wins over one for some of its articles."""
        if version_date is None:
            return None
        for dates in (self.dates, self.partial):
            later = [d for d in dates if d >= version_date]
            if later:
                return max(later)
        return None

    def original_only(self, version_date: date | None) -> bool:
        """True when every stated date is before ``version_date``: the unchanged final article of an amended
        text, which dates the original enactment, not this version."""
        return bool(self.dates or self.partial) and version_date is not None and self.date_for(version_date) is None


def _valid(y: str, m: str, d: str) -> bool:
    try:
        date(int(y), int(m), int(d))
    except ValueError:
        return False
    return True


def read_commencement(body: str) -> Commencement:
    """The commencement clauses of ``body`` (the text after the header: articles, or the items of an
    instrument without articles)."""
    whole: list[date] = []
    partial: list[date] = []
    for m in _STATED.finditer(body):
        day = date(int(m[2]), int(m[3]), int(m[4])) if _valid(m[2], m[3], m[4]) else None
        if day is not None:
            (partial if "第" in m[1] else whole).append(day)
    return Commencement(dates=tuple(whole), on_promulgation=bool(_ON_PROMULGATION.search(body)), partial=tuple(partial))


_AMENDING_DECISION = re.compile(r"^(?P<issuer>.*?)关于修改《(?P<first>.+?)》(?:等[^《》]*)?的决定$")
_AMENDS_HEADING = re.compile(r"^[一二三四五六七八九十百]+、修改《(.+)》\s*$", re.M)


def decision_targets(title: str, body: str) -> tuple[str, ...]:
    """The titles of the instruments an amending decision (``…关于修改《X》[等N件…]的决定``) amends: its
    "一、修改《X》" headings, else the one instrument its title names. A title that leaves out the issuer
    ("关于修改《关于办理…的解释》的决定") gets the decision's issuer. Empty for any other instrument."""
    m = _AMENDING_DECISION.match(title.strip())
    if m is None:
        return ()
    named = _AMENDS_HEADING.findall(body) or [m["first"]]
    issuer = m["issuer"]
    return tuple(issuer + t if t.startswith("关于") and issuer else t for t in named)
