"""The stock endpoint `kb bench api` measures ours against: a FastAPI app over the same corpus, built the way a user
would first build it — LangChain's EnsembleRetriever of a BM25Retriever (jieba) and a Chroma retriever
(``kb.bench.build_langchain``, the pipeline `kb bench retrieval` compares with), and a stuff-documents prompt (a
``ChatPromptTemplate`` with every retrieved document formatted and joined into the context). No LLM is called: the
response is the prompt an LLM would be sent and the ids of its sources, so the figures are retrieval + prompt
assembly + HTTP, what our deterministic /v1/ask costs too.

Not part of the service: ``uvicorn api.stock:create_stock_app --factory`` serves it (KB_DATA_DIR names the index
whose chunks it takes; its Chroma store is kept under ``$KB_DATA_DIR/bench/langchain``)."""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from typing import Any  # noqa: E402

from fastapi import FastAPI  # noqa: E402
from pydantic import BaseModel, Field  # noqa: E402

from kb.settings import Settings, get_settings  # noqa: E402

__all__ = ["create_stock_app", "StockQuestion", "StockAnswer", "PROMPT_SYSTEM"]

PROMPT_SYSTEM = (
    "You are a legal assistant. Answer the question using only the provisions in the context below, and cite the "
    "law and article of each provision you rely on. If the context does not answer the question, say so.\n\n"
    "Context:\n{context}"
)


class StockQuestion(BaseModel):
    question: str = Field(min_length=1, max_length=4000)


class StockAnswer(BaseModel):
    prompt: str  # the stuffed prompt an LLM would receive
    sources: list[str]  # article ids of the retrieved documents, in retrieval order, each once
    documents: int  # documents stuffed into the prompt


def create_stock_app(settings: Settings | None = None, *, store: Any = None) -> FastAPI:
    """Build the stock pipeline over the chunks of ``store`` (default: the article store of the CURRENT generation of
    ``settings``; only the store is opened, never our lexical or vector indexes) and serve it: ``POST /ask``
    {"question"} → {"prompt", "sources", "documents"}; ``GET /healthz``."""
    from langchain_core.documents import Document
    from langchain_core.prompts import ChatPromptTemplate, PromptTemplate, format_document

    from kb.bench import build_langchain

    settings = settings or get_settings()
    own = store is None
    if own:
        from kb.generations import require_current
        from kb.store import ArticleStore
        from kb.store_writer import STORE_FILE

        store = ArticleStore(require_current(settings)[1] / STORE_FILE)
    try:
        ensemble, info = build_langchain(store, settings.data_dir / "bench" / "langchain", say=lambda _m: None)
    finally:
        if own:
            store.close()
    # What create_stuff_documents_chain does before it calls the model: each document through the document prompt,
    # joined by a blank line, into the {context} of the chat prompt.
    document_prompt = PromptTemplate.from_template("{page_content}")
    prompt = ChatPromptTemplate.from_messages([("system", PROMPT_SYSTEM), ("human", "{question}")])

    def stuff(docs: list[Document]) -> str:
        return "\n\n".join(format_document(d, document_prompt) for d in docs)

    app = FastAPI(title="Stock LangChain RAG (benchmark baseline)")
    app.state.build = info

    @app.get("/healthz")
    def healthz() -> dict[str, Any]:
        return {"status": "ok", **info}

    @app.post("/ask", response_model=StockAnswer)
    def ask(body: StockQuestion) -> StockAnswer:
        docs = ensemble.invoke(body.question)
        text = prompt.invoke({"context": stuff(docs), "question": body.question}).to_string()
        sources = list(dict.fromkeys(str(d.metadata.get("article_id")) for d in docs))
        return StockAnswer(prompt=text, sources=sources, documents=len(docs))

    return app
