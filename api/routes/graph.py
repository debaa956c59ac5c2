"""Router: graph — the citation graph (本法第X条, 前款, 《某法》第X条) around one article to a depth, or across
one law, filterable by edge kind and direction."""

from __future__ import annotations

from collections import deque
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from api.deps import IndexDep
from api.routes.laws import resolve
from api.schemas import GraphEdge, GraphNode, GraphOut, error_responses
from kb.answer.keys import normalize_key
from kb.errors import ArticleNotFound, BadRequest
from kb.records import Edge

router = APIRouter(prefix="/v1", tags=["graph"])
ERRORS = error_responses(400, 404, 409, 422, 503)


def _target_id(e: Edge) -> str:
    return e.dst_article_id or f"{e.dst_law_id or e.dst_law_title}#{e.dst_key or ''}"


class _Builder:
    def __init__(self, store: Any, kinds: list[str] | None, max_nodes: int) -> None:
        self.store, self.kinds, self.max_nodes = store, kinds, max_nodes
        self.nodes: dict[str, GraphNode] = {}
        self.edges: dict[tuple[str, str, str], GraphEdge] = {}
        self.truncated = False
        self._titles: dict[str, str] = {}

    def _title(self, law_id: str) -> str | None:
        if law_id not in self._titles:
            try:
                self._titles[law_id] = self.store.law(law_id).title_zh
            except Exception:
                self._titles[law_id] = law_id
        return self._titles[law_id]

    def add_article(self, article_id: str, depth: int) -> bool:
        if article_id in self.nodes:
            return True
        if len(self.nodes) >= self.max_nodes:
            self.truncated = True
            return False
        a = self.store.article_by_id(article_id)
        if a is None:
            self.nodes[article_id] = GraphNode(id=article_id, in_corpus=False, depth=depth)
        else:
            self.nodes[article_id] = GraphNode(id=article_id, law=a.law_id, title_zh=self._title(a.law_id), article=a.key,
                                               label=a.label_zh or a.label_en, depth=depth)
        return True

    def add_edge(self, e: Edge, depth: int) -> str | None:
        """Adds the edge and its far node; returns the far node id if it is an article to expand."""
        if self.kinds and e.kind not in self.kinds:
            return None
        tgt = _target_id(e)
        if e.dst_article_id:
            if not (self.add_article(e.dst_article_id, depth) and self.add_article(e.src_article_id, depth)):
                return None
        else:
            if tgt not in self.nodes:
                if len(self.nodes) >= self.max_nodes:
                    self.truncated = True
                    return None
                self.nodes[tgt] = GraphNode(id=tgt, law=e.dst_law_id, title_zh=e.dst_law_title, article=e.dst_key, in_corpus=False, depth=depth)
            if not self.add_article(e.src_article_id, depth):
                return None
        self.edges[(e.src_article_id, tgt, e.kind)] = GraphEdge(source=e.src_article_id, target=tgt, kind=e.kind, text=e.text)
        return e.dst_article_id


@router.get("/graph", response_model=GraphOut, responses=ERRORS, summary="Citation graph around an article or across a law")
def graph(
    index: IndexDep,
    article: Annotated[str | None, Query(description="Article id (civil-code@2021-01-01#1019), or an article number together with ?law=.")] = None,
    law: Annotated[str | None, Query(description="Law id or name: the whole law's graph, or the law of ?article=.")] = None,
    depth: Annotated[int, Query(ge=1, le=4)] = 1,
    direction: Annotated[Literal["out", "in", "both"], Query()] = "both",
    kind: Annotated[list[str] | None, Query(description="same-law | other-law | preceding-paragraph")] = None,
    as_of: Annotated[date | None, Query()] = None,
    max_nodes: Annotated[int, Query(ge=1, le=2000)] = 300,
) -> GraphOut:
    store = index.store
    day = as_of or date.today()
    b = _Builder(store, kind, max_nodes)
    if article is None and law is None:
        raise BadRequest("Give ?article= (an article id, or a number with ?law=) or ?law=.")
    if article is not None:
        if "#" in article:
            rec = store.article_by_id(article)
        else:
            if law is None:
                raise BadRequest("An article number needs ?law= (or pass the article id).")
            key = normalize_key(article)
            if key is None:
                raise BadRequest(f"{article!r} is not an article number.")
            rec = store.article(resolve(store, law).law_id, key, as_of=day)
        if rec is None:
            raise ArticleNotFound(f"no article {article!r}", details={"article": article, "law": law})
        b.add_article(rec.article_id, 0)
        queue: deque[tuple[str, int]] = deque([(rec.article_id, 0)])
        seen = {rec.article_id}
        while queue:
            aid, d = queue.popleft()
            if d >= depth:
                continue
            edges = (store.references(aid) if direction in ("out", "both") else []) + (store.cited_by(aid) if direction in ("in", "both") else [])
            for e in edges:
                far = e.dst_article_id if e.src_article_id == aid else e.src_article_id
                b.add_edge(e, d + 1)
                if far and far not in seen and far in b.nodes:
                    seen.add(far)
                    queue.append((far, d + 1))
        center = rec.article_id
    else:
        rec_law = resolve(store, law or "")
        v = store.version_in_force(rec_law.law_id, day) or (store.versions(rec_law.law_id) or [None])[-1]
        center = None
        for a in store.articles(v.version_id) if v else []:
            for e in store.references(a.article_id):
                b.add_edge(e, 0)
            if b.truncated:
                break
    return GraphOut(center=center, nodes=list(b.nodes.values()), edges=list(b.edges.values()), truncated=b.truncated)
