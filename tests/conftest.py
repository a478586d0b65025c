"""Fixture archives written to real folders, and a reader that walks a built site."""

from __future__ import annotations

import re
import textwrap
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"

WARDS_YAML = """\
district: Long Biên
city: Hà Nội
wards:
  - name: Đức Giang
    history:
      - date: "2025-07-01"
        text: Chia vào phường Bồ Đề mới và phường Việt Hưng mới.
        became: [phường Bồ Đề (mới), phường Việt Hưng (mới)]
  - name: Ngọc Thụy
    aliases: [Ngọc Thuỵ]
  - name: Gia Thụy
    aliases: [Gia Thuỵ]
  - name: Ân Thi
  - name: An Bình
"""


def article(title="Giao ban tháng 5", date="2021-05-13 14:48", ward="Đức Giang", category="Công tác đảng", body="Nội dung bài viết.", extra=""):
    return textwrap.dedent(
        f"""\
        ---
        title: {title}
        date: {date}
        ward: {ward}
        category: {category}
        """
    ) + extra + f"---\n{body}\n"


def eventually(condition, within: float = 30.0) -> bool:
    """Whether condition() comes true within that many seconds, asked every few milliseconds: for work a build leaves to a background process."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def write_archive(root: Path, files: dict[str, str], wards: str | None = WARDS_YAML) -> Path:
    """A content folder under root holding files (relative path -> text)."""
    content = root / "content"
    content.mkdir(parents=True, exist_ok=True)
    if wards is not None:
        (content / "wards.yaml").write_text(wards, encoding="utf-8")
    for rel, text in files.items():
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return content


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and ((tag in ("a", "link") and name == "href") or (tag in ("script", "img") and name == "src") or (tag == "form" and name == "action")):
                self.links.append(value)


def links_of(html_file: Path) -> list[str]:
    parser = _Links()
    parser.feed(html_file.read_text(encoding="utf-8"))
    return parser.links


def walk_site(site: Path) -> tuple[set[Path], list[str]]:
    """Follow every internal link from index.html as a reader on file:// would.

    Returns the files reached and the problems met (broken links, links to folders).
    """
    start = (site / "index.html").resolve()
    seen, queue, problems = {start}, [start], []
    while queue:
        page = queue.pop()
        for link in links_of(page):
            parts = urlsplit(link)
            if parts.scheme or link.startswith(("//", "#", "mailto:")):
                continue
            if not parts.path:
                continue
            if parts.path.endswith("/"):
                problems.append(f"{page.relative_to(site)}: link {link} ends in a folder")
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if not target.is_relative_to(site.resolve()):
                problems.append(f"{page.relative_to(site)}: link {link} leaves the site")
            elif not target.is_file():
                problems.append(f"{page.relative_to(site)}: link {link} is broken")
            elif target not in seen:
                seen.add(target)
                if target.suffix == ".html":
                    queue.append(target)
    return seen, problems


CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, one for the whole run: Playwright's sync API allows one at a time per thread."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def archive_dir(tmp_path):
    """A small archive of three articles in two wards and two years."""
    content = write_archive(
        tmp_path,
        {
            "duc-giang/2021/giao-ban.md": article(extra="tasks:\n  - text: Tuyên truyền phòng chống dịch\n    assignee: MTTQ\n  - Thực hiện tốt chức năng giám sát\nsource: VPĐU\nviews: 1204\n"),
            "duc-giang/2020/hoi-nghi.md": article(title="Hội nghị tổng kết", date="2020-12-30"),
            "ngoc-thuy/2021/lam-viec.md": article(title="Làm việc với MTTQ", ward="Ngọc Thuỵ", date="2021-02-27 18:00"),
        },
    )
    return content
