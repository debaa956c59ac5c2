"""End-to-end: the real app (uvicorn) over a real raw/ index, driven in Debian's headless chromium.
Each test also asserts the browser logged no error (console errors, page errors, failed requests)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Tab

pytestmark = pytest.mark.browser

AUCL = "anti-unfair-competition-law"


def ask(tab: Tab, question: str) -> None:
    """Type the question, press Enter (which submits) and wait until this answer has finished streaming."""
    bots = tab.page.locator(".msg-bot")
    before = bots.count()
    box = tab.page.get_by_label(re.compile("Your question|您的问题"))
    box.fill(question)
    box.press("Enter")
    expect(bots).to_have_count(before + 1)
    expect(bots.last).to_have_attribute("aria-busy", "false", timeout=180_000)


def test_chat_answer_cites_and_opens_the_article(laptop: Tab) -> None:
    laptop.goto("#/chat")
    ask(laptop, "Can a shop sell a silicone mask made from a photo of a celebrity's face without consent? 肖像权")
    bot = laptop.page.locator(".msg-bot").last
    assert "msg-error" not in (bot.get_attribute("class") or "")
    answer = bot.locator("[data-testid=answer]")
    assert answer.inner_text().strip(), "the streamed answer is empty"
    cites = bot.locator("li.citation")
    assert cites.count() >= 1
    first = cites.first
    assert first.locator("blockquote.quote").first.inner_text().strip()
    laptop.shot("chat")
    link = first.locator("a.cite-link")
    href = link.get_attribute("href") or ""
    assert href.startswith("#/article/")
    link.click()
    laptop.page.wait_for_selector("[data-testid=text-zh] p")
    zh = laptop.page.locator("[data-testid=text-zh]").inner_text()
    assert re.search(r"[\u4e00-\u9fff]{8,}", zh), zh
    assert re.search(r"第.+条", laptop.page.locator("h1").inner_text())
    laptop.shot("article")
    laptop.assert_clean()


def test_refusal_is_shown_as_a_refusal(laptop: Tab) -> None:
    """A question the statutes cannot answer gets the refusal style and the server's reason, no citations."""
    laptop.goto("#/chat")
    ask(laptop, "xyzzy plugh frobnicate quux")
    bot = laptop.page.locator(".msg-bot").last
    expect(bot).to_have_class(re.compile(r"\bmsg-refused\b"))
    assert bot.locator(".badge-refused").inner_text().strip() == "No basis found"
    assert bot.locator(".refusal-reason").inner_text().strip()
    assert bot.locator("li.citation").count() == 0
    laptop.assert_clean()


def test_as_of_date_switches_the_aucl_version(laptop: Tab) -> None:
    """AUCL: the confusion article is 第六条 in the 2019 text and 第七条 in the 2025 text (in force 2025-10-15)."""
    laptop.goto(f"#/article/{AUCL}/6")
    laptop.page.wait_for_selector("[data-testid=text-zh] p")  # today's render is in before the date changes
    laptop.set_as_of("2024-06-01")
    laptop.page.wait_for_selector("[data-testid=text-zh] p")
    text = laptop.page.locator("[data-testid=text-zh]")
    expect(laptop.page.locator("[data-testid=version-dates]")).to_contain_text("2019-04-23")
    assert "混淆行为" in text.inner_text()
    assert "2019-04-23" in laptop.page.locator("[data-testid=version-dates]").inner_text()
    versions = laptop.page.locator("[data-testid=versions]").inner_text()
    assert "2019-04-23" in versions and "2025-10-15" in versions
    laptop.shot("article-aucl-2024")

    laptop.set_as_of("")  # back to today: the 2025 text, where 第六条 is about social supervision
    expect(laptop.page.locator("[data-testid=version-dates]")).to_contain_text("2025-10-15")
    assert "混淆行为" not in laptop.page.locator("[data-testid=text-zh]").inner_text()
    assert date.today() >= date(2025, 10, 15)

    laptop.goto(f"#/article/{AUCL}/7")
    expect(laptop.page.locator("[data-testid=version-dates]")).to_contain_text("2025-10-15")
    assert "混淆行为" in laptop.page.locator("[data-testid=text-zh]").inner_text()
    # The diff against 2019 finds the renumbered article (第六条 then) by its text and marks the changes.
    diff = laptop.page.locator("[data-testid=diff]")
    diff.locator(".diff").wait_for()
    assert "第六条" in diff.inner_text()
    assert diff.locator("ins, del").count() >= 1
    laptop.shot("article-aucl-today")
    laptop.assert_clean()


