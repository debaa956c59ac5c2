"""A follow-up in the chat UI, in the real browser: the page keeps the conversation and sends it as `history`;
the second answer is read with the first question (it says so) and cites the article of its topic — the voice is
protected by analogy with the portrait right, 民法典第一千零二十三条; "New conversation" forgets the history."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Tab
from tests.browser.test_ui_flows import ask

pytestmark = pytest.mark.browser

FIRST = "网店未经本人同意，出售按某男歌手的脸定制的仿真硅胶面具，违法吗？"
FOLLOW = "如果只是模仿他的声音呢？"


def test_followup_in_the_chat_is_read_with_the_earlier_question(zh_laptop: Tab) -> None:
    tab = zh_laptop
    sent: list[dict[str, Any]] = []
    tab.page.on("request", lambda r: sent.append(json.loads(r.post_data or "{}")) if r.url.endswith("/v1/ask/stream") else None)
    tab.goto("#/chat")
    ask(tab, FIRST)
    first = tab.page.locator(".msg-bot").last
    expect(first.locator("li.citation").first).to_be_visible()
    assert first.locator("[data-testid=followup]").count() == 0

    ask(tab, FOLLOW)
    bot = tab.page.locator(".msg-bot").last
    assert "msg-refused" not in (bot.get_attribute("class") or "") and "msg-error" not in (bot.get_attribute("class") or "")
    note = bot.locator("[data-testid=followup]")
    expect(note).to_be_visible()
    assert "追问" in note.inner_text() and FIRST[:10] in note.inner_text()
    # the earlier question is named once, in the note: the answer's own opening line saying so is not shown again
    answer = bot.locator("[data-testid=answer]").inner_text()
    assert not answer.startswith("（追问") and FIRST[:10] not in answer
    assert bot.inner_text().count(FIRST[:10]) == 1
    # a user question shows once, the bot's answer once
    assert tab.page.locator(".msg-user").count() == 2 and tab.page.locator(".msg-bot").count() == 2
    heads = [x.strip() for x in bot.locator("li.citation .cite-link").all_inner_texts()]
    assert any("民法典" in x and "第一千零二十三条" in x for x in heads), heads
    quotes = " ".join(bot.locator("li.citation blockquote.quote").all_inner_texts())
    assert "声音" in quotes
    # what the page sent: the first exchange as history with the follow-up
    assert "history" not in sent[0]
    assert sent[1]["question"] == FOLLOW and [t["role"] for t in sent[1]["history"]] == ["user", "assistant"]
    assert sent[1]["history"][0]["content"] == FIRST
    tab.shot("chat-followup")

    # A new conversation forgets the earlier question: the same words are no longer read as a follow-up.
    tab.page.get_by_role("button", name=re.compile("新对话")).click()
    expect(tab.page.locator(".msg")).to_have_count(0)
    ask(tab, FOLLOW)
    assert "history" not in sent[-1]
    assert tab.page.locator(".msg-bot").last.locator("[data-testid=followup]").count() == 0
    tab.assert_clean()
