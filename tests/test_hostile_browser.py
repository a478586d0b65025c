"""Hostile text in a real browser: every kind of page, opened from file://, runs none of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_reliability import HOSTILE, hostile_site

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="browser tests need Debian's chromium at /usr/bin/chromium (apt-get install chromium)")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return hostile_site(tmp_path_factory.mktemp("hostile"), base_url="")


@pytest.fixture
def tab(browser):
    """A tab that records every dialog (alert, confirm, prompt) a page opens, and dismisses it."""
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []

    def dismiss(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    yield page, dialogs
    context.close()


def ran(page) -> object:
    return page.evaluate("() => window.__pwned === undefined ? null : String(window.__pwned)")


def test_no_page_of_the_site_runs_hostile_text(site, tab):
    page, dialogs = tab
    pages = sorted(site.rglob("*.html"))
    kinds = {p.relative_to(site).parts[0] if len(p.relative_to(site).parts) > 1 else p.name for p in pages}
    assert {"index.html", "404.html", "phuong", "nam", "chuyen-muc", "nhiem-vu", "tim-kiem"} <= kinds
    for path in pages:
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        assert ran(page) is None and dialogs == [], f"{path.relative_to(site)} ran {ran(page)!r}, dialogs {dialogs}"
    article = next(site.glob("phuong/*/2021/bai.html"))
    page.goto(article.as_uri())
    assert page.inner_text("h1") == HOSTILE["title"]  # shown whole, as text


def test_searching_for_the_hostile_article_shows_it_as_text_and_runs_nothing(site, tab):
    page, dialogs = tab
    page.goto((site / "tim-kiem/index.html").as_uri() + "?q=Tấncông")
    page.wait_for_function("() => document.querySelectorAll('#search-list .result-title a').length > 0")
    titles = page.eval_on_selector_all("#search-list .result-title a", "links => links.map(a => a.textContent)")
    assert HOSTILE["title"] in titles
    listed = page.inner_text("#search-list")
    assert HOSTILE["ward"] in listed or "Tấncông" in listed
    page.fill("#search-box", "pwned")
    page.press("#search-box", "Enter")
    page.wait_for_load_state("load")
    assert ran(page) is None and dialogs == []