def test_answer_follows_the_as_of_date(laptop: Tab) -> None:
    """The same question cites the 2019 AUCL text for a 2024 date and the 2025 text for today."""
    question = "反不正当竞争法 混淆行为 擅自使用他人有一定影响的商品名称、包装、装潢 引人误认为是他人商品"
    laptop.goto("#/chat")
    laptop.set_as_of("2024-06-01")
    ask(laptop, question)
    old = laptop.page.locator(".msg-bot").last.locator(f"a.cite-link[href*='{AUCL}']")
    assert old.count() >= 1, "no AUCL citation for the 2024 question"
    hrefs_2024 = [old.nth(i).get_attribute("href") or "" for i in range(old.count())]
    assert all("2019-04-23" in h for h in hrefs_2024), hrefs_2024

    laptop.set_as_of("")
    ask(laptop, question)
    new = laptop.page.locator(".msg-bot").last.locator(f"a.cite-link[href*='{AUCL}']")
    assert new.count() >= 1, "no AUCL citation for today's question"
    hrefs_now = [new.nth(i).get_attribute("href") or "" for i in range(new.count())]
    assert all("2025-10-15" in h for h in hrefs_now), hrefs_now
    laptop.shot("chat-as-of")
    laptop.assert_clean()


def test_listing_check_highlights_risky_spans(laptop: Tab) -> None:
    laptop.goto("#/listing")
    laptop.page.get_by_label("Title").fill("超逼真硅胶人脸面具 刘德华同款脸 可过人脸识别")
    laptop.page.get_by_label("Description").fill("按明星照片定制，戴上后刷脸支付也能通过。全网最逼真。")
    laptop.page.get_by_label("Title").press("Enter")
    mark = laptop.page.locator("[data-testid=listing-preview] mark.risk").first
    mark.wait_for()
    assert mark.get_attribute("data-severity") in {"low", "medium", "high"}
    assert mark.get_attribute("data-category")
    assert mark.inner_text().strip()
    assert laptop.page.locator("li.finding").count() >= 1
    assert laptop.page.locator("li.finding li.citation").count() >= 1
    assert laptop.page.locator("[data-testid=overall-risk]").inner_text().strip()
    laptop.shot("listing")
    laptop.assert_clean()


def test_listing_batch_upload_and_csv_download(laptop: Tab, tmp_path: Path) -> None:
    export = tmp_path / "shop-export.csv"
    export.write_text("id,title,description\nA1,明星同款脸 硅胶面具,可过人脸识别\nA2,硅胶道具面具 原创设计,影视化妆用\n", encoding="utf-8")
    page = laptop.page
    laptop.goto("#/listing")
    page.locator("#batch-file").set_input_files(str(export))
    page.get_by_role("button", name="Check file").click()
    rows = page.locator(".batch-table tbody tr")
    expect(rows).to_have_count(2)
    assert "A1" in rows.nth(0).inner_text()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download findings (CSV)").click()
    lines = Path(info.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].split(",")[:3] == ["line", "id", "overall_risk"]
    assert len(lines) == 3 and lines[1].split(",")[1] == "A1"
    laptop.shot("listing-batch")
    laptop.assert_clean()


def test_listing_text_is_shown_as_text_not_markup(laptop: Tab) -> None:
    laptop.goto("#/listing")
    laptop.page.get_by_label("Title").fill('<img src=x id=pwn> 明星同款脸 硅胶面具')
    laptop.page.get_by_label("Title").press("Enter")
    laptop.page.locator(".listing-result").wait_for()
    assert laptop.page.locator("#pwn").count() == 0
    assert "<img src=x id=pwn>" in laptop.page.locator("[data-testid=listing-preview]").inner_text()
    laptop.assert_clean()


def test_explore_structure_search_and_graph(laptop: Tab) -> None:
    page = laptop.page
    laptop.goto("#/explore")
    page.get_by_label("Filter laws by name").fill("民法典")
    page.locator("#law-list a", has_text="民法典").first.click()
    page.locator(".tree summary").first.wait_for()
    laptop.shot("explore-law")
    page.locator(".tree-sub summary").first.click()  # open a chapter like a reader would
    page.locator(".article-keys a >> visible=true").first.click()
    page.wait_for_selector("[data-testid=text-zh] p")

    laptop.goto("#/explore/search")
    page.get_by_label("Search terms").fill("肖像")
    page.locator("#s-law").fill("civil-code")  # type-ahead over every law (a datalist)
    page.get_by_label("Search terms").press("Enter")
    page.locator(".hit-item").first.wait_for()
    hrefs = [a.get_attribute("href") or "" for a in page.locator(".hit-title").all()]
    assert hrefs and all(h.startswith("#/article/civil-code/") for h in hrefs), hrefs  # the law filter held
    assert page.locator(".snippet mark.hit").count() >= 1  # matched terms are highlighted
    laptop.shot("explore-search")

    laptop.goto(f"#/article/{AUCL}/7")
    page.get_by_role("link", name="Citation graph").last.click()
    page.locator("svg.graph a.node").first.wait_for()
    assert page.locator("svg.graph a.node").count() >= 2
    assert page.locator("svg.graph line.edge").count() >= 1
    laptop.shot("explore-graph")
    page.locator("svg.graph a.node:not(.node-center)").first.click()
    page.wait_for_selector("[data-testid=text-zh] p")
    laptop.assert_clean()


