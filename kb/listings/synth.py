"""Synthetic listings for the throughput benchmark: mixed Chinese/English, risky and clean, built from
templates and random vocabulary (seeded, so a run is repeatable). Not an evaluation set: the figures it
gives are listings per second, not quality."""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Iterator

ZH_PRODUCT = ["硅胶面具", "人脸面具", "仿真头套", "全脸面具", "男士老人头套", "女士硅胶脸", "影视特效面具", "万圣节头套", "舞台道具面具", "卡通头套"]
ZH_MATERIAL = ["进口硅胶", "食品级硅胶", "环保乳胶", "手工植发", "3D打印模具", "柔软亲肤材质", "透气网眼内衬", "加厚毛绒"]
ZH_USE = ["适合舞台演出", "适合影视拍摄", "适合万圣节派对", "适合收藏展示", "适合cosplay", "适合话剧表演"]
ZH_CLEAN_EXTRA = ["最近新款上架", "最后一批库存", "第一次购买请先看尺码表", "详见第三条售后说明", "收货后最好先清洗", "遇到大麻烦可联系客服", "明星形状的装饰贴纸", "星星图案内衬", "非明星同款，原创设计", "不能用于人脸识别，仅供表演"]
ZH_RISKY = ["全网最逼真", "国家级工艺", "行业第一品牌", "顶级品质", "可通过刷脸支付", "能解锁手机", "骗过人脸识别", "明星脸定制", "{name}同款脸", "按照片定制任何人的脸", "3D扫描还原", "躲避监控必备", "明星推荐", "{name}代言", "戴上后监控都认不出"]
ZH_NAMES = ["刘德华", "范冰冰", "周杰伦", "杨幂", "王一博", "赵丽颖", "成龙", "易烊千玺"]
EN_PRODUCT = ["silicone face mask", "latex full-head mask", "realistic old man mask", "halloween zombie mask", "theatre prop mask", "cosplay character mask", "hyper-realistic male mask"]
EN_MATERIAL = ["platinum-cure silicone", "hand-punched hair", "breathable lining", "soft natural latex", "hand-painted details"]
EN_USE = ["great for stage shows", "perfect for film sets", "for halloween parties", "ideal for collectors", "for theatre and cosplay"]
EN_CLEAN_EXTRA = ["Best regards, the shop team", "Looks great at best under stage lights", "No. 1 size fits most adults", "Not modeled on any real person", "Cannot be used to unlock phones", "See item No. 1 in the size chart"]
EN_RISKY = ["world's best quality", "No.1 mask seller", "passes facial recognition", "unlocks phones", "100% undetectable", "{name} likeness", "looks exactly like {name}", "send us photos of anyone", "custom 3D scan of any face", "evade surveillance cameras", "endorsed by celebrities", "nobody will recognise you, not even the police"]
EN_NAMES = ["Tom Cruise", "Alan Rickman", "Emma Watson", "Keanu Reeves", "Scarlett Johansson", "Brad Pitt"]


def _zh(rnd: random.Random, risky: bool) -> tuple[str, str]:
    title = f"{rnd.choice(ZH_PRODUCT)} {rnd.choice(ZH_MATERIAL)}"
    parts = [rnd.choice(ZH_MATERIAL), rnd.choice(ZH_USE)]
    if rnd.random() < 0.5:
        parts.append(rnd.choice(ZH_CLEAN_EXTRA))
    if risky:
        claim = rnd.choice(ZH_RISKY).format(name=rnd.choice(ZH_NAMES))
        if rnd.random() < 0.5:
            title = f"{claim} {title}"
        else:
            parts.insert(rnd.randrange(len(parts) + 1), claim)
    return title, "，".join(parts) + "。"


def _en(rnd: random.Random, risky: bool) -> tuple[str, str]:
    title = f"{rnd.choice(EN_PRODUCT).title()} - {rnd.choice(EN_MATERIAL)}"
    parts = [rnd.choice(EN_MATERIAL).capitalize(), rnd.choice(EN_USE)]
    if rnd.random() < 0.5:
        parts.append(rnd.choice(EN_CLEAN_EXTRA))
    if risky:
        claim = rnd.choice(EN_RISKY).format(name=rnd.choice(EN_NAMES))
        if rnd.random() < 0.5:
            title = f"{title}, {claim}"
        else:
            parts.insert(rnd.randrange(len(parts) + 1), claim)
    return title, ". ".join(parts) + "."


def generate(n: int, *, seed: int = 5, risky_share: float = 0.5) -> Iterator[dict[str, str]]:
    rnd = random.Random(seed)
    for i in range(n):
        risky = rnd.random() < risky_share
        title, desc = (_zh if rnd.random() < 0.5 else _en)(rnd, risky)
        yield {"id": f"syn-{i + 1:05d}", "title": title, "description": desc}


def to_jsonl(rows: list[dict[str, str]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def to_csv(rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=["id", "title", "description"], lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()
