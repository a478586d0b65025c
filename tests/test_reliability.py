"""Nothing lost, nothing injected: hostile content, crashes and mistakes never harm the published site.

Each section shows one guarantee of the README's "What wardsite guarantees".
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unicodedata
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from wardsite.build import build, make_site
from wardsite.config import Config, parse_config
from wardsite.content import OPTIONAL, REQUIRED
from wardsite.publish import Busy, clear_leftovers, locked, publish, refusal, spool, write_files

from conftest import REPO, article, eventually, write_archive

ATOM = "{http://www.w3.org/2005/Atom}"


def tree(folder: Path) -> dict:
    """Every entry under folder: bytes for a file, the target for a link, "dir" for a folder."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[rel] = ("link", os.readlink(path))
        elif path.is_dir():
            found[rel] = "dir"
        else:
            found[rel] = path.read_bytes()
    return found


def cli(cwd: Path, *args, env=None, timeout=120):
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


# ---- 1. Hostile text is text

def payload(field: str) -> str:
    """Text that would run, break out of an attribute, a textarea or a CDATA section if it were not escaped."""
    return f"{field} Tấncông <script>window.__pwned='{field}';alert(1)</script> \"dq\" 'sq' & </textarea> ]]> <img src=x onerror=\"window.__pwned='{field}'\">"


HOSTILE = {name: payload(name) for name in ("title", "ward", "category", "task", "assignee", "source")}


def hostile_article() -> str:
    q = lambda text: json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML string
    return (
        "---\n"
        f"title: {q(HOSTILE['title'])}\n"
        "date: 2021-05-13 14:48\n"
        f"ward: {q(HOSTILE['ward'])}\n"
        f"category: {q(HOSTILE['category'])}\n"
        "tasks:\n"
        f"  - text: {q(HOSTILE['task'])}\n"
        f"    assignee: {q(HOSTILE['assignee'])}\n"
        f"source: {q(HOSTILE['source'])}\n"
        "---\n"
        "Nội dung <script>window.__pwned='body'</script> bình thường.\n"
    )


def hostile_site(root: Path, base_url: str = "https://example.org/luu-tru/") -> Path:
    """A site whose one article carries a payload in every text field; the ward registry is open."""
    content = write_archive(root, {"bai.md": hostile_article(), "khac.md": article(title="Bài khác", ward="Đức Giang")}, wards=None)
    output = root / "site"
    outcome = build(content, output, Config(base_url=base_url), None, cache_dir=None)
    assert outcome.ok, [str(e) for e in outcome.problems]
    return output


