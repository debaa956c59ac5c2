"""Router: graph — the citation graph (本法第X条, 《某法》第X条) and provision lineage around one article (named by
law + article number in any label form, or by id) to a depth of 4, or across one law; typed edges (same-law,
other-law, judicial-interpretation, lineage), filterable by kind and direction, exported as JSON, CSV (edge list)
or GraphML (networkx, Gephi). A paragraph pointing at its own article (前款) is not an edge of the graph."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections import deque
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import IndexDep
from api.routes.laws import resolve
from api.schemas import GraphEdge, GraphNode, GraphOut, error_responses
from kb.answer.keys import normalize_key
from kb.errors import ArticleNotFound, BadRequest, NotFound
from kb.records import Edge

router = APIRouter(prefix="/v1", tags=["graph"])
ERRORS = error_responses(400, 404, 409, 422, 503)
EDGE_KINDS = ("same-law", "other-law", "judicial-interpretation", "lineage")


def _target_id(e: Edge) -> str:
    return e.dst_article_id or f"{e.dst_law_id or e.dst_law_title}#{e.dst_key or ''}"


class _Builder:
    def __init__(self, store: Any, kinds: list[str] | None, max_nodes: int) -> None:
        self.store, self.kinds, self.max_nodes = store, kinds, max_nodes
        self.nodes: dict[str, GraphNode] = {}
        self.edges: dict[tuple[str, str, str], GraphEdge] = {}
        self.truncated = False
        self._laws: dict[str, Any] = {}

    def _law(self, law_id: str) -> Any:
        if law_id not in self._laws:
            try:
                self._laws[law_id] = self.store.law(law_id)
            except NotFound:
                self._laws[law_id] = None
        return self._laws[law_id]

    def kind_of(self, e: Edge) -> str:
        """same-law | other-law | judicial-interpretation (a judicial interpretation citing another law)."""
        if e.kind == "other-law":
            src = self._law(e.src_article_id.rpartition("@")[0])
            if src is not None and src.instrument == "judicial-interpretation":
                return "judicial-interpretation"
        return e.kind

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
            law = self._law(a.law_id)
            self.nodes[article_id] = GraphNode(id=article_id, law=a.law_id, title_zh=law.title_zh if law else a.law_id, article=a.key,
                                               label=a.label_zh or a.label_en, version_id=a.version_id,
                                               effective_from=a.effective_from, depth=depth)
        return True

    def add_edge(self, e: Edge, depth: int) -> str | None:
        """Adds the citation and its far node; returns the far node id if it is an article to expand."""
        kind = self.kind_of(e)
        if e.src_article_id == e.dst_article_id or e.kind == "preceding-paragraph":
            return None  # 前款: the article's own paragraph, not a link between provisions
        if self.kinds and kind not in self.kinds:
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
        self.edges[(e.src_article_id, tgt, kind)] = GraphEdge(source=e.src_article_id, target=tgt, kind=kind, text=e.text)
        return e.dst_article_id

    def add_lineage(self, old_id: str, new_id: str, link_kind: str, score: float, depth: int) -> bool:
        """An edge from the earlier text of a provision to the later one that continues it."""
        if self.kinds and "lineage" not in self.kinds:
            return False
        if not (self.add_article(old_id, depth) and self.add_article(new_id, depth)):
            return False
        self.edges[(old_id, new_id, "lineage")] = GraphEdge(source=old_id, target=new_id, kind="lineage", text=link_kind, score=score)
        return True


def _neighbours(b: _Builder, store: Any, aid: str, direction: str, depth: int) -> list[str]:
    """Adds the edges of ``aid`` (citations and lineage); returns the article ids reached."""
    far: list[str] = []
    edges = (store.references(aid) if direction in ("out", "both") else []) + (store.cited_by(aid) if direction in ("in", "both") else [])
    for e in edges:
        other = e.dst_article_id if e.src_article_id == aid else e.src_article_id
        b.add_edge(e, depth)
        if other and (e.src_article_id, _target_id(e), b.kind_of(e)) in b.edges:
            far.append(other)
    for link in store.lineage_to(aid) if direction in ("in", "both") else []:  # earlier text → this one
        if link.old_article_id and b.add_lineage(link.old_article_id, aid, link.kind, link.score, depth):
            far.append(link.old_article_id)
    for link in store.lineage_from(aid) if direction in ("out", "both") else []:  # this text → the later one
        if link.new_article_id and b.add_lineage(aid, link.new_article_id, link.kind, link.score, depth):
            far.append(link.new_article_id)
    return far


def _csv(out: GraphOut) -> str:
    labels = {n.id: f"{n.title_zh or n.law or ''} {n.label or n.article or ''}".strip() for n in out.nodes}
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["Source", "Target", "Type", "kind", "text", "source_label", "target_label"])
    for e in out.edges:
        w.writerow([e.source, e.target, "Directed", e.kind, e.text, labels.get(e.source, ""), labels.get(e.target, "")])
    return buf.getvalue()


def _graphml(out: GraphOut) -> bytes:
    ns = "http://graphml.graphdrawing.org/xmlns"
    ET.register_namespace("", ns)
    root = ET.Element(f"{{{ns}}}graphml")
    node_keys = (("law", "string"), ("title_zh", "string"), ("article", "string"), ("label", "string"),
                 ("version_id", "string"), ("in_corpus", "boolean"), ("depth", "int"))
    edge_keys = (("kind", "string"), ("text", "string"), ("score", "double"))
    for name, typ in node_keys:
        ET.SubElement(root, f"{{{ns}}}key", id=f"n_{name}", attrib={"for": "node", "attr.name": name, "attr.type": typ})
    for name, typ in edge_keys:
        ET.SubElement(root, f"{{{ns}}}key", id=f"e_{name}", attrib={"for": "edge", "attr.name": name, "attr.type": typ})
    graph = ET.SubElement(root, f"{{{ns}}}graph", id="G", edgedefault="directed")
    for n in out.nodes:
        el = ET.SubElement(graph, f"{{{ns}}}node", id=n.id)
        for name, _typ in node_keys:
            value = getattr(n, name)
            if value is not None:
                ET.SubElement(el, f"{{{ns}}}data", key=f"n_{name}").text = str(value).lower() if isinstance(value, bool) else str(value)
    for i, e in enumerate(out.edges):
        el = ET.SubElement(graph, f"{{{ns}}}edge", id=f"e{i}", source=e.source, target=e.target)
        for name, _typ in edge_keys:
            value = getattr(e, name)
            if value is not None:
                ET.SubElement(el, f"{{{ns}}}data", key=f"e_{name}").text = str(value)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _find(store: Any, article: str, law: str | None, day: date) -> Any:
    if "#" in article:
        rec = store.article_by_id(article)
        ref, _, key = article.rpartition("#")
        if rec is None and "@" in ref:  # the law part in another id form: prc-zhuan-li-fa@2020-10-17#5
            law = resolve(store, ref)
            version = store.version_of_ref(f"{law.law_id}@{ref.rpartition('@')[2]}")
            rec = store.article(law.law_id, key, version_id=version) if version else None
    else:
        if law is None:
            raise BadRequest("An article number needs ?law= (or pass the article id).")
        key = normalize_key(article)
        if key is None:
            raise BadRequest(f"{article!r} is not an article number (try 7, 第七条, Article 7).")
        rec = store.article(resolve(store, law).law_id, key, as_of=day)
    if rec is None:
        raise ArticleNotFound(f"no article {article!r}" + (f" in {law} in force on {day.isoformat()}" if law else ""),
                              details={"article": article, "law": law, "as_of": day.isoformat()})
    return rec


@router.get("/graph", response_model=GraphOut, responses=ERRORS, summary="Citation graph and lineage around an article, or across a law")
def graph(
    index: IndexDep,
    article: Annotated[str | None, Query(description="Article number in any form (7, 第七条, Article 7) with ?law=, or an article id (civil-code@2021-01-01#1019).")] = None,
    law: Annotated[str | None, Query(description="Law id or name: the law of ?article=, or alone the whole law's graph.")] = None,
    depth: Annotated[int, Query(ge=1, le=4)] = 1,
    direction: Annotated[Literal["out", "in", "both"], Query()] = "both",
    kind: Annotated[list[str] | None, Query(description="same-law | other-law | judicial-interpretation | lineage")] = None,
    as_of: Annotated[date | None, Query()] = None,
    max_nodes: Annotated[int, Query(ge=1, le=2000)] = 300,
    format: Annotated[Literal["json", "csv", "graphml"], Query(description="json (default), csv (edge list) or graphml.")] = "json",
) -> Any:
    store = index.store
    day = as_of or date.today()
    if kind and set(kind) - set(EDGE_KINDS):
        raise BadRequest(f"unknown edge kind(s) {sorted(set(kind) - set(EDGE_KINDS))}", details={"kinds": list(EDGE_KINDS)})
    b = _Builder(store, kind, max_nodes)
    if article is None and law is None:
        raise BadRequest("Give ?law= and ?article= (7, 第七条, Article 7), an article id, or ?law= alone.")
    if article is not None:
        rec = _find(store, article, law, day)
        b.add_article(rec.article_id, 0)
        queue: deque[tuple[str, int]] = deque([(rec.article_id, 0)])
        seen = {rec.article_id}
        while queue:
            aid, d = queue.popleft()
            if d >= depth:
                continue
            for far in _neighbours(b, store, aid, direction, d + 1):
                if far not in seen and far in b.nodes:
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
    out = GraphOut(center=center, nodes=list(b.nodes.values()), edges=list(b.edges.values()), truncated=b.truncated)
    name = (center or law or "graph").replace("#", "-").replace("@", "-")
    if format == "csv":
        return Response(_csv(out), media_type="text/csv; charset=utf-8",
                        headers={"content-disposition": f"attachment; filename*=UTF-8''{_quote(name)}.csv"})
    if format == "graphml":
        return Response(_graphml(out), media_type="application/graphml+xml",
                        headers={"content-disposition": f"attachment; filename*=UTF-8''{_quote(name)}.graphml"})
    return out


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")
