"""The search page for analysts in Debian's headless chromium over the small lineage index: the law filter offers
every law of the index by its slug, a law typed by its Chinese title or slug filters, each hit shows its 0–100
relevance with the terms found, and a superseded text its dates and the provision that continues it."""

from __future__ import annotations

import httpx
import pytest

from tests.browser.conftest import Tab

pytestmark = pytest.mark.browser

AUCL = "anti-unfair-competition-law"


def test_law_filter_offers_every_law_by_slug(lineage_laptop: Tab) -> None:
    tab = lineage_laptop
    page = tab.page
    laws = httpx.get(f"{tab.base_url}/v1/laws", params={"limit": 2000}).json()
    tab.goto("#/explore/search")
    options = page.locator("#s-law-list option")
    options.first.wait_for(state="attached")
    values = {o.get_attribute("value") for o in options.all()}
    assert values == {x["slug"] for x in laws["laws"]} and len(values) == laws["total"]
    tab.assert_clean()


@pytest.mark.parametrize("law", ["中华人民共和国反不正当竞争法", AUCL])
def test_search_shows_relevance_and_superseded_dates(lineage_laptop: Tab, law: str) -> None:
    tab = lineage_laptop
    page = tab.page
    tab.goto("#/explore/search")
    page.get_by_label("Search terms").fill("混淆行为 商品名称")
    page.locator("#s-law").fill(law)
    page.locator("#s-asof").fill("2020-01-01")
    page.get_by_label("Search terms").press("Enter")
    first = page.locator(".hit-item").first
    first.wait_for()
    hrefs = [a.get_attribute("href") or "" for a in page.locator(".hit-title").all()]
    assert hrefs and all(h.startswith(f"#/article/{AUCL}/") for h in hrefs), hrefs
    rel = first.locator("[data-testid=hit-relevance]").inner_text()
    assert rel.startswith("relevance ") and "terms found" in rel
    six = page.locator(".hit-item", has=page.locator(".hit-title", has_text="第六条")).first
    status = six.locator("[data-testid=hit-status]").inner_text()
    assert "in force 2019-04-23 – 2025-10-14" in status and "now Art. 7 (2025-10-15)" in status
    tab.shot("search-analyst")
    tab.assert_clean()
