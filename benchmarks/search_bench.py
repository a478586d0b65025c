"""Search at scale: `python benchmarks/search_bench.py [--articles 10000] [--work DIR] [--reuse]`.

Generates an archive (benchmarks/generate.py), builds it, then measures in
headless Chromium from file://:
- the search index's size against the site's article text (target ≤ 25 %),
- the bytes a first query loads, page and stylesheet included (target ≤ 2 MB),
- the time from the last keystroke to the results on screen (target ≤ 300 ms).
Not a test: it prints a table.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.generate import generate  # noqa: E402
from wardsite import urls  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
QUERIES = ("duc giang", "Đức Giang tuyên truyền", "hoi cuu chien binh", "phong chay chua chay", "thanh", "nguyễn văn hùng", "giai phong mat bang 2019", "xyzzy")
KEY_DELAY_MS = 120  # a quick typist


class _ArticleText(HTMLParser):
    """The text inside an article page's <article> element."""

    def __init__(self):
        super().__init__()
        self.depth, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        if tag == "article" or self.depth:
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def article_text_bytes(site: Path) -> tuple[int, int]:
    """(bytes of article text, bytes of article pages) over every article page."""
    listed = json.loads((site / "data" / "articles.json").read_text(encoding="utf-8"))["articles"]
    text = pages = 0
    for entry in listed:
        html = (site / entry["path"]).read_text(encoding="utf-8")
        parser = _ArticleText()
        parser.feed(html)
        text += len(" ".join(" ".join(parser.parts).split()).encode("utf-8"))
        pages += len(html.encode("utf-8"))
    return text, pages


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


LOADED = """() => [location.href,
  ...Array.from(document.scripts, s => s.src).filter(Boolean),
  ...Array.from(document.querySelectorAll('link[rel=stylesheet]'), l => l.href)]"""


def first_query(browser, site: Path, query: str, typed: bool = True) -> tuple[int, float, int]:
    """In a fresh tab: type (or paste) query on the results page; (bytes loaded, ms from last key to results, results)."""
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((site / urls.SEARCH).as_uri())
    page.wait_for_function("() => wardsearch.timing.query === ''")
    page.click("#search-box")
    if typed:
        page.keyboard.type(query, delay=KEY_DELAY_MS)
    else:
        page.fill("#search-box", query)
    page.wait_for_function("q => wardsearch.timing.query === q", arg=query, timeout=60_000)
    timing = page.evaluate("() => wardsearch.timing")
    loaded = page.evaluate(LOADED)
    found = page.evaluate("() => document.getElementById('search-status').textContent")
    context.close()
    if errors:
        raise SystemExit(f"errors in the page: {errors}")
    size = sum(Path(unquote(urlsplit(u).path)).stat().st_size for u in set(loaded))
    count = int("".join(c for c in found.split(" bài")[0] if c.isdigit()) or 0)
    return size, timing["shown"] - timing["input"], count


def later_queries(browser, site: Path) -> list[float]:
    """In one tab, each query typed after the one before: ms from last key to results."""
    context = browser.new_context()
    page = context.new_page()
    page.goto((site / urls.SEARCH).as_uri())
    page.wait_for_function("() => wardsearch.timing.query === ''")
    times = []
    for query in QUERIES:
        page.fill("#search-box", "")
        page.click("#search-box")
        page.keyboard.type(query, delay=KEY_DELAY_MS)
        page.wait_for_function("q => wardsearch.timing.query === q", arg=query, timeout=60_000)
        timing = page.evaluate("() => wardsearch.timing")
        times.append(timing["shown"] - timing["input"])
    context.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, help="folder for the archive and the site (default: a new temporary folder)")
    parser.add_argument("--reuse", action="store_true", help="measure the site already built in --work")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="wardsite-bench-"))
    content, site = work / "content", work / "site"
    if not args.reuse:
        print(f"generating {args.articles} articles into {content} …", flush=True)
        generate(args.articles, content, args.seed)
        print("building …", flush=True)
        subprocess.run([sys.executable, "build.py", "--content", str(content), "--output", str(site)], cwd=REPO, check=True)

    text, pages = article_text_bytes(site)
    index = folder_bytes(site / urls.SEARCH_DATA)
    files = sum(1 for _ in (site / urls.SEARCH_DATA).iterdir())

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        firsts = [(q, *first_query(browser, site, q)) for q in QUERIES]
        pasted = [(q, *first_query(browser, site, q, typed=False)) for q in QUERIES]
        warm = later_queries(browser, site)
        browser.close()

    mb = 1024 * 1024
    print(f"\n{args.articles} articles; index: {files} files under {urls.SEARCH_DATA}/\n")
    print(f"{'measure':<62}{'value':>14}{'target':>12}")
    print(f"{'index size / article text':<62}{index / text:>13.1%}{'≤ 25%':>12}")
    print(f"{'  index size':<62}{index / mb:>11.2f} MB")
    print(f"{'  article text (inside <article>, UTF-8)':<62}{text / mb:>11.2f} MB")
    print(f"{'  (index size / article pages as HTML)':<62}{index / pages:>13.1%}")
    for q, size, ms, count in firsts:
        print(f"{'first query «' + q + '»: bytes loaded':<62}{size / mb:>11.2f} MB{'≤ 2 MB':>12}")
        print(f"{'  last key → results shown (' + str(count) + ' found)':<62}{ms:>11.0f} ms{'≤ 300 ms':>12}")
    for q, size, ms, count in pasted:
        print(f"{'pasted into a fresh page «' + q + '»: bytes loaded':<62}{size / mb:>11.2f} MB{'≤ 2 MB':>12}")
        print(f"{'  paste → results shown':<62}{ms:>11.0f} ms{'≤ 300 ms':>12}")
    print(f"{'later queries, last key → results: median':<62}{statistics.median(warm):>11.0f} ms{'≤ 300 ms':>12}")
    print(f"{'later queries, last key → results: slowest':<62}{max(warm):>11.0f} ms{'≤ 300 ms':>12}")


if __name__ == "__main__":
    main()
