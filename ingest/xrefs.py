"""Cross-references inside Chinese article text → structured references (edges of the citation graph).

Recognised: ``本法第X条`` (本条例/本规定/本解释/本办法/本决定 alike), ``第X条`` alone (same law, or the law of
the reference it continues: ``本法第十条、第十一条``), ``《某法》第X条``, unbracketed law names (``刑法第
二百六十六条`` in judicial interpretations), ranges ``第X条至第Y条``, ``第X条第Y款第（Z）项``, ``前款`` /
``前两款`` and ``本条第Y款`` / ``第Y款`` (same article). Resolution of a title to a law is not done here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from kb.numerals import CN_NUMERAL_CHARS, article_key, parse_chinese_number

RefKind = Literal["article", "paragraph", "preceding"]


@dataclass(frozen=True)
class RawRef:
    """One reference as written. ``target_title`` None = the citing law itself.

    kind ``article``: ``article`` (key like "253之一") [+ ``paragraph`` / ``item``];
    kind ``paragraph``: a paragraph of the citing article (本条第二款); kind ``preceding``: the ``count``
    paragraphs just before the citing one (前款 = 1, 前两款 = 2).
    """

    kind: RefKind
    target_title: str | None
    article: str | None
    paragraph: int | None
    item: int | None
    count: int
    text: str
    start: int
    end: int


_N = f"[{CN_NUMERAL_CHARS}0-9]+"
_ARTICLE = rf"第({_N})条(?:之({_N}))?"
_PARA = rf"(?:第({_N})款)?"
_ITEM = rf"(?:第(?:（({_N})）|\(({_N})\)|({_N}))项)?"
_REF_RE = re.compile(_ARTICLE + _PARA + _ITEM)
_RANGE_RE = re.compile(rf"\s*(?:至|到|—|-|～|~)\s*{_ARTICLE}")
_SAME_LAW = ("本法", "本条例", "本规定", "本解释", "本办法", "本决定", "本细则", "本规则", "本法典", "本编", "本章", "本节")
_BRACKET_RE = re.compile(r"《([^《》]{2,80})》\s*$")
_NAME_RE = re.compile(r"([\u4e00-\u9fff（）()]{2,24}?(?:法典|法|条例|规定|办法|解释|决定|细则|规则|修正案(?:（[一二三四五六七八九十]+）)?))\s*$")
_NAME_STOP = re.compile(
    r"^.*(?:依照|按照|根据|依据|违反|适用|参照|对照|准用|援引|比照|规定的|规定|的|和|或者|或|及|以及|与|即|、|，|。|；|：)"
)
# Short names judicial interpretations use without 《》 (刑法第二百六十六条); the longest match wins.
KNOWN_SHORT_NAMES = frozenset(
    """宪法 民法典 民法通则 民法总则 合同法 物权法 担保法 侵权责任法 婚姻法 继承法 收养法 刑法 刑事诉讼法 民事诉讼法
    行政诉讼法 行政处罚法 行政许可法 行政复议法 国家赔偿法 治安管理处罚法 广告法 电子商务法 个人信息保护法 网络安全法
    数据安全法 反不正当竞争法 反垄断法 消费者权益保护法 产品质量法 著作权法 商标法 专利法 公司法 合伙企业法 劳动法
    劳动合同法 食品安全法 药品管理法 证券法 保险法 商业银行法 票据法 海商法 仲裁法 律师法 监察法 立法法 未成年人保护法
    妇女权益保障法 道路交通安全法 居民身份证法 出境入境管理法 反电信网络诈骗法 反洗钱法 密码法 电信条例 税收征收管理法
    环境保护法 土地管理法 城市房地产管理法 农村土地承包法 企业破产法 信托法 电子签名法 标准化法 计量法 价格法
    招标投标法 政府采购法 反恐怖主义法 国家安全法 保守国家秘密法 档案法 统计法 审计法 会计法 预算法 人民法院组织法
    人民检察院组织法 法官法 检察官法 刑法修正案""".split()
)
_CONNECTOR_RE = re.compile(r"^[\s、，,和或者及以及与并且]*$")
_PRECEDING_RE = re.compile(rf"前({_N})?款")
_OWN_PARA_RE = re.compile(rf"(?:本条)?第({_N})款")


def _num(s: str | None) -> int | None:
    if not s:
        return None
    try:
        return parse_chinese_number(s)
    except ValueError:
        return None


def _law_before(text: str, start: int) -> tuple[bool, str | None]:
    """What names the law just before position ``start``: (found, title or None for the citing law)."""
    before = text[max(0, start - 90) : start]
    for marker in _SAME_LAW:
        if before.endswith(marker):
            return True, None
    if m := _BRACKET_RE.search(before):
        return True, m.group(1).strip()
    if m := _NAME_RE.search(before[-26:]):
        raw_name = m.group(1)
        if "中华人民共和国" in raw_name:
            return True, raw_name[raw_name.index("中华人民共和国") :]
        known = [raw_name[i:] for i in range(len(raw_name)) if raw_name[i:] in KNOWN_SHORT_NAMES]
        if known:
            return True, known[0]
        name = _NAME_STOP.sub("", raw_name)
        if len(name) >= 2 and not name.startswith(("本", "该", "前", "上述", "下列", "有关", "相关", "其他")):
            if name.endswith(("规定", "决定", "办法", "解释", "规则", "细则")) and len(name) < 4:
                return False, None
            return True, name
    return False, None


def find_references(text: str, *, own_title: str | None = None) -> list[RawRef]:
    """All references in ``text`` in order of appearance. ``own_title`` maps 《own title》 to None."""
    refs: list[RawRef] = []
    prev_end = -1
    prev_target: str | None = None
    for m in _REF_RE.finditer(text):
        if m.start() < prev_end:
            continue  # the far end of a range already expanded
        number, suffix = _num(m.group(1)), _num(m.group(2)) or 0
        if number is None:
            continue
        found, target = _law_before(text, m.start())
        if not found:
            between = text[prev_end : m.start()] if prev_end >= 0 else None
            target = prev_target if between is not None and _CONNECTOR_RE.match(between) else None
        if own_title and target and (target == own_title or own_title.endswith(target) and len(target) >= 4):
            target = None
        paragraph = _num(m.group(3))
        item = _num(m.group(4) or m.group(5) or m.group(6))
        end = m.end()
        refs.append(RawRef("article", target, article_key(number, suffix), paragraph, item, 1, m.group(0), m.start(), end))
        if (r := _RANGE_RE.match(text, end)) and (last := _num(r.group(1))) is not None and not r.group(2):
            for n in range(number + 1, min(last, number + 40) + 1):
                refs.append(RawRef("article", target, article_key(n), None, None, 1, r.group(0).strip(), end, r.end()))
            end = r.end()
        prev_end, prev_target = end, target
    taken = [(r.start, r.end) for r in refs]
    for m in _PRECEDING_RE.finditer(text):
        count = _num(m.group(1)) or 1
        refs.append(RawRef("preceding", None, None, None, None, count, m.group(0), m.start(), m.end()))
    for m in _OWN_PARA_RE.finditer(text):
        if any(s <= m.start() < e for s, e in taken) or text[max(0, m.start() - 1) : m.start()] == "条" and not m.group(0).startswith("本条"):
            continue
        if (p := _num(m.group(1))) is not None:
            refs.append(RawRef("paragraph", None, None, p, None, 1, m.group(0), m.start(), m.end()))
    refs.sort(key=lambda r: r.start)
    return refs