class _Active(HTMLParser):
    """What a browser would run or load from a page: script bodies, event handlers, script URLs, and the text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.handlers: list[str] = []
        self.urls: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in_script = tag == "script"
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}={value}>")
            if name in ("href", "src", "action", "formaction", "data", "srcdoc") and value:
                self.urls.append(value)

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        (self.scripts if self._in_script else self.text).append(data)


def active(html_text: str) -> _Active:
    parser = _Active()
    parser.feed(html_text)
    parser.close()
    return parser


def test_hostile_text_in_every_field_is_escaped_in_every_page(tmp_path):
    site = hostile_site(tmp_path)
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 14
    shown = set()
    for page in pages:
        found = active(page.read_text(encoding="utf-8"))
        where = page.relative_to(site)
        assert not [s for s in found.scripts if "__pwned" in s or "alert" in s], where
        assert found.handlers == [], where
        text = " ".join(found.text)
        shown |= {name for name, value in HOSTILE.items() if value in text}
    # Every payload reached some page, whole, as text a reader can see.
    assert shown == set(HOSTILE)
    article_page = next(site.glob("phuong/*/2021/bai.html")).read_text(encoding="utf-8")
    assert "Nội dung" in article_page and "window.__pwned='body'" not in article_page


def test_hostile_text_is_escaped_in_feeds_and_sitemap(tmp_path):
    site = hostile_site(tmp_path)
    for xml_file in site.rglob("*.xml"):
        ET.parse(xml_file)  # well-formed: nothing broke out of an element, an attribute or a CDATA section
    feed = ET.parse(site / "feed.xml").getroot()
    entry = next(e for e in feed.iter(f"{ATOM}entry") if "Tấncông" in e.findtext(f"{ATOM}title"))
    assert entry.findtext(f"{ATOM}title") == HOSTILE["title"]
    assert entry.find(f"{ATOM}category").get("label") == HOSTILE["category"]
    assert entry.find(f"{ATOM}author").findtext(f"{ATOM}name") == HOSTILE["source"]
    content = entry.findtext(f"{ATOM}content") or ""
    assert "<script" not in content
    locs = [loc.text for loc in ET.parse(site / "sitemap.xml").getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locs and all(re.fullmatch(r"https://example\.org/luu-tru/[a-z0-9/._-]*", loc) for loc in locs), locs


def test_hostile_text_is_escaped_in_the_search_index(tmp_path):
    site = hostile_site(tmp_path)
    scripts = list((site / "tim-kiem").rglob("*.js"))
    assert scripts
    for script in scripts:
        text = script.read_text(encoding="utf-8")
        # Nothing that could end a script element or a CDATA section, or open an HTML comment.
        assert "<" not in text and ">" not in text and "\u2028" not in text, script.name
    core = (site / "tim-kiem/chi-muc/core.js").read_text(encoding="utf-8")
    data = json.loads(re.fullmatch(r"wardsearch\.core\((.*)\);\n", core, re.S).group(1))
    assert [name for _, name in data["wards"] if "Tấncông" in name] == [HOSTILE["ward"]]


def test_hostile_text_survives_the_json_and_csv_exports_exactly(tmp_path):
    site = hostile_site(tmp_path)
    data = json.loads((site / "data/articles.json").read_text(encoding="utf-8"))
    item = next(a for a in data["articles"] if "Tấncông" in a["title"])
    assert item["title"] == HOSTILE["title"] and item["ward"]["name"] == HOSTILE["ward"]
    assert item["category"]["name"] == HOSTILE["category"] and item["source"] == HOSTILE["source"]
    assert item["tasks"][0]["text"] == HOSTILE["task"] and item["tasks"][0]["assignee"] == HOSTILE["assignee"]
    rows = list(csv.DictReader(io.StringIO((site / "data/tasks.csv").read_text(encoding="utf-8-sig"), newline="")))
    row = next(r for r in rows if "Tấncông" in r["task"])
    assert (row["ward"], row["category"], row["assignee"], row["task"]) == (HOSTILE["ward"], HOSTILE["category"], HOSTILE["assignee"], HOSTILE["task"])


# ---- 2. Raw HTML in Markdown is sanitised (allow-list) unless trusted

DANGEROUS = {
    "script": "<script>window.__pwned=1</script>",
    "script in a paragraph": "Chữ <script src=\"x.js\"></script> chữ",
    "event handler": "<img src=\"https://example.org/anh.png\" onerror=\"window.__pwned=1\">",
    "event handler on a link": "<a href=\"https://example.org\" onmouseover=\"window.__pwned=1\">x</a>",
    "svg onload": "<svg onload=\"window.__pwned=1\"><circle r=\"1\"/></svg>",
    "javascript url": "<a href=\"javascript:window.__pwned=1\">x</a>",
    "javascript url in mixed case and entities": "<a href=\"JaVa&#x53;cript:window.__pwned=1\">x</a>",
    "javascript url with a tab": "<a href=\"java&#x09;script:window.__pwned=1\">x</a>",
    "javascript url with a newline": "<a href=\"java&#x0A;script:window.__pwned=1\">x</a>",
    "markdown javascript link": "[x](javascript:window.__pwned=1)",
    "markdown javascript image": "![x](javascript:window.__pwned=1)",
    "data url": "<a href=\"data:text/html,<script>window.__pwned=1</script>\">x</a>",
    "vbscript url": "<a href=\"vbscript:msgbox(1)\">x</a>",
    "iframe": "<iframe src=\"https://example.org\"></iframe>",
    "iframe srcdoc": "<iframe srcdoc=\"<script>window.__pwned=1</script>\"></iframe>",
    "style element": "<style>body { display: none }</style>",
    "style attribute": "<p style=\"background:url(javascript:window.__pwned=1)\">x</p>",
    "object": "<object data=\"x.swf\"></object>",
    "embed": "<embed src=\"x.swf\">",
    "form": "<form action=\"https://example.org\"><input name=\"a\"><button formaction=\"javascript:1\">b</button></form>",
    "meta refresh": "<meta http-equiv=\"refresh\" content=\"0;url=javascript:1\">",
    "base": "<base href=\"https://evil.example/\">",
    "link": "<link rel=\"stylesheet\" href=\"https://evil.example/x.css\">",
    "comment trick": "<!--><script>window.__pwned=1</script>-->",
    "unclosed tag": "<img src=x onerror=window.__pwned=1 ",
    "textarea breakout": "</textarea><script>window.__pwned=1</script>",
}
FORBIDDEN_TAGS = {"script", "iframe", "style", "object", "embed", "form", "input", "button", "meta", "base", "link", "svg", "textarea"}


def unsafe_parts(body_html: str) -> list[str]:
    found = active(body_html)
    problems = [f"<{t}>" for t in found.tags if t in FORBIDDEN_TAGS]
    problems += found.handlers
    problems += [s for s in found.scripts if s.strip()]
    for url in found.urls:
        squashed = re.sub(r"[\x00-\x20]", "", url).lower()
        if squashed.startswith(("javascript:", "vbscript:", "data:")):
            problems.append(url)
    if re.search(r"\sstyle=", body_html):
        problems.append("style attribute")
    return problems


@pytest.fixture(scope="module")
def sanitised_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("sanitised")
    files = {f"bai-{n}.md": article(title=f"Bài {n}", body=f"Trước.\n\n{html}\n\nSau.") for n, html in enumerate(DANGEROUS.values())}
    files["thuong.md"] = article(title="Bài thường", body="Trước.\n\nSau.")
    content = write_archive(root, files)
    outcome = make_site(content, Config(), None)
    assert outcome.ok, [str(e) for e in outcome.errors]
    return outcome.files


def article_body(page: str) -> str:
    return page.split('<div class="body">', 1)[1].split("\n  </div>", 1)[0]


@pytest.mark.parametrize("name", DANGEROUS)
def test_raw_html_that_could_run_or_restyle_the_page_is_removed(sanitised_site, name):
    n = list(DANGEROUS).index(name)
    page = sanitised_site[f"phuong/duc-giang/2021/bai-{n}.html"].decode("utf-8")
    plain = sanitised_site["phuong/duc-giang/2021/thuong.html"].decode("utf-8")
    assert unsafe_parts(article_body(page)) == []
    assert "Trước." in article_body(page) and "Sau." in article_body(page)  # the text around it is kept
    # The page as a whole has nothing active that the theme does not put on a plain article's page.
    assert sorted(active(page).scripts) == sorted(active(plain).scripts) and active(page).handlers == []
    assert [t for t in active(page).tags if t in FORBIDDEN_TAGS] == [t for t in active(plain).tags if t in FORBIDDEN_TAGS]


def test_harmless_html_is_kept_when_sanitising(tmp_path):
    body = "<table><tr><td>Ô <b>đậm</b></td></tr></table>\n\n<a href=\"https://example.org/x\" title=\"t\">liên kết</a> <abbr title=\"Mặt trận Tổ quốc\">MTTQ</abbr>"
    outcome = make_site(write_archive(tmp_path, {"a.md": article(body=body)}), Config(), None)
    page = outcome.files["phuong/duc-giang/2021/a.html"].decode("utf-8")
    assert "<td>Ô <b>đậm</b></td>" in page and 'href="https://example.org/x"' in page and "<abbr" in page


def test_trusted_html_in_the_configuration_keeps_raw_html_as_written(tmp_path):
    config, errors = parse_config("trusted_html: true\n", Path("wardsite.yaml"))
    assert errors == [] and config.trusted_html
    body = '<div class="ban-do"><iframe src="https://maps.example/x"></iframe></div>\n\n<script>var chart = 1;</script>'
    content = write_archive(tmp_path, {"a.md": article(body=body)})
    page = make_site(content, config, None).files["phuong/duc-giang/2021/a.html"].decode("utf-8")
    assert '<iframe src="https://maps.example/x"></iframe>' in page and "<script>var chart = 1;</script>" in page
    untrusted = make_site(content, Config(), None).files["phuong/duc-giang/2021/a.html"].decode("utf-8")
    assert "<iframe" not in untrusted and not [s for s in active(untrusted).scripts if "var chart" in s]


# ---- 3. Paths stay inside

def test_a_slug_cannot_climb_out_of_its_folder(tmp_path):
    content = write_archive(tmp_path / "project", {
        "a.md": article(extra="slug: ../../../../x\n"),
        "b.md": article(title="Hai", extra="slug: /etc/passwd\n"),
        "c.md": article(title="Ba", extra="slug: '..\\\\..\\\\win'\n"),
    })
    before = {p for p in tmp_path.rglob("*")}
    output = tmp_path / "project" / "site"
    outcome = build(content, output, Config(), None, cache_dir=None)
    assert outcome.ok, [str(e) for e in outcome.errors]
    written = {p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()}
    for name in written:
        assert ".." not in name.split("/") and "\\" not in name, name
    assert {"phuong/duc-giang/2021/x.html", "phuong/duc-giang/2021/etc-passwd.html", "phuong/duc-giang/2021/win.html"} <= written
    made = {p for p in tmp_path.rglob("*")} - before
    assert all(p.is_relative_to(output) for p in made), sorted(map(str, made - {p for p in made if p.is_relative_to(output)}))


def test_a_slug_with_nothing_left_after_cleaning_is_an_error_on_its_line(tmp_path):
    content = write_archive(tmp_path, {"a.md": article(extra="slug: ../..\n")})
    [error] = make_site(content, Config(), None).errors
    assert str(error) == f"{content}/a.md:6: the slug needs letters or digits; set `slug:` to e.g. giao-ban-thang-5"


@pytest.mark.parametrize("target", ["../../../etc/passwd", "/etc/passwd", "..%2F..%2F..%2Fetc%2Fpasswd", "anh/../../../etc/passwd"])
@pytest.mark.parametrize("kind", ["image", "attachment"])
def test_an_image_or_attachment_outside_the_content_folder_is_an_error_on_its_line(tmp_path, target, kind):
    link = f"![ảnh]({target})" if kind == "image" else f"[biên bản]({target})"
    content = write_archive(tmp_path, {"duc-giang/bai.md": article(body=f"Đoạn một.\n\n{link}\n")})
    outcome = make_site(content, Config(), None)
    assert [str(e).split(": ", 1)[0] for e in outcome.errors] == [f"{content}/duc-giang/bai.md:9"]
    assert "outside the content folder" in outcome.errors[0].message
    assert not outcome.files


def test_an_image_that_is_a_link_to_outside_the_content_folder_is_an_error(tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG secret")
    content = write_archive(tmp_path, {"bai.md": article(body="![ảnh](anh.png)\n\n[tệp](thu-muc/tep.pdf)\n")})
    (content / "anh.png").symlink_to(secret)
    (tmp_path / "ngoai").mkdir()
    (tmp_path / "ngoai/tep.pdf").write_bytes(b"%PDF secret")
    (content / "thu-muc").symlink_to(tmp_path / "ngoai")
    outcome = make_site(content, Config(), None)
    assert sorted(str(e).split(": ", 1)[0] for e in outcome.errors) == [f"{content}/bai.md:7", f"{content}/bai.md:9"]
    assert all("outside the content folder" in e.message for e in outcome.errors)


def test_an_image_linked_to_a_file_inside_the_content_folder_is_fine(tmp_path):
    content = write_archive(tmp_path, {"bai.md": article(body="![ảnh](anh.png)\n")})
    (content / "that.png").write_bytes(b"\x89PNG inside")
    (content / "anh.png").symlink_to(content / "that.png")
    outcome = make_site(content, Config(), None)
    assert outcome.ok and outcome.files["tep/anh.png"] == b"\x89PNG inside"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
def test_an_article_linked_to_a_pipe_outside_is_reported_without_waiting_on_the_pipe(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    content = write_archive(tmp_path, {f"bai-{n}.md": article(title=f"Bài {n}") for n in range(3)})
    (content / "bai-0.md").unlink()
    (content / "bai-0.md").symlink_to(tmp_path / "pipe")
    done = cli(tmp_path, "--content", str(content), "--output", str(tmp_path / "site"), timeout=60)
    assert done.returncode == 1 and f"{content}/bai-0.md:1: this file is a link to a place outside the content folder" in done.stderr


def test_an_article_that_is_a_link_to_outside_the_content_folder_is_an_error(tmp_path):
    outside = tmp_path / "private.md"
    outside.write_text(article(title="Bí mật"), encoding="utf-8")
    (tmp_path / "ngoai").mkdir()
    (tmp_path / "ngoai/bai.md").write_text(article(title="Cũng bí mật"), encoding="utf-8")
    content = write_archive(tmp_path, {"thuong.md": article(title="Bình thường")})
    (content / "bai.md").symlink_to(outside)
    (content / "thu-muc").symlink_to(tmp_path / "ngoai")
    outcome = make_site(content, Config(), None)
    errors = sorted(str(e) for e in outcome.errors)
    assert len(errors) >= 1 and errors[0].startswith(f"{content}/bai.md:1: ") and "outside the content folder" in errors[0]
    assert all("outside the content folder" in e for e in errors)
    assert not any("Bí mật" in data.decode("utf-8", "replace") for data in outcome.files.values())


# ---- 4. Bad files get errors, never tracebacks

BILLION_LAUGHS = (
    "---\n"
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "title: [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
    "---\n"
)

# file name -> (bytes, line, a piece of the message)
BAD_FILES = {
    "empty.md": (b"", 1, "the file is empty"),
    "blank.md": (b"\n \n\t\n", 1, "the file is empty"),
    "binary.md": (bytes(range(256)) * 4, 1, "not a text file"),
    "png.md": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 1, "not a text file"),
    "latin1.md": ("---\ntitle: Hội nghị\n---\n".encode("utf-8")[:-3] + "é".encode("latin-1") + b"\n", 1, "not UTF-8"),
    "utf16.md": ("---\ntitle: x\n---\n".encode("utf-16"), 1, "not a text file"),
    "laughs.md": (BILLION_LAUGHS.encode(), 2, "anchors and aliases"),
    "list.md": (b"---\n- title\n- date\n---\nbody\n", 2, "must be `key: value` lines"),
    "string.md": (b"---\njust a sentence\n---\nbody\n", 2, "must be `key: value` lines"),
    "nofence.md": ("Hội nghị giao ban\n".encode(), 1, "must start with a front matter block"),
    "unclosed.md": (b"---\ntitle: x\n", 1, "not closed"),
    "year-0001.md": (article(date="0001-01-01").encode(), 3, "the year 1 is out of range"),
    "year-9999.md": (article(date="9999-12-31 23:59").encode(), 3, "the year 9999 is out of range"),
    "month-13.md": (article(date="2021-13-01").encode(), 3, "the date 2021-13-01 does not exist"),
    "feb-30.md": (article(date="2021-02-30").encode(), 3, "does not exist"),
    "bad-time.md": (article(date="2021-05-13 25:61").encode(), 3, "the time in `2021-05-13 25:61` cannot be read"),
    "date-number.md": (article(date="20210513").encode(), 3, "the date must be text"),
    "date-words.md": (article(date="hôm qua").encode(), 3, "`hôm qua` is not a date"),
    "tasks-text.md": (article(extra="tasks: một việc\n").encode(), 6, "`tasks` must be a list"),
    "tasks-map.md": (article(extra="tasks:\n  a: b\n").encode(), 6, "`tasks` must be a list"),
    "tasks-nested.md": (article(extra="tasks:\n  - [a, b]\n").encode(), 7, "each task is a line of text"),
    "python-tag.md": (b"---\ntitle: !!python/object/apply:os.system ['echo pwned']\n---\n", 2, "YAML is not valid"),
    "list-key.md": (b"---\n? [a, b]\n: c\ntitle: x\n---\n", 2, "YAML"),
    "deep.md": (("---\ntitle: " + "[" * 5000 + "]" * 5000 + "\n---\n").encode(), 2, ""),
    "views.md": (article(extra="views: -5\n").encode(), 6, "`views` must be a whole number"),
    "huge-views.md": (article(extra="views: 1e999999\n").encode(), 6, "`views` must be a whole number"),
    "draft.md": (article(extra="draft: maybe\n").encode(), 6, "`draft` must be true or false"),
    "null-title.md": (article(title="~").encode(), 2, "`title` must be text"),
    "tab-indent.md": (b"---\ntitle: x\n\tdate: 2021-01-01\n---\n", 3, "found a tab character"),
    "bool-tag.md": (article(extra="draft: !!bool maybe\n").encode(), 2, "a value marked with a `!!` tag cannot be read"),
}


def test_every_bad_file_gets_its_own_path_line_message_from_the_command_line(tmp_path):
    content = write_archive(tmp_path, {"ok.md": article()})
    for name, (raw, _, _) in BAD_FILES.items():
        (content / name).write_bytes(raw)
    result = cli(tmp_path, "--output", "site")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    for name, (_, line, message) in BAD_FILES.items():
        mine = [text for text in lines if text.startswith(f"content/{name}:")]
        assert mine, f"no error for {name}:\n{result.stderr}"
        if name != "deep.md":  # the parser stops somewhere inside; any line will do
            assert any(text.startswith(f"content/{name}:{line}: ") and message in text for text in mine), (name, mine)
    assert all(re.match(r"content/[^:]+:\d+: ", text) for text in lines[:-1]), lines
    assert not (tmp_path / "site").exists()


def test_a_folder_named_like_an_article_is_reported_by_name_and_nothing_is_published(tmp_path):
    content = write_archive(tmp_path, {"ok.md": article()})
    (content / "ghi-chu.md").mkdir()
    result = cli(tmp_path, "--output", "site")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "content/ghi-chu.md:1: cannot be read (Is a directory)" in result.stderr.splitlines()
    assert not (tmp_path / "site").exists()

def stamped(folder: Path) -> dict:
    """tree(folder), with each file's modification time: what a publisher's sync compares."""
    return {rel: (found, (folder / rel).stat().st_mtime_ns) for rel, found in tree(folder).items()}


def test_templates_of_ones_own_that_jinja_cannot_read_are_errors_at_their_lines_and_the_site_stays(tmp_path):
    write_archive(tmp_path, {"ok.md": article()})
    assert cli(tmp_path, "--output", "site").returncode == 0
    before = stamped(tmp_path / "site")
    own = tmp_path / "templates"
    own.mkdir()
    (own / "article.html").write_text('{% extends "base.html" %}\n{% block main %}\n<h1>{{ article.title }</h1>\n{% endblock %}\n', encoding="utf-8")
    (own / "ward.html").write_text('{% extends "base.html" %}\n{% block main %}\n{% for a in articles %}\n<p>{{ a.title }}</p>\n{% endblock %}\n', encoding="utf-8")
    (own / "utf16.html").write_bytes("<p>Phường</p>".encode("utf-16"))
    (own / ".git").mkdir()
    (own / ".git" / "ORIG.html").write_text("{{ an editor's backup, not a template", encoding="utf-8")
    (own / "static").mkdir()
    (own / "static" / "note.html").write_text("{{ not a template: static files are copied as they are", encoding="utf-8")
    for command in ([], ["check"]):
        result = subprocess.run([sys.executable, "-m", "wardsite.cli", *(command or ["build", "--output", "site"])],
                                cwd=tmp_path, capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(REPO)})
        assert result.returncode == 1, result.stdout + result.stderr
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
        errors = [line for line in result.stderr.splitlines() if line.startswith("templates/")]
        assert [line.split(": ", 1)[0] for line in errors] == ["templates/article.html:3", "templates/utf16.html:1", "templates/ward.html:5"], result.stderr
        assert "Jinja cannot read this template" in errors[0] and "unexpected '}'" in errors[0]
        assert errors[1].endswith("this template is not UTF-8 text; save it as UTF-8")
        assert "Jinja cannot read this template" in errors[2] and "endblock" in errors[2]
        assert result.stderr.splitlines()[-1] == ("3 error(s)." if command else "3 error(s); the site in site/ was left as it was.")
    assert stamped(tmp_path / "site") == before


def test_a_template_of_ones_own_that_fails_on_a_page_is_an_error_at_its_line_naming_the_page(generated, tmp_path):
    root, _, _, _ = generated
    shutil.copytree(root / "content", tmp_path / "content")
    assert cli(tmp_path, "--output", "site").returncode == 0
    before = stamped(tmp_path / "site")
    own = tmp_path / "templates"
    own.mkdir()
    # Taken over by an article page (the theme's article.html extends it): the failing line is in the project's base.html.
    (own / "base.html").write_text((REPO / "wardsite/theme/templates/base.html").read_text(encoding="utf-8").replace(
        "{% block main %}{% endblock %}", "{% block main %}{% endblock %}\n{% if article is defined %}{{ article.wrad.name }}{% endif %}"), encoding="utf-8")
    line = 1 + (own / "base.html").read_text(encoding="utf-8").split("article.wrad")[0].count("\n")
    result = cli(tmp_path, "--output", "site")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    [error] = [text for text in result.stderr.splitlines() if text.startswith("templates/")]
    assert error.startswith(f"templates/base.html:{line}: 'wardsite.model.Article object' has no attribute 'wrad' (making phuong/"), error
    assert stamped(tmp_path / "site") == before  # its pages were rendered by the build's processes, the failure in any of them
    (own / "base.html").unlink()
    (own / "article.html").write_text('{% extends "bsae.html" %}\n', encoding="utf-8")
    result = cli(tmp_path, "--output", "site")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "templates/article.html:1: there is no template named bsae.html" in result.stderr, result.stderr
    assert stamped(tmp_path / "site") == before


def test_odd_but_valid_files_build_correctly_from_the_command_line(tmp_path):
    content = write_archive(tmp_path, {})
    body = "Đoạn văn. " * 200 + "\n\n"
    (content / "bom.md").write_bytes(b"\xef\xbb\xbf" + article(title="Có BOM").encode())
    (content / "crlf.md").write_bytes(article(title="Dòng CRLF", body="Một\r\n\r\nHai").replace("\n", "\r\n").encode())
    (content / "cr.md").write_bytes(article(title="Dòng CR").replace("\n", "\r").encode())
    (content / "nfd.md").write_bytes(unicodedata.normalize("NFD", article(title="Phường Ngọc Thụy", ward="Ngọc Thuỵ")).encode())
    big = article(title="Bài rất dài", body=body * (5 * 1024 * 1024 // len(body.encode())))
    (content / "big.md").write_bytes(big.encode())
    assert 5 * 1024 * 1024 - 4096 < (content / "big.md").stat().st_size < 6 * 1024 * 1024
    result = cli(tmp_path, "--output", "site")
    assert result.returncode == 0, result.stderr
    assert "Built 5 articles" in result.stdout
    site = tmp_path / "site"
    for slug, title in (("bom", "Có BOM"), ("crlf", "Dòng CRLF"), ("cr", "Dòng CR"), ("nfd", "Phường Ngọc Thụy"), ("big", "Bài rất dài")):
        folder = "ngoc-thuy" if slug == "nfd" else "duc-giang"
        page = (site / f"phuong/{folder}/2021/{slug}.html").read_text(encoding="utf-8")
        assert f"<h1>{title}</h1>" in page, slug
    assert "<p>Một</p>\n<p>Hai</p>" in (site / "phuong/duc-giang/2021/crlf.html").read_text(encoding="utf-8")


def test_a_file_over_the_size_limit_is_an_error_not_a_stall(tmp_path):
    content = write_archive(tmp_path, {})
    (content / "huge.md").write_bytes(article(body="x" * (11 * 1024 * 1024)).encode())
    [error] = make_site(content, Config(), None).errors
    assert str(error).startswith(f"{content}/huge.md:1: the file is larger than 10 MB")


# Random front matter and Markdown: make_site reports errors or builds, and never raises.

YAMLISH = st.lists(st.sampled_from(list("ab:-_ \n\t'\"[]{},&*!|>#?%@`~.019") + ["Đ", "ụ", "\u0301", "\ufeff", "\u2028", "title: ", "date: ", "ward: ", "category: ", "tasks:", "\n  - ", "2021-05-13", "---", "!!binary ", "!!python/name:os.system"]), max_size=60).map("".join)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=30),
    st.sampled_from(["2021-05-13", "2021-05-13 14:48", "0001-01-01", "9999-12-31", "2021-13-01", "2021-05-13T07:48:00Z", "Đức Giang", "../../x", "<script>"]),
)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)
KEYS = st.sampled_from(REQUIRED + OPTIONAL) | st.text(max_size=8)
VALID = {"title": "Giao ban", "date": "2021-05-13", "ward": "Đức Giang", "category": "Tin"}
FRONT_MATTER = st.one_of(
    YAMLISH,
    st.dictionaries(KEYS, VALUES, max_size=6).map(lambda d: yaml.safe_dump(d, allow_unicode=True)),
    st.dictionaries(KEYS, VALUES, max_size=3).map(lambda d: yaml.safe_dump({**VALID, **d}, allow_unicode=True)),
    st.fixed_dictionaries({}, optional={key: SCALARS for key in REQUIRED + OPTIONAL}).map(lambda d: yaml.safe_dump({**VALID, **d}, allow_unicode=True)),
    st.just(yaml.safe_dump(VALID, allow_unicode=True)),
)
MARKDOWN = st.lists(st.sampled_from(list("ab #*-_>[]()!<>/\\.:&;\"'`=\n") + ["Đ", "ễ", "javascript:", "../", "<script>", "<img src=", "http://x/", "\x00", "\r", "](", "![x](", "anh.png", "/etc/passwd"]), max_size=60).map("".join)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=st.lists(st.tuples(FRONT_MATTER, MARKDOWN), min_size=1, max_size=3), trusted=st.booleans())
def test_random_front_matter_and_markdown_give_a_site_or_errors_never_an_exception(files, trusted):
    with tempfile.TemporaryDirectory() as folder:
        content = Path(folder) / "content"
        content.mkdir()
        for n, (front, body) in enumerate(files):
            (content / f"bai-{n}.md").write_bytes(f"---\n{front}\n---\n{body}\n".encode("utf-8", "surrogatepass"))
        outcome = make_site(content, Config(trusted_html=trusted), None)
        event("built" if outcome.ok else "refused")
        if outcome.ok:
            assert "index.html" in outcome.files
        else:
            assert all(re.match(rf"{re.escape(str(content))}/[^:]+:\d+: \S", str(e)) for e in outcome.errors), [str(e) for e in outcome.errors]


# ---- 5. Atomic output

@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A project of 300 generated articles, its site built, and the trees of the site before and after one more article."""
    root = tmp_path_factory.mktemp("generated")
    subprocess.run([sys.executable, str(REPO / "benchmarks/generate.py"), "300", str(root / "content")], check=True, capture_output=True)
    extra = root / "content" / "bo-de" / "2021" / "them-mot-bai.md"
    text = article(title="Thêm một bài", ward="Bồ Đề", date="2021-06-01")
    trees = {}
    for state in ("with", "without"):
        if state == "with":
            extra.write_text(text, encoding="utf-8")
        elif extra.exists():
            extra.unlink()
        scratch = root / f"expected-{state}"
        scratch.mkdir()
        result = cli(scratch, "--content", str(root / "content"), "--output", "site")
        assert result.returncode == 0, result.stderr
        trees[state] = tree(scratch / "site")
    assert trees["with"] != trees["without"]
    return root, extra, text, trees


