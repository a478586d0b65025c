"""The checkers the web trusts, run over the bundled archive and a generated one of 300 articles.

The Nu Html Checker (vnu) for HTML and CSS, axe-core in Chromium for accessibility, every link
from file:// and over HTTP, feedparser for the Atom feeds and an XML parser for the sitemap.
A tool that is not installed skips its tests, unless WARDSITE_REQUIRE_CHECKERS=1 (as in .ci/run).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import namedtuple
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit
from xml.etree import ElementTree as ET

import feedparser
import pytest

from checkers import KINDS, PageLinks, axe_script, kind_of, require_chromium, page_of_each_kind, pages, static_server, vnu_command
from conftest import walk_site

REPO = Path(__file__).resolve().parents[1]
BASE = "https://tin.example.org/luu-tru/"
GENERATED_ARTICLES = 300
FEED_SIZE = 50
PAGINATED = {"year, page n", "category, page n", "organisation, page n"}

Site = namedtuple("Site", "name root articles")


def build(content: Path, output: Path, *extra: str) -> Path:
    # Run from the output's folder so the build's cache stays out of the checkout.
    subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--content", str(content), "--output", str(output), "--base-url", BASE, *extra],
        cwd=output.parent, check=True, capture_output=True,
    )
    return output


def site_of(name: str, root: Path) -> Site:
    articles = json.loads((root / "data" / "articles.json").read_text(encoding="utf-8"))["articles"]
    return Site(name, root, articles)


@pytest.fixture(scope="session")
def bundled(tmp_path_factory) -> Site:
    return site_of("bundled", build(REPO / "content", tmp_path_factory.mktemp("bundled") / "site"))


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> Site:
    root = tmp_path_factory.mktemp("generated")
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "generate.py"), str(GENERATED_ARTICLES), str(root / "content")], check=True, capture_output=True)
    return site_of("generated", build(root / "content", root / "site"))


@pytest.fixture(scope="session", params=["bundled", "generated"])
def site(request) -> Site:
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="session")
def pretty(tmp_path_factory) -> Site:
    """The bundled archive with the links a web host serves: folders, not index.html."""
    root = tmp_path_factory.mktemp("pretty")
    (root / "wardsite.yaml").write_text("links: pretty\n", encoding="utf-8")
    return site_of("pretty", build(REPO / "content", root / "site", "--config", str(root / "wardsite.yaml")))


def test_every_page_is_of_a_known_kind_and_the_archives_hold_every_kind(bundled, generated):
    unknown = [f"{s.name}: {rel}" for s in (bundled, generated) for rel in pages(s.root) if kind_of(rel) is None]
    assert unknown == []
    # Only the generated archive is long enough to paginate; the bundled one has a page of every other kind.
    assert set(KINDS) - set(page_of_each_kind(bundled.root)) == {k for k in KINDS if k.endswith("page n")}
    assert PAGINATED <= set(page_of_each_kind(generated.root))
    assert len(generated.articles) == GENERATED_ARTICLES


# --- 1. Valid HTML and CSS: the Nu Html Checker --------------------------------------------------


def vnu(*args: str) -> list[dict]:
    """The checker's messages (errors, warnings, files it could not read) as JSON objects."""
    run = subprocess.run([*vnu_command(), "--format", "json", "--exit-zero-always", *args], capture_output=True, text=True, timeout=600)
    return json.loads(run.stderr or run.stdout)["messages"]


def errors_in(messages: list[dict], root: Path) -> list[str]:
    """Errors as PATH:LINE: message, PATH relative to root; warnings (type "info") are left out."""
    found = []
    for m in messages:
        if m["type"] != "info":  # "error", or "non-document-error" for a file the checker could not read
            path = Path(unquote(urlsplit(m.get("url", "")).path))
            where = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
            found.append(f"{where}:{m.get('lastLine', '?')}: {m['message']}")
    return found


