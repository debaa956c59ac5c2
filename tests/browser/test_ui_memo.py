"""The memo download buttons (answers and listing checks), the rewritten listing and English article labels,
in Debian's headless chromium over the real app. Downloaded files are read back (python-docx for Word)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Tab
from tests.browser.test_ui_flows import ask

pytestmark = pytest.mark.browser


def test_listing_check_memo_download_rewrite_and_english_labels(laptop: Tab) -> None:
    page = laptop.page
    laptop.goto("#/listing")
    title = "Realistic Oswin Calloway silicone mask"
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Description", exact=True).fill("No consent required. Passes bank face verification.")
    page.get_by_role("button", name="Check listing").click()
    page.locator("li.finding").first.wait_for()
    # English interface: English article labels, never "Civil Code 第一千零一十九条"
    basis = page.locator(".basis-links").first.inner_text()
    assert "Art. " in basis and not re.search(r"Civil Code 第", page.locator(".listing-result").inner_text())
    # the rewritten listing the seller can copy
    rw = page.locator("[data-testid=rewritten]")
    expect(rw).to_be_visible()
    new_title = page.locator("#lst-rw-title-text").input_value()
    assert new_title and "Calloway" not in new_title and "mask" in new_title
    assert "consent" not in page.locator("#lst-rw-desc-text").input_value().lower()
    laptop.shot("listing-rewritten")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download memo (Word)").click()
    dl = info.value
    assert dl.suggested_filename.startswith("listing-check-memo-") and dl.suggested_filename.endswith(".docx")
    doc = docx.Document(io.BytesIO(Path(dl.path()).read_bytes()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Listing self-check memo" in text and title in text
    assert "Civil Code Art. 1019" in text and "未经肖像权人同意" in text and "Disclaimer" in text
    laptop.assert_clean()


def test_answer_memo_download(laptop: Tab) -> None:
    page = laptop.page
    laptop.goto("#/chat")
    question = "Can a shop sell a silicone mask copying a celebrity's face without consent? 肖像权"
    ask(laptop, question)
    bot = page.locator(".msg-bot").last
    button = bot.get_by_role("button", name="Download memo (Markdown)")
    expect(button).to_be_visible()
    with page.expect_download() as info:
        button.click()
    dl = info.value
    assert dl.suggested_filename.endswith(".md")
    md = Path(dl.path()).read_text(encoding="utf-8")
    assert md.startswith("# Legal memo") and question in md and "## Authorities (verbatim)" in md
    quotes = [q.inner_text().strip() for q in bot.locator("li.citation blockquote.quote:not(.quote-en)").all()]
    assert quotes and all(re.sub(r"\s+", "", q) in re.sub(r"\s+", "", md) for q in quotes)
    with page.expect_download() as info:
        bot.get_by_role("button", name="Download memo (Word)").click()
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(Path(info.value.path()).read_bytes())).paragraphs)
    assert question in text and "Disclaimer" in text
    laptop.shot("chat-memo")
    laptop.assert_clean()