def test_no_worker_process_outlives_the_build_that_started_it(generated, tmp_path):
    root, _, _, _ = generated
    outcome = build(root / "content", tmp_path / "site", Config(), None, cache_dir=None)
    assert outcome.ok and outcome.pages > 300
    assert multiprocessing.active_children() == []


def test_a_build_killed_at_any_moment_leaves_a_whole_site_and_the_next_build_finishes_it(generated, tmp_path):
    root, extra, text, trees = generated
    project = tmp_path / "project"
    project.mkdir()
    content = project / "content"
    subprocess.run(["cp", "-a", str(root / "content"), str(content)], check=True)
    local_extra = content / extra.relative_to(root / "content")
    if local_extra.exists():
        local_extra.unlink()
    args = ("--content", "content", "--output", "site")
    started = time.perf_counter()
    assert cli(project, *args).returncode == 0
    full = time.perf_counter() - started
    site, state = project / "site", "without"
    assert tree(site) == trees[state]
    rng = random.Random(7)
    delays = sorted(rng.uniform(0.05, full * 1.2) for _ in range(5)) + [0.0, full * 0.9]
    for delay in delays:
        # Make the content differ from the site, so the build has real work to do.
        coming = "with" if state == "without" else "without"
        if coming == "with":
            local_extra.write_text(text, encoding="utf-8")
        elif local_extra.exists():
            local_extra.unlink()
        process = subprocess.Popen([sys.executable, str(REPO / "build.py"), *args], cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        now = tree(site)
        assert now in (trees[state], trees[coming]), f"after a kill at {delay:.2f} s the site is neither the old one nor the new one"
        state = state if now == trees[state] else coming
    result = cli(project, *args)
    assert result.returncode == 0, result.stderr
    expected = "with" if local_extra.exists() else "without"
    assert tree(site) == trees[expected]
    assert eventually(lambda: not [p.name for p in project.iterdir() if p.name.startswith(".site.new-")])


def test_a_build_while_another_holds_the_output_is_turned_away_and_changes_nothing(archive_dir, tmp_path):
    assert cli(tmp_path).returncode == 0
    before = tree(tmp_path / "site")
    (archive_dir / "duc-giang/2020/hoi-nghi.md").unlink()
    with locked(tmp_path / "site"):
        result = cli(tmp_path)
        with pytest.raises(Busy):
            with locked(tmp_path / "site"):
                pass
    assert result.returncode == 1 and "another build is writing" in result.stderr and "Traceback" not in result.stderr
    assert tree(tmp_path / "site") == before
    assert cli(tmp_path).returncode == 0
    assert not (tmp_path / "site/phuong/duc-giang/2020/hoi-nghi.html").exists()


def test_two_builds_started_together_never_mix_their_output(generated, tmp_path):
    root, extra, text, trees = generated
    project = tmp_path / "project"
    project.mkdir()
    subprocess.run(["cp", "-a", str(root / "content"), str(project / "content")], check=True)
    local_extra = project / "content" / extra.relative_to(root / "content")
    local_extra.write_text(text, encoding="utf-8")
    args = [sys.executable, str(REPO / "build.py"), "--content", "content", "--output", "site"]
    both = [subprocess.Popen(args, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in both]
    for p in both:
        p.stdout.close()
        p.stderr.close()
    assert 0 in [code for code, _ in results], results
    for code, err in results:
        assert code == 0 or (code == 1 and "another build" in err and "run again" in err), err
    assert tree(project / "site") == trees["with"]


def test_an_interrupted_swap_puts_the_previous_site_back(tmp_path):
    output = tmp_path / "site"
    publish({"index.html": b"one"}, output)
    retired = tmp_path / ".site.old-x1"
    retired.mkdir()
    os.replace(output, retired / "site")  # killed between moving the old site out and the new one in
    (tmp_path / ".site.new-x2").mkdir()
    (tmp_path / ".site.new-x2/index.html").write_bytes(b"half")
    with locked(output):
        clear_leftovers(output)
    assert tree(output) == {"index.html": b"one"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]



def test_a_spool_is_cleared_only_once_the_build_that_holds_it_is_gone(tmp_path):
    output = tmp_path / "site"
    publish({"index.html": b"one"}, output)
    with spool(output) as live:
        (live / "articles.json").write_bytes(b"[]")
        ready, done = multiprocessing.get_context("fork").Event(), multiprocessing.get_context("fork").Event()

        def another_build():
            with spool(output) as folder:
                (folder / "tasks.csv").write_bytes(b"half")
                ready.set()
                done.wait(30)

        holder = multiprocessing.get_context("fork").Process(target=another_build)
        holder.start()
        assert ready.wait(30)
        with locked(output):
            clear_leftovers(output)
        assert live.is_dir() and len(list(tmp_path.glob(".site.spool-*"))) == 2  # both builds are still working
        holder.kill()  # killed: its spool is left behind, unlocked
        holder.join()
        with locked(output):
            clear_leftovers(output)
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["site", live.name])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_files_made_ahead_are_written_one_at_a_time_each_freed_before_the_next_is_made(tmp_path):
    freed = []

    class Big(bytes):
        def __del__(self):
            freed.append(bytes(self[:1]))

    def made():
        for n in range(4):
            assert len(freed) == n, "the file before this one is still held"
            yield f"data/{n}.txt", Big(str(n).encode() * 1000)

    written = write_files(made(), tmp_path)
    assert sorted(written) == [f"data/{n}.txt" for n in range(4)]
    assert all(Path(written[f"data/{n}.txt"]).read_bytes() == str(n).encode() * 1000 for n in range(4))

def test_a_file_made_ahead_that_the_published_site_already_holds_is_not_written_again(tmp_path):
    published, folder = tmp_path / "site", tmp_path / "spool"
    (published / "data").mkdir(parents=True)
    (published / "data/same.txt").write_bytes(b"unchanged")
    (published / "data/other.txt").write_bytes(b"old text")
    folder.mkdir()
    written = write_files([("data/same.txt", b"unchanged"), ("data/other.txt", b"new text"), ("data/new.txt", b"new")], folder, published)
    assert written["data/same.txt"] == str(published / "data/same.txt") and not (folder / "data/same.txt").exists()
    assert Path(written["data/other.txt"]).read_bytes() == b"new text" and Path(written["data/other.txt"]).is_relative_to(folder)
    assert (published / "data/other.txt").read_bytes() == b"old text"  # the published site is not touched
    assert Path(written["data/new.txt"]).read_bytes() == b"new"
    with pytest.raises(ValueError):
        write_files([("../outside.txt", b"x")], folder, published)


# ---- 6. Clean but careful

def test_without_an_atomic_exchange_the_two_renames_still_leave_a_whole_site(tmp_path, monkeypatch):
    import wardsite.publish as publishing

    monkeypatch.setattr(publishing, "_exchange", lambda a, b: False)
    output = tmp_path / "site"
    publish({"index.html": b"one", "CNAME": b"old"}, output)
    publish({"index.html": b"two", "a/b.html": b"b"}, output, keep=("CNAME",))
    expected = {"CNAME": b"old", "a": "dir", "a/b.html": b"b", "index.html": b"two"}
    eventually(lambda: tree(output) == expected)
    assert tree(output) == expected


def test_a_deleted_article_leaves_no_trace_in_any_file_of_the_site(archive_dir, tmp_path):
    output = tmp_path / "site"
    assert build(archive_dir, output, Config(), None, cache_dir=tmp_path / "cache").ok
    assert any("Hội nghị tổng kết" in p.read_text(encoding="utf-8", errors="replace") for p in output.rglob("*") if p.is_file())
    (archive_dir / "duc-giang/2020/hoi-nghi.md").unlink()
    assert build(archive_dir, output, Config(), None, cache_dir=tmp_path / "cache").ok
    assert not (output / "phuong/duc-giang/2020").exists()
    for path in output.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            assert "Hội nghị tổng kết" not in text and "hoi-nghi" not in text, path


def host_files(output: Path) -> None:
    (output / "CNAME").write_text("tin.example.org\n")
    (output / ".nojekyll").write_text("")
    (output / ".well-known").mkdir()
    (output / ".well-known/security.txt").write_text("Contact: mailto:a@example.org\n")
    (output / ".git/objects/ab").mkdir(parents=True)
    (output / ".git/HEAD").write_text("ref: refs/heads/gh-pages\n")
    (output / ".git/objects/ab/cdef").write_bytes(b"\x78\x9c object")
    (output / ".git/link").symlink_to("HEAD")
    (output / "cu.html").write_text("a page nobody builds any more")


def test_by_default_a_hosts_files_are_kept_and_stray_files_removed(archive_dir, tmp_path):
    output = tmp_path / "site"
    assert build(archive_dir, output, Config(), None, cache_dir=None).ok
    host_files(output)
    (archive_dir / "duc-giang/2020/hoi-nghi.md").unlink()
    assert build(archive_dir, output, Config(), None, cache_dir=None).ok
    assert (output / "CNAME").read_text() == "tin.example.org\n" and (output / ".nojekyll").exists()
    assert (output / ".well-known/security.txt").read_text().startswith("Contact:")
    assert not (output / ".git").exists() and not (output / "cu.html").exists()


def test_the_keep_setting_carries_a_git_folder_over_whole(archive_dir, tmp_path):
    config, errors = parse_config("keep: [.git, CNAME]\n", Path("wardsite.yaml"))
    assert errors == [] and config.keep == (".git", "CNAME")
    output = tmp_path / "site"
    assert build(archive_dir, output, config, None, cache_dir=tmp_path / "cache").ok
    host_files(output)
    git_before = tree(output / ".git")
    (archive_dir / "duc-giang/2020/hoi-nghi.md").unlink()
    assert build(archive_dir, output, config, None, cache_dir=tmp_path / "cache").ok
    assert tree(output / ".git") == git_before and (output / ".git/link").is_symlink()
    assert (output / "CNAME").exists() and not (output / ".nojekyll").exists() and not (output / ".well-known").exists()
    assert not (output / "phuong/duc-giang/2020/hoi-nghi.html").exists()
    # A build with nothing to do keeps them too.
    assert build(archive_dir, output, config, None, cache_dir=tmp_path / "cache").ok
    assert tree(output / ".git") == git_before


@pytest.mark.parametrize("setting, message", [
    ("keep: CNAME\n", "`keep` must be a list"),
    ("keep: [../x]\n", "a name in the output folder"),
    ("keep: [a/b]\n", "a name in the output folder"),
    ("keep: ['']\n", "a name in the output folder"),
    ("keep: [index.html]\n", "wardsite makes"),
])
def test_a_keep_setting_that_could_reach_elsewhere_is_refused(setting, message):
    _, errors = parse_config(setting, Path("wardsite.yaml"))
    assert len(errors) == 1 and errors[0].line == 1 and message in errors[0].message, errors


def test_nothing_beside_the_output_folder_is_touched(archive_dir, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / ".site-backup").mkdir()
    (tmp_path / ".site-backup/index.html").write_text("mine too")
    before = {p: p.read_bytes() for p in (tmp_path / "notes.txt", tmp_path / ".site-backup/index.html")}
    output = tmp_path / "site"
    for _ in range(2):
        assert build(archive_dir, output, Config(), None, cache_dir=None).ok
        (archive_dir / "duc-giang/2021/giao-ban.md").write_text(article(title="Đổi tiêu đề"), encoding="utf-8")
    # The retired site is deleted in the background.
    assert eventually(lambda: sorted(p.name for p in tmp_path.iterdir()) == [".site-backup", "content", "notes.txt", "site"]), sorted(p.name for p in tmp_path.iterdir())
    assert {p: p.read_bytes() for p in before} == before


def test_a_build_piped_into_a_log_ends_without_waiting_for_the_old_site_to_be_deleted(archive_dir, tmp_path):
    # `wardsite build | tee log`, or a CI job reading the build's output: the
    # output ends when the build does, though the old site's deleting goes on.
    assert cli(tmp_path).returncode == 0
    bulky = tmp_path / "site" / "left-by-hand"  # makes the old site slow to delete
    bulky.mkdir()
    for n in range(20_000):
        (bulky / f"{n}.txt").write_bytes(b"")
    (archive_dir / "duc-giang/2021/giao-ban.md").write_text(article(title="Đổi tiêu đề"), encoding="utf-8")  # a full build: a new site swapped in
    command = subprocess.Popen([sys.executable, str(REPO / "build.py")], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert command.wait(timeout=120) == 0
    said = {}
    for name, stream in (("out", command.stdout), ("err", command.stderr)):
        os.set_blocking(stream.fileno(), False)
        said[name] = b""
        while chunk := os.read(stream.fileno(), 1 << 16):  # b"" once no process holds the stream; BlockingIOError while one does
            said[name] += chunk
        stream.close()
    assert said["out"].startswith("Built 3 articles".encode()) and said["err"] == b"", said
    assert not (tmp_path / "site" / "left-by-hand").exists()
    assert eventually(lambda: sorted(p.name for p in tmp_path.iterdir()) == [".wardsite-cache", "content", "site"]), sorted(p.name for p in tmp_path.iterdir())


@pytest.mark.parametrize("which", ["content", "project", "home", "root", "parent of content", "a file"])
def test_an_output_folder_that_would_swallow_something_else_is_refused(tmp_path, which, monkeypatch):
    project = tmp_path / "project"
    content = project / "content"
    content.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    (project / "notes.txt").write_text("x")
    output = {
        "content": content, "project": project, "home": tmp_path / "home", "root": Path("/"),
        "parent of content": tmp_path, "a file": project / "notes.txt",
    }[which]
    assert refusal(output, content, project)
    assert refusal(output / "x" / "..", content, project)  # spelled another way


@pytest.mark.parametrize("output", ["content", ".", "~", "/", "content/../..", "link-to-project"])
def test_the_command_line_refuses_such_an_output_and_writes_nothing(archive_dir, tmp_path, output):
    home = tmp_path / "home"
    home.mkdir()
    (tmp_path / "link-to-project").symlink_to(tmp_path)
    env = {**os.environ, "HOME": str(home)}
    before = tree(tmp_path)
    result = cli(tmp_path, "--output", str(home) if output == "~" else output, env=env)
    assert result.returncode == 2 and "--output" in result.stderr and "choose a folder of its own" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and tree(tmp_path) == before


def test_the_library_build_refuses_such_an_output_too(archive_dir, tmp_path):
    before = tree(tmp_path)
    with pytest.raises(ValueError, match="choose a folder of its own"):
        build(archive_dir, archive_dir, Config(), None, cache_dir=None)
    assert tree(tmp_path) == before