def test_the_html_checker_reports_an_error_when_there_is_one(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html lang="vi"><title>x</title><main><h1>a</h1><h3>b</h3></main><p><div>x</div></p>', encoding="utf-8")
    sheet = tmp_path / "bad.css"
    sheet.write_text("a { colr: red; }\n", encoding="utf-8")
    assert len(errors_in(vnu("--skip-non-html", str(tmp_path)), tmp_path)) >= 2
    assert errors_in(vnu("--css", str(sheet)), tmp_path)


def test_every_page_is_valid_html(site):
    messages = vnu("--skip-non-html", str(site.root))
    assert errors_in(messages, site.root) == []


def test_the_style_sheets_are_valid_css(site):
    sheets = sorted(site.root.rglob("*.css"))
    assert sheets
    assert errors_in(vnu("--css", *map(str, sheets)), site.root) == []


# --- 2. Accessibility: axe-core in Chromium -----------------------------------------------------

# Rules whose every finding counts, whatever impact axe gives it: the page's outline and landmarks.
STRUCTURE_RULES = {"heading-order", "page-has-heading-one", "empty-heading", "region", "bypass", "skip-link", "list", "listitem"}


@pytest.fixture
def tab(request):
    require_chromium()  # before conftest's browser fixture, which would only skip
    browser = request.getfixturevalue("browser")
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def axe_findings(tab, axe: Path) -> list[str]:
    tab.add_script_tag(path=str(axe))
    result = tab.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(' '.join(n['target']) for n in v['nodes'][:3])}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical") or v["id"] in STRUCTURE_RULES or v["id"].startswith("landmark-")
    ]


def open_page(tab, site: Site, rel: str):
    if rel == "tim-kiem/index.html":
        # The search page with results, as a reader sees it after typing.
        tab.goto((site.root / rel).as_uri() + "?q=phuong")
        tab.wait_for_function("() => document.getElementById('search-app').dataset.query === 'phuong'")
        assert tab.locator("#search-list li").count() > 0
    else:
        tab.goto((site.root / rel).as_uri())


def test_axe_reports_a_serious_problem_when_there_is_one(tab, tmp_path):
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html><title>x</title><main><h1>a</h1><img src="x.png"><input type="text"></main>', encoding="utf-8")
    tab.goto(page.as_uri())
    found = {line.split(" ")[0] for line in axe_findings(tab, axe_script())}
    assert {"html-has-lang", "image-alt", "label"} <= found


def test_no_page_has_a_serious_or_critical_accessibility_problem_nor_a_broken_outline(tab, site):
    axe = axe_script()
    kinds = page_of_each_kind(site.root)
    problems = []
    for kind, rel in kinds.items():
        open_page(tab, site, rel)
        problems += [f"{kind} ({rel}): {finding}" for finding in axe_findings(tab, axe)]
    assert len(kinds) >= 14
    assert problems == []


def outline(tab) -> list[int]:
    return tab.eval_on_selector_all("h1, h2, h3, h4, h5, h6", "hs => hs.map(h => Number(h.tagName[1]))")


def test_headings_go_down_one_level_at_a_time_under_one_h1_and_the_landmarks_are_there(tab, site):
    problems = []
    for kind, rel in page_of_each_kind(site.root).items():
        open_page(tab, site, rel)
        levels = outline(tab)
        if levels[:1] != [1] or levels.count(1) != 1:
            problems.append(f"{kind} ({rel}): headings {levels} do not start with the one h1")
        skips = [f"h{a}→h{b}" for a, b in zip(levels, levels[1:]) if b > a + 1]
        if skips:
            problems.append(f"{kind} ({rel}): heading levels skipped: {skips}")
        landmarks = tab.evaluate(
            """() => ({
                banner: document.querySelectorAll('body > header').length,
                main: document.querySelectorAll('main').length,
                contentinfo: document.querySelectorAll('body > footer').length,
                navigation: document.querySelectorAll('nav[aria-label]').length,
                search: document.querySelectorAll('form[role=search]').length,
                outside: [...document.body.children].filter(e =>
                    !e.matches('header, nav, main, footer, script, a.skip')).map(e => e.tagName),
            })"""
        )
        expected = {"banner": 1, "main": 1, "contentinfo": 1, "search": 1}
        if {k: landmarks[k] for k in expected} != expected or landmarks["navigation"] < 1 or landmarks["outside"]:
            problems.append(f"{kind} ({rel}): landmarks {landmarks}")
    assert problems == []


