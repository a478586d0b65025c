"""A reader in a real browser: the bundled archive built into a folder and opened from file://."""

from __future__ import annotations

import json
import subprocess
import unicodedata
import sys
from collections import namedtuple
from pathlib import Path

import pytest

from conftest import article, write_archive
from wardsite import urls
from wardsite.text import fold

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="browser tests need Debian's chromium at /usr/bin/chromium (apt-get install chromium)")

Reader = namedtuple("Reader", "page errors")


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The bundled archive, built as a user builds it."""
    output = tmp_path_factory.mktemp("bundled") / "site"
    subprocess.run([sys.executable, "build.py", "--output", str(output)], cwd=REPO, check=True, capture_output=True)
    return output


@pytest.fixture(scope="session")
def articles(site) -> list[dict]:
    return json.loads((site / "data" / "articles.json").read_text(encoding="utf-8"))["articles"]


@pytest.fixture
def reader(browser):
    """A fresh tab that records every console error and uncaught exception."""
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(f"{page.url}: {message.text}") if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    yield Reader(page, errors)
    context.close()


def url_of(site: Path, path: str) -> str:
    return (site / path).as_uri()


@pytest.fixture(scope="session")
def ranking_site(tmp_path_factory) -> Path:
    """Three articles: đường in a title, Dương in a body, đường in a body; newest last."""
    root = tmp_path_factory.mktemp("ranking")
    content = write_archive(
        root,
        {
            "a.md": article(title="Sửa đường ngõ 12", date="2021-05-01", body="Nhân dân góp tiền."),
            "b.md": article(title="Thăm hỏi gia đình", date="2021-05-02", body="Bà Nguyễn Thị Dương được tặng quà."),
            "c.md": article(title="Họp tổ dân phố", date="2021-05-03", body="Bàn việc sửa đường."),
        },
    )
    subprocess.run([sys.executable, "build.py", "--content", str(content), "--output", str(root / "site")], cwd=REPO, check=True, capture_output=True)
    return root / "site"


def search_from_header(reader: Reader, site: Path, query: str) -> list[str]:
    """Type a query into the header box of the home page, press Enter; the links of the results."""
    page = reader.page
    page.goto(url_of(site, urls.HOME))
    page.fill("#search-box", query)
    page.press("#search-box", "Enter")
    page.wait_for_url("**/tim-kiem/index.html?q=*")
    page.wait_for_function("q => document.getElementById('search-app').dataset.query === q", arg=query)
    return page.eval_on_selector_all("#search-list .result-title a", "links => links.map(a => a.href)")


def test_a_reader_walks_from_the_home_page_to_a_ward_a_year_and_an_article_by_clicks(reader, site, articles):
    page = reader.page
    first = articles[0]
    page.goto(url_of(site, urls.HOME))
    ward = first["path"].split("/")[1]
    page.click(f".col-side a[href$='phuong/{ward}/index.html']")
    assert page.url.endswith(f"phuong/{ward}/index.html")
    ward_name = page.inner_text("h1")
    year = first["date"][:4]
    page.click(f"main h2 a[href$='{year}/index.html']")
    assert page.url.endswith(f"phuong/{ward}/{year}/index.html")
    page.click(f"main a[href$='{first['slug']}.html']")
    assert page.url.endswith(first["path"])
    assert page.inner_text("h1") == first["title"]
    crumbs = page.eval_on_selector_all(".breadcrumbs li", "items => items.map(li => li.textContent.trim())")
    assert crumbs[0] == "Trang chủ" and ward_name.endswith(crumbs[1]) and crumbs[2] == year
    assert reader.errors == []


def test_a_ward_found_with_or_without_diacritics_gives_the_same_articles(reader, site, articles):
    plain = search_from_header(reader, site, "duc giang")
    marked = search_from_header(reader, site, "Đức Giang")
    shouting = search_from_header(reader, site, "DUC GIANG")
    in_ward = {a["path"] for a in articles if a["path"].startswith("phuong/duc-giang/")}
    assert plain and plain == marked == shouting
    assert in_ward <= {link.split("/site/", 1)[1] for link in plain}
    assert reader.page.locator("#search-list mark").count() > 0
    assert reader.errors == []


@pytest.mark.parametrize(
    "query, order",
    [("dương", ["b", "a", "c"]), ("đường", ["a", "c", "b"]), ("duong", ["a", "c", "b"]), ("sua duong", ["a", "c"])],
)
def test_the_exact_spelling_ranks_first_then_titles_then_bodies(reader, ranking_site, query, order):
    links = search_from_header(reader, ranking_site, query)
    assert [link.rsplit("/", 1)[1].removesuffix(".html") for link in links] == order
    assert reader.errors == []


def test_a_query_that_matches_nothing_shows_no_result_and_says_so(reader, site):
    assert search_from_header(reader, site, "xyzzy quokka") == []
    assert "Không tìm thấy" in reader.page.inner_text("#search-status")
    assert reader.errors == []


def test_results_follow_the_reader_as_they_type_and_the_last_word_matches_as_a_prefix(reader, site, articles):
    page = reader.page
    page.goto(url_of(site, urls.SEARCH))
    page.click("#search-box")
    page.keyboard.type("dang ph", delay=20)
    page.wait_for_function("() => document.getElementById('search-app').dataset.query === 'dang ph'")
    marked = {fold(m) for m in page.locator("#search-list mark").all_inner_texts()}
    assert "dang" in marked and any(m.startswith("ph") and m != "ph" for m in marked)
    assert "?q=dang+ph" in page.url
    assert reader.errors == []


def test_a_result_that_matched_a_task_shows_that_task(reader, site, articles):
    task = next(t for a in articles for t in a["tasks"] if len(t["text"].split()) > 6)
    query = " ".join(task["text"].split()[2:5])
    search_from_header(reader, site, query)
    shown = reader.page.locator(".matched-task").all_inner_texts()
    assert any(fold(" ".join(task["text"].split()[2:4])) in fold(t) for t in shown)
    assert reader.errors == []


def test_the_filters_narrow_the_results_to_one_year(reader, site, articles):
    page = reader.page
    years = sorted({a["date"][:4] for a in articles})
    page.goto(url_of(site, urls.SEARCH) + "?q=phuong")
    page.wait_for_function("() => document.getElementById('search-app').dataset.query === 'phuong'")
    page.select_option("#filter-year", years[0])
    page.wait_for_url(f"**nam={years[0]}*")
    page.wait_for_function("() => document.getElementById('search-app').dataset.query === 'phuong'")
    dates = page.eval_on_selector_all("#search-list .result .meta", "ps => ps.map(p => p.textContent)")
    assert dates and all(f"/{years[0]}" in d for d in dates)
    assert reader.errors == []


VIETNAMESE_SAMPLES = [
    "Đức Giang", "ĐỨC GIANG", "duc giang", "Thượng Thanh", "Gia Thụy", "Gia Thuỵ", "Ngọc Lâm", "Phúc Đồng",
    "Hội Cựu chiến binh", "Ủy ban nhân dân", "ỦY BAN", "Bồ Đề", "đường", "dương", "khỏe", "khoẻ", "Việt Hưng",
    "Cự Khối", "Thạch Bàn", "tuyệt đối", "Nghị quyết 1656/NQ-UBTVQH15", "Đoàn TN", "ĐTN",
    unicodedata.normalize("NFD", "Đức Giang Thuỵ"),  # decomposed, as pasted from Word
]


def test_the_browser_folds_vietnamese_exactly_as_python_does(reader, site):
    from wardsite.search import exact_form
    from wardsite.text import words

    reader.page.goto(url_of(site, urls.SEARCH))
    reader.page.wait_for_function("() => window.wardsearch")
    in_browser = reader.page.evaluate(
        "samples => samples.map(s => [wardsearch.fold(s), wardsearch.words(s), wardsearch.words(s).map(wardsearch.exactForm)])",
        VIETNAMESE_SAMPLES,
    )
    in_python = [[fold(s), words(s), [exact_form(w) for w in words(s)]] for s in VIETNAMESE_SAMPLES]
    assert in_browser == in_python


def page_of_each_kind(site: Path) -> list[str]:
    """One page per kind: same first folder, same depth, index or not."""
    kinds = {}
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        parts = rel.split("/")
        kinds.setdefault((parts[0] if len(parts) > 1 else rel, len(parts), parts[-1] == "index.html"), rel)
    return sorted(kinds.values())


def test_no_page_scrolls_sideways_on_a_phone_has_two_h1s_or_logs_an_error(browser, site):
    context = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors, problems = [], []
    page.on("console", lambda message: errors.append(f"{page.url}: {message.text}") if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    visited = page_of_each_kind(site)
    for rel in visited:
        target = url_of(site, rel) + ("?q=duc+giang" if rel == urls.SEARCH else "")
        page.goto(target)
        if rel == urls.SEARCH:
            page.wait_for_function("() => document.getElementById('search-app').dataset.query !== undefined")
        wide = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if wide > 0:
            problems.append(f"{rel} is {wide}px wider than the screen")
        if page.locator("h1").count() != 1:
            problems.append(f"{rel} has {page.locator('h1').count()} h1")
        if page.locator("main").count() != 1 or page.locator("label[for=search-box]").count() != 1:
            problems.append(f"{rel} lacks its main landmark or the search box's label")
    context.close()
    assert len(visited) >= 8
    assert problems == [] and errors == []


def test_without_javascript_everything_but_search_works(browser, site, articles):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(url_of(site, articles[0]["path"]))
    assert page.inner_text("h1") == articles[0]["title"]
    page.goto(url_of(site, urls.SEARCH))
    assert page.locator("noscript").count() == 1
    assert not page.is_visible("#search-filters")
    context.close()


def test_an_article_prints_without_the_site_around_it(reader, site, articles):
    page = reader.page
    page.goto(url_of(site, articles[0]["path"]))
    page.emulate_media(media="print")
    assert not page.is_visible(".site-header") and not page.is_visible(".breadcrumbs")
    assert page.is_visible("article h1")
