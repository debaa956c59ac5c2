"""The analyst pages in Debian's headless chromium over the small lineage index (AUCL 2019/2025, PSAPL 2012/2025,
the SPC AUCL interpretation): the compare-versions page, the graph opened by law + article, and the article
viewer's lineage (history, renumbering, citations made to the earlier text)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Tab

pytestmark = pytest.mark.browser

AUCL = "anti-unfair-competition-law"


def test_compare_page(lineage_laptop: Tab) -> None:
    tab = lineage_laptop
    page = tab.page
    tab.goto("#/explore/compare")
    page.locator("#c-law").fill(AUCL)
    page.get_by_role("button", name="Compare").click()
    counts = page.locator("[data-testid=compare-counts]")
    counts.wait_for()
    renumbered = int(counts.locator("tr[data-kind=renumbered] td").inner_text())
    new = int(counts.locator("tr[data-kind=new] td").inner_text())
    assert renumbered >= 30 and new >= 5
    assert page.locator("#c-from").input_value().endswith("2019-04-23")
    assert page.locator("#c-to").input_value().endswith("2025-10-15")
    pairs = page.locator("[data-testid=compare-pairs] tbody tr")
    changes_only = pairs.count()
    row = pairs.filter(has=page.locator("td:nth-child(2) a", has_text=re.compile(r"^Art\. 6$"))).first
    assert "Art. 7" in row.inner_text()  # 2019 第六条 → 2025 第七条
    page.locator("#c-show").select_option("all")
    expect(pairs).not_to_have_count(changes_only)
    assert pairs.count() == sum(int(x) for x in counts.locator("td").all_inner_texts())
    page.locator("[data-testid=renumbering] summary").click()
    assert "6 → 7" in page.locator("[data-testid=renumbering]").inner_text()
    tab.shot("compare-versions")
    # the link of a pair opens that article in its version
    row.locator("a", has_text="Art. 7").click()
    page.locator("[data-testid=text-zh] p").first.wait_for()
    assert "第七条" in page.locator("h1").inner_text()
    tab.assert_clean()


def test_graph_opened_by_law_and_article(lineage_laptop: Tab) -> None:
    tab = lineage_laptop
    page = tab.page
    tab.goto("#/explore/graph")
    page.locator("#g-law").fill("反不正当竞争法")
    page.locator("#g-article").fill("第七条")
    page.locator("#g-depth").select_option("2")
    page.get_by_role("button", name="Show").click()
    page.locator("svg.graph a.node").first.wait_for()
    assert page.locator("svg.graph .node-center").count() == 1
    assert page.locator("svg.graph line.edge-lineage").count() >= 1
    assert page.locator("svg.graph line.edge-judicial-interpretation").count() >= 1
    assert page.locator("[data-testid=graph-export] a").count() == 3
    csv_href = page.locator("[data-testid=graph-export] a", has_text="CSV").get_attribute("href") or ""
    assert "law=" in csv_href and "format=csv" in csv_href
    response = page.request.get(f"{tab.base_url}{csv_href}")
    assert response.ok and response.text().startswith("Source,Target")
    tab.shot("graph-law-article")
    # from the article page, the graph link opens by law + article
    tab.goto(f"#/article/{AUCL}/7")
    page.get_by_role("link", name="Citation graph").click()
    page.locator("svg.graph a.node").first.wait_for()
    assert page.locator("#g-article").input_value() == "7" and page.locator("#g-law").input_value() == AUCL
    tab.assert_clean()


def test_article_viewer_uses_lineage(lineage_laptop: Tab) -> None:
    tab = lineage_laptop
    page = tab.page
    tab.goto(f"#/article/{AUCL}/7?version={AUCL}%402025-10-15")
    diff = page.locator("[data-testid=diff]")
    diff.locator(".diff").wait_for()
    assert "第六条" in diff.inner_text() and diff.locator("ins, del").count() >= 1
    versions = page.locator("[data-testid=versions]")
    assert "there Art. 6" in versions.inner_text()
    earlier = page.locator("[data-testid=earlier]")
    expect(earlier.first).to_contain_text("Art. 6 of 2019-04-23")
    # the 2019 version link goes to 第六条 of that version
    versions.get_by_role("link").first.click()
    page.locator("[data-testid=text-zh] p").first.wait_for()
    assert "第六条" in page.locator("h1").inner_text()
    tab.assert_clean()


def test_law_timeline_opens_the_comparison(lineage_laptop: Tab) -> None:
    tab = lineage_laptop
    page = tab.page
    tab.goto("#/explore/law/public-security-admin-punishments-law")
    items = page.locator("[data-testid=law-timeline] li")
    expect(items).to_have_count(2)
    assert "2026-01-01" in items.last.inner_text() and "deleted" in items.last.inner_text()
    items.last.get_by_role("link", name="Compare versions").click()
    counts = page.locator("[data-testid=compare-counts]")
    counts.wait_for()
    assert int(counts.locator("tr[data-kind=split] td").inner_text()) >= 2
    assert int(counts.locator("tr[data-kind=merged] td").inner_text()) >= 2
    tab.assert_clean()