def test_a_reader_with_only_a_keyboard_searches_from_the_home_page_and_opens_an_article(tab, bundled):
    tab.goto((bundled.root / "index.html").as_uri())
    tab.keyboard.press("Tab")
    first = tab.evaluate("() => [document.activeElement.className, document.activeElement.getAttribute('href')]")
    assert first == ["skip", "#main"]
    for _ in range(10):
        if tab.evaluate("() => document.activeElement.id") == "search-box":
            break
        tab.keyboard.press("Tab")
    assert tab.evaluate("() => document.activeElement.id") == "search-box"
    outline_style = tab.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline_style != "none"

    tab.keyboard.type("duc giang")
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/tim-kiem/index.html?q=*")
    tab.wait_for_function("() => document.getElementById('search-app').dataset.query === 'duc giang'")
    focused = ""
    for _ in range(40):
        tab.keyboard.press("Tab")
        focused = tab.evaluate("() => document.activeElement.closest('#search-list .result-title') ? document.activeElement.textContent : ''")
        if focused:
            break
    assert focused, "tabbing never reached a search result"

    tab.keyboard.press("Enter")
    tab.wait_for_url("**/phuong/**/*.html")
    assert tab.inner_text("h1") == focused.strip()
    assert any(a["title"] == focused.strip() for a in bundled.articles)


# --- 3. Links: from file:// and over HTTP -------------------------------------------------------


def test_every_link_and_asset_resolves_from_disk_and_every_page_is_reached_from_home(site):
    reached, problems = walk_site(site.root)
    assert problems == []
    on_disk = {site.root.resolve() / rel for rel in pages(site.root) if rel != "404.html"}
    assert {p for p in reached if p.suffix == ".html"} == on_disk


def crawl(base: str, deadline: float) -> tuple[set[str], list[str]]:
    """Fetch every page reachable from base's index.html; every URL a page names must answer 200.

    Returns the pages fetched (paths under base) and the problems met.
    """
    start = urljoin(base, "index.html")
    status: dict[str, int] = {}
    ids: dict[str, set[str]] = {}
    fragments: list[tuple[str, str, str]] = []  # (page, target, fragment)
    queue, problems = [start], []

    def fetch(url: str, method: str) -> tuple[int, bytes, str]:
        request = urllib.request.Request(url, method=method)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read(), response.headers.get_content_type()
        except urllib.error.HTTPError as error:
            return error.code, b"", ""

    status[start] = 0
    while queue:
        assert time.monotonic() < deadline, f"the crawl took too long; {len(status)} URLs so far"
        page = queue.pop()
        code, body, kind = fetch(page, "GET")
        status[page] = code
        if code != 200 or kind != "text/html":
            problems.append(f"{page}: status {code}, {kind}")
            continue
        parser = PageLinks()
        parser.feed(body.decode("utf-8"))
        ids[page] = parser.ids
        for link in parser.links:
            target, fragment = urldefrag(urljoin(page, link))
            if not target.startswith(base):
                continue  # another host (the canonical link names the published site)
            if fragment:
                fragments.append((page, target, fragment))
            if target in status:
                if status[target] not in (0, 200):
                    problems.append(f"{page}: {link} answers {status[target]}")
                continue
            if target.endswith((".html", "/")):
                status[target] = 0
                queue.append(target)
            else:
                status[target] = fetch(target, "HEAD")[0]
                if status[target] != 200:
                    problems.append(f"{page}: {link} answers {status[target]}")
    for page, target, fragment in fragments:
        if target in ids and fragment not in ids[target]:
            problems.append(f"{page}: no element #{fragment} in {target}")
    fetched = {url.removeprefix(base) for url in ids}
    return fetched, problems