def test_chinese_interface_has_every_string(zh_laptop: Tab) -> None:
    page = zh_laptop.page
    zh_laptop.goto("#/chat")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator(".tabs a[data-route=chat]").inner_text() == "问答"
    missing = page.evaluate("""async () => {
        const { STRINGS } = await import('/static/js/i18n.js');
        const en = Object.keys(STRINGS.en), zh = Object.keys(STRINGS.zh);
        return [...en.filter(k => !zh.includes(k)), ...zh.filter(k => !en.includes(k))];
    }""")
    assert missing == []
    for route in ("#/listing", "#/explore", "#/explore/search", "#/explore/graph", "#/article"):
        zh_laptop.goto(route)
        page.locator("main h1").wait_for()
        assert re.search(r"[\u4e00-\u9fff]", page.locator("main h1").inner_text())
    page.locator("#lang-toggle").click()
    assert page.locator(".tabs a[data-route=chat]").inner_text() == "Ask"
    assert page.locator("html").get_attribute("lang") == "en"
    zh_laptop.assert_clean()


def test_every_control_is_labelled_and_focus_is_visible(laptop: Tab) -> None:
    page = laptop.page
    for route in ("#/chat", "#/listing", "#/explore/search", "#/explore/graph", "#/article"):
        laptop.goto(route)
        page.locator("main h1").wait_for()
        unlabelled = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea')]
            .filter(el => el.type !== 'hidden' && !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
            .map(el => el.id || el.name || el.outerHTML.slice(0, 60))""")
        assert unlabelled == [], (route, unlabelled)
    laptop.goto("#/chat")
    page.locator("main h1").wait_for()
    first = page.evaluate("""() => document.querySelector('a[href], button, input, select, textarea').className""")
    assert first == "skip-link"
    page.keyboard.press("Tab")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Tab")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    laptop.assert_clean()


def test_phone_width_layout(phone: Tab) -> None:
    phone.goto("#/chat")
    ask(phone, "销售按明星面部制作的硅胶面具是否侵犯肖像权？")
    phone.assert_fits_width()
    phone.shot("chat")
    href = phone.page.locator(".msg-bot").last.locator("a.cite-link").first.get_attribute("href") or ""
    phone.goto(href)
    phone.page.wait_for_selector("[data-testid=text-zh] p")
    phone.assert_fits_width()
    phone.shot("article")
    phone.goto("#/listing")
    phone.page.get_by_label("Title").fill("明星同款脸 硅胶面具 可过人脸识别")
    phone.page.get_by_label("Title").press("Enter")
    phone.page.locator("[data-testid=listing-preview] mark.risk").first.wait_for()
    phone.assert_fits_width()
    phone.shot("listing")
    phone.goto(f"#/explore/graph?article={AUCL}%402025-10-15%237&depth=1")
    phone.page.locator("svg.graph").wait_for()
    phone.shot("explore-graph")
    phone.assert_clean()


def test_stream_parser_and_diff_in_the_browser(laptop: Tab) -> None:
    """The SSE parser survives events split anywhere (even inside a UTF-8 character); the diff marks the change."""
    laptop.goto("#/chat")
    laptop.page.locator("main h1").wait_for()
    got = laptop.page.evaluate("""async () => {
        const { SSEParser } = await import('/static/js/sse.js');
        const { diff } = await import('/static/js/diff.js');
        const events = [];
        const p = new SSEParser((name, data) => events.push([name, data]));
        const bytes = new TextEncoder().encode('event: answer\\ndata: {"delta": "肖像权"}\\n\\n: ping\\n\\nevent: done\\ndata: {}\\n\\n');
        for (let i = 0; i < bytes.length; i += 5) p.push(bytes.slice(i, i + 5));
        p.end();
        return { events, ops: diff('经营者不得实施下列混淆行为', '经营者不得实施或者帮助下列混淆行为') };
    }""")
    assert got["events"] == [["answer", {"delta": "肖像权"}], ["done", {}]]
    assert [o for o in got["ops"] if o["op"] != "eq"] == [{"op": "ins", "text": "或者帮助"}]
    laptop.assert_clean()
