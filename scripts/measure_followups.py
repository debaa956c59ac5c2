"""Follow-up questions measured: (1) how many self-contained evaluation questions the shape rule would wrongly read as
follow-ups (the questions are read at run time from KB_EVAL_DIR and evalsets/, never copied); (2) on this script's own
conversations, whether the follow-up's answer cites the article of its topic with the history and without it; (3)
whether self-contained second questions are answered exactly as without history.

    KB_DATA_DIR=/tmp/kbeval python scripts/measure_followups.py      # any built index (read-only)
"""

from __future__ import annotations

import json
from pathlib import Path

from kb.answer.followup import is_followup
from kb.answer.service import answer_question
from kb.index import open_index
from kb.settings import REPO_ROOT, get_settings

s = get_settings()
qs: list[str] = []
for f in [*sorted(Path(s.eval_dir).glob("**/*.jsonl")), *sorted((REPO_ROOT / "evalsets").glob("mask-compliance*.jsonl"))]:
    for line in f.read_text(encoding="utf-8").splitlines():
        try:
            d = json.loads(line)
        except ValueError:
            continue
        if isinstance(d, dict) and isinstance(d.get("question"), str):
            qs.append(d["question"])
fp = [q for q in qs if is_followup(q)[0]]
print(f"is_followup on {len(qs)} self-contained evaluation questions: {len(fp)} flagged ({len(fp) / max(len(qs), 1):.3f})")

idx = open_index(s)
# (first question, follow-up, expected (law, article) in the follow-up's citations). DEV: written while the shape rules
# were tuned (its misses drove them); HELD_OUT: written after the rules were fixed, measured once.
DEV = [
 ("Could a shop sell lifelike silicone masks copying a well-known TV host's face without his consent?", "and if I only copy his voice?", ("civil-code", "1023")),
 ("Could a shop sell lifelike silicone masks copying a well-known TV host's face without his consent?", "what about just printing his name on the box?", ("civil-code", "1014")),
 ("网店未经本人同意，出售按某男歌手的脸定制的仿真硅胶面具，违法吗？", "如果只是模仿他的声音呢？", ("civil-code", "1023")),
 ("网店未经本人同意，出售按某男歌手的脸定制的仿真硅胶面具，违法吗？", "那如果只是用他的名字呢？", ("civil-code", "1014")),
 ("我们在广告里说面具能通过银行的人脸核验，这样宣传合法吗？", "会被罚多少钱？", ("advertising-law", "55")),
 ("Is it lawful for our ads to claim the mask fools phone face unlock?", "and what fine could we face?", ("advertising-law", "55")),
 ("平台上有店铺卖侵犯明星肖像权的面具，平台要担责吗？", "那如果平台接到通知后马上删除了呢？", ("e-commerce-law", "42")),
 ("Does an online marketplace share liability when a seller lists masks infringing a celebrity's likeness?", "what if it took the listing down as soon as it was notified?", ("e-commerce-law", "42")),
 ("未经同意在面具宣传图里使用某网红的照片，侵犯什么权利？", "如果她已经去世了呢？", ("civil-code", "994")),
 ("Can we use a photo of a deceased actor on our mask packaging without asking anyone?", "who can sue us then?", ("civil-code", "994")),
]
HELD_OUT = [
 ("A studio 3D-scans a pop star's head and sells silicone replicas online without any licence. What is the legal risk?",
  "suppose it only sells recordings imitating her singing voice instead?", ("civil-code", "1023")),
 ("商家在详情页用某演员的剧照宣传面具，没经过演员同意，合法吗？", "换成只写演员的名字呢？", ("civil-code", "1014")),
 ("商家宣传硅胶面具可以骗过手机人脸解锁，属于虚假广告吗？", "要罚多少？", ("advertising-law", "55")),
 ("Is a marketplace liable if it knows a shop sells masks copying a celebrity's face and does nothing?",
  "and if nobody ever complained to it?", ("civil-code", "1197")),
 ("有人把某主持人的脸做成面具卖，还把照片P成丑陋的样子发到网上，侵犯了哪些权利？", "只是丑化照片呢？", ("civil-code", "1019")),
 ("Can I put an athlete's name on silicone mask packaging without his consent?", "what if he has died?", ("civil-code", "994")),
]



def run(name: str, conv: list[tuple[str, str, tuple[str, str]]]) -> None:
    hit_h = hit_n = det = 0
    for first, fu, want in conv:
        a1 = answer_question(idx, first, settings=s)
        h = [{"role": "user", "content": first}, {"role": "assistant", "content": a1.answer}]
        with_h = answer_question(idx, fu, history=h, settings=s)
        alone = answer_question(idx, fu, settings=s)
        ch = {(c.law, c.article) for c in with_h.citations}
        cn = {(c.law, c.article) for c in alone.citations}
        det += with_h.followup.is_followup
        hit_h += want in ch
        hit_n += want in cn
        print(f"  {fu[:44]:46s} followup={with_h.followup.is_followup} with_history={'Y' if want in ch else 'n'} "
              f"alone={'Y' if want in cn else 'n'}{' (refused)' if alone.refused else ''} first3={[c.article for c in with_h.citations[:3]]}")
    n = len(conv)
    print(f"{name}: follow-ups detected {det}/{n}; expected article cited with history {hit_h}/{n}, without {hit_n}/{n}")


run("dev", DEV)
run("held-out", HELD_OUT)
# contamination: self-contained second questions, with and without history
SELF = [("Could a shop sell lifelike silicone masks copying a well-known TV host's face without his consent?", "电商平台明知店铺销售侵权面具而不采取措施，要承担什么责任？"),
        ("网店未经本人同意，出售按某男歌手的脸定制的仿真硅胶面具，违法吗？", "What penalties does the Advertising Law impose on an ad that misstates what a product can do?"),
        ("我们在广告里说面具能通过银行的人脸核验，这样宣传合法吗？", "收集顾客人脸信息需要取得单独同意吗？")]
same = 0
for first, q in SELF:
    a = answer_question(idx, q, history=[{"role": "user", "content": first}], settings=s)
    b = answer_question(idx, q, settings=s)
    same += [c.article_id for c in a.citations] == [c.article_id for c in b.citations] and not a.followup.is_followup
print(f"self-contained second questions answered as without history: {same}/{len(SELF)}")