def as_file(path: str) -> str:
    return path + "index.html" if path == "" or path.endswith("/") else path


@pytest.mark.parametrize("name", ["bundled", "generated", "pretty"])
def test_every_link_and_asset_answers_200_over_http_and_every_page_is_reached_from_home(request, name):
    served = request.getfixturevalue(name)
    with static_server(served.root) as base:
        fetched, problems = crawl(base, deadline=time.monotonic() + 180)
    assert problems == []
    assert {as_file(p) for p in fetched} == set(pages(served.root)) - {"404.html"}


def test_the_crawl_reports_a_broken_link_and_an_unreached_page(tmp_path):
    (tmp_path / "index.html").write_text('<a href="a.html#x">a</a> <img src="missing.png" alt="">', encoding="utf-8")
    (tmp_path / "a.html").write_text("<p id=y>a</p>", encoding="utf-8")
    (tmp_path / "lost.html").write_text("<p>lost</p>", encoding="utf-8")
    with static_server(tmp_path) as base:
        fetched, problems = crawl(base, deadline=time.monotonic() + 30)
    assert fetched == {"index.html", "a.html"}
    assert any("missing.png answers 404" in p for p in problems) and any("no element #x" in p for p in problems)


# --- 4. Feeds and sitemap -----------------------------------------------------------------------


def parse_feed(site: Site, rel: str):
    feed = feedparser.parse((site.root / rel).read_bytes())
    assert not feed.bozo, f"{rel}: {feed.get('bozo_exception')}"
    return feed


def check_feed(site: Site, rel: str, articles: list[dict]) -> None:
    feed = parse_feed(site, rel)
    newest = articles[:FEED_SIZE]
    assert [e.link for e in feed.entries] == [BASE + a["path"] for a in newest], rel
    assert [e.title for e in feed.entries] == [a["title"] for a in newest], rel
    assert len({e.id for e in feed.entries}) == len(feed.entries), rel
    assert next(link.href for link in feed.feed.links if link.rel == "self") == BASE + rel
    for entry in feed.entries:
        assert (site.root / entry.link.removeprefix(BASE)).is_file(), entry.link


def test_the_archive_feed_holds_the_newest_articles_newest_first(site):
    dates = [a["date"] for a in site.articles]
    assert dates == sorted(dates, reverse=True)
    check_feed(site, "feed.xml", site.articles)


def test_every_ward_and_category_has_a_feed_of_its_own_articles(site):
    wards = {a["ward"]["slug"] for a in site.articles}
    categories = {a["category"]["slug"] for a in site.articles}
    ward_feeds = {p.parent.name for p in (site.root / "phuong").glob("*/feed.xml")}
    category_feeds = {p.parent.name for p in (site.root / "chuyen-muc").glob("*/feed.xml")}
    assert wards <= ward_feeds and categories == category_feeds
    for ward in ward_feeds:
        check_feed(site, f"phuong/{ward}/feed.xml", [a for a in site.articles if a["ward"]["slug"] == ward])
    for category in category_feeds:
        check_feed(site, f"chuyen-muc/{category}/feed.xml", [a for a in site.articles if a["category"]["slug"] == category])
    if site.name == "generated":
        assert any(len(parse_feed(site, f"chuyen-muc/{c}/feed.xml").entries) == FEED_SIZE for c in category_feeds)


def test_the_sitemap_lists_every_page_once(site):
    root = ET.parse(site.root / "sitemap.xml").getroot()
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    locs = [el.text for el in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert len(locs) == len(set(locs))
    assert sorted(locs) == sorted(BASE + rel for rel in pages(site.root) if rel != "404.html")
    assert all(urlsplit(loc).scheme == "https" for loc in locs)
