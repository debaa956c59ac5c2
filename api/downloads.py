"""Memo downloads: an answer or a listing check as a Word or Markdown file (``?format=docx|md``)."""

from __future__ import annotations

from typing import Literal

from fastapi.responses import Response

from kb.memo import Memo, render

MemoFormat = Literal["json", "docx", "md"]
FORMAT_HELP = "json (default), or a memo to download: docx (Word) or md (Markdown)."


def memo_response(memo: Memo, fmt: str, stem: str) -> Response:
    """The memo as an attachment named ``<stem>-<as_of>.<ext>`` (ASCII, so every client keeps it)."""
    body, media_type, ext = render(memo, fmt)
    name = f"{stem}-{memo.as_of or memo.written}.{ext}"
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def memo_responses() -> dict[int | str, dict]:
    """OpenAPI: the 200 response may be JSON, a Word document or Markdown."""
    return {200: {"content": {"application/json": {}, "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {},
                              "text/markdown": {}}}}
