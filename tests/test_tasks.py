"""Tasks as data: who was asked to do what, where and when, on pages and in the open-data files."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from wardsite.build import discover, load_all, make_site
from wardsite.cli import main
from wardsite.config import Config
from wardsite.opendata import CSV_HEADER
from wardsite.organisations import load_organisations
from wardsite.registry import load_registry

from conftest import REPO, article, walk_site, write_archive

BUNDLED = REPO / "content"


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def text_of(html: bytes) -> str:
    """The text a reader sees on a page, entities decoded, blanks squashed."""
    parser = _Text()
    parser.feed(html.decode("utf-8"))
    return " ".join(" ".join(parser.parts).split())


def squashed(text: str) -> str:
    return " ".join(text.split())


def sections_of(html: bytes) -> dict[str, str]:
    """The text of each <section> of a page, by the text of its heading."""
    text = html.decode("utf-8")
    found = {}
    for chunk in text.split("<section")[1:]:
        body = chunk.split("</section>")[0]
        heading = text_of(("<h2" + body.split("<h2", 1)[1].split("</h2>")[0]).encode()) if "<h2" in body else ""
        found[heading] = text_of(body.encode())
    return found


def tasks_yaml(*tasks) -> str:
    lines = ["tasks:\n"]
    for task in tasks:
        if isinstance(task, tuple):
            lines.append(f"  - text: {task[0]}\n    assignee: {task[1]}\n")
        else:
            lines.append(f"  - {task}\n")
    return "".join(lines)


def with_bundled_organisations(content: Path) -> Path:
    shutil.copy(BUNDLED / "organisations.yaml", content / "organisations.yaml")
    return content


@pytest.fixture
def tasks_dir(tmp_path):
    """Four articles in two wards and two years; tasks to known, aliased, unknown and no organisations."""
    content = write_archive(
        tmp_path,
        {
            "duc-giang/2021/giao-ban.md": article(
                extra=tasks_yaml(
                    ("Tuyên truyền phòng chống dịch", "MTTQ"),
                    ("Rà soát hội viên", "Hội Phụ nữ"),
                    ("Tổ chức đại hội chi hội", "Hội LHPN phường Đức Giang"),
                    ("Kiểm tra địa bàn", "Tổ công tác đặc biệt"),
                    "Thực hiện tốt chức năng giám sát",
                )
            ),
            "duc-giang/2020/hoi-nghi.md": article(
                title="Hội nghị tổng kết", date="2020-12-30", extra=tasks_yaml(("'Xây dựng quy chế, phân công \"nhiệm vụ\"'", "Hội Liên hiệp Phụ nữ"))
            ),
            "ngoc-thuy/2021/lam-viec.md": article(
                title="Làm việc với MTTQ", ward="Ngọc Thuỵ", date="2021-02-27 18:00",
                extra=tasks_yaml(("Phối hợp giám sát", "Hội CCB"), ("'=1+1 là công thức'", "Đoàn thanh niên")),
            ),
            "ngoc-thuy/2021/khong-nhiem-vu.md": article(title="Tin không giao việc", ward="Ngọc Thụy", date="2021-03-01"),
        },
    )
    return with_bundled_organisations(content)


def build_files(content: Path, **settings) -> dict[str, bytes]:
    outcome = make_site(content, replace(Config(), **settings), None)
    assert outcome.ok, [str(p) for p in outcome.errors]
    return outcome.files


def csv_rows(files) -> list[dict]:
    return list(csv.DictReader(io.StringIO(files["data/tasks.csv"].decode("utf-8-sig"), newline="")))


# The bundled archive.

@pytest.fixture(scope="module")
def bundled_site():
    registry, _ = load_registry(BUNDLED)
    organisations, _ = load_organisations(BUNDLED)
    articles, errors = load_all(BUNDLED, discover(BUNDLED), registry, Config())
    assert errors == []
    outcome = make_site(BUNDLED, Config(), None)
    assert outcome.ok, [str(p) for p in outcome.errors]
    return articles, organisations, outcome.files


def test_the_bundled_archive_has_tasks_to_assign(bundled_site):
    articles, _, _ = bundled_site
    assert sum(len(a.tasks) for a in articles) >= 10
    assert sum(1 for a in articles for t in a.tasks if t.assignee) >= 10


def test_every_bundled_task_is_on_its_organisations_page_and_its_ward_year_page(bundled_site):
    articles, organisations, files = bundled_site
    for a in articles:
        for task in a.tasks:
            slug = organisations.find(task.assignee).slug if task.assignee else "khong-ghi-to-chuc"
            assert task.text in text_of(files[f"nhiem-vu/to-chuc/{slug}/index.html"]), (slug, task.text)
            ward_year = sections_of(files[f"phuong/{a.ward}/{a.year}/nhiem-vu/index.html"])
            heading = next(h for h in ward_year if task.text in ward_year[h])
            name = organisations.find(task.assignee).name if task.assignee else "Không ghi tổ chức"
            assert heading.startswith(name), (heading, task.text)


def test_the_bundled_spellings_of_the_veterans_fold_into_one_page(bundled_site):
    articles, _, files = bundled_site
    spellings = {t.assignee for a in articles for t in a.tasks if t.assignee in ("Hội CCB", "Hội Cựu chiến binh")}
    assert spellings == {"Hội CCB", "Hội Cựu chiến binh"}
    page = text_of(files["nhiem-vu/to-chuc/hoi-cuu-chien-binh/index.html"])
    for a in articles:
        for t in a.tasks:
            if t.assignee in spellings:
                assert t.text in page
    assert not any(path.startswith("nhiem-vu/to-chuc/hoi-ccb") for path in files)


def test_every_bundled_task_is_in_both_exports(bundled_site):
    articles, organisations, files = bundled_site
    rows = csv_rows(files)
    data = json.loads(files["data/articles.json"])
    assert len(rows) == sum(len(a.tasks) for a in articles)
    in_csv = {(r["task"], r["organisation"]) for r in rows}
    in_json = {(t["text"], t["organisation"]["name"] if t["organisation"] else "") for x in data["articles"] for t in x["tasks"]}
    for a in articles:
        for t in a.tasks:
            organisation = organisations.find(t.assignee).name if t.assignee else ""
            assert (t.text, organisation) in in_csv
            assert (t.text, organisation) in in_json


def test_the_bundled_open_data_validates_against_its_schema(bundled_site):
    _, _, files = bundled_site
    schema = json.loads(files["data/articles.schema.json"])
    Draft202012Validator.check_schema(schema)
    errors = list(Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(json.loads(files["data/articles.json"])))
    assert errors == []


# Organisation pages.

def test_an_alias_files_the_task_on_the_womens_union_page(tasks_dir):
    files = build_files(tasks_dir)
    page = text_of(files["nhiem-vu/to-chuc/hoi-lien-hiep-phu-nu/index.html"])
    assert "Rà soát hội viên" in page
    assert "Tổ chức đại hội chi hội" in page  # `Hội LHPN phường Đức Giang`
    assert 'Xây dựng quy chế, phân công "nhiệm vụ"' in page  # `Hội Liên hiệp Phụ nữ`
    assert "Hội Liên hiệp Phụ nữ" in page
    assert not any("hoi-phu-nu" in path for path in files)


def test_an_organisations_page_lists_its_tasks_newest_first_with_ward_date_and_article(tasks_dir):
    html = build_files(tasks_dir)["nhiem-vu/to-chuc/hoi-lien-hiep-phu-nu/index.html"].decode()
    newest, oldest = html.index("Rà soát hội viên"), html.index("Xây dựng quy chế")
    assert newest < oldest
    assert "13/05/2021" in html and "30/12/2020" in html
    assert 'href="../../../phuong/duc-giang/2021/giao-ban.html#nhiem-vu-2"' in html
    assert 'href="../../../phuong/duc-giang/index.html">Đức Giang</a>' in html


def test_the_article_page_anchors_each_task_and_links_its_organisation_and_the_ward_years_tasks(tasks_dir):
    html = build_files(tasks_dir)["phuong/duc-giang/2021/giao-ban.html"].decode()
    assert 'id="nhiem-vu-2"' in html
    assert '<a href="../../../nhiem-vu/to-chuc/hoi-lien-hiep-phu-nu/index.html">Hội Phụ nữ</a>' in html
    assert 'href="nhiem-vu/index.html"' in html


def test_lists_of_tasks_page_by_their_own_size_not_the_articles(tasks_dir):
    files = build_files(tasks_dir, page_size=1)
    assert "phuong/duc-giang/trang/2/index.html" in files
    assert not any("/nhiem-vu/" in name and "/trang/" in name for name in files)
    assert Config().task_page_size == 50


def test_long_lists_of_tasks_are_paginated(tasks_dir):
    files = build_files(tasks_dir, task_page_size=1)
    first = files["nhiem-vu/to-chuc/hoi-lien-hiep-phu-nu/index.html"].decode()
    for n in (2, 3):
        assert f"nhiem-vu/to-chuc/hoi-lien-hiep-phu-nu/trang/{n}/index.html" in files
    assert 'href="trang/2/index.html"' in first
    assert "nhiem-vu/to-chuc/hoi-lien-hiep-phu-nu/trang/4/index.html" not in files
    assert "phuong/duc-giang/2021/nhiem-vu/trang/5/index.html" in files


# The ward-year pages.

def test_the_ward_year_tasks_page_groups_the_tasks_by_organisation(tasks_dir):
    files = build_files(tasks_dir)
    sections = sections_of(files["phuong/duc-giang/2021/nhiem-vu/index.html"])
    women = next(text for heading, text in sections.items() if heading.startswith("Hội Liên hiệp Phụ nữ"))
    assert "Rà soát hội viên" in women and "Tổ chức đại hội chi hội" in women
    front = next(text for heading, text in sections.items() if heading.startswith("Mặt trận Tổ quốc"))
    assert "Tuyên truyền phòng chống dịch" in front and "Rà soát" not in front
    unassigned = next(text for heading, text in sections.items() if heading.startswith("Không ghi tổ chức"))
    assert "Thực hiện tốt chức năng giám sát" in unassigned
    # Another ward's tasks, or another year's, are not here.
    assert "Phối hợp giám sát" not in text_of(files["phuong/duc-giang/2021/nhiem-vu/index.html"])
    assert "Xây dựng quy chế" not in text_of(files["phuong/duc-giang/2021/nhiem-vu/index.html"])


def test_the_ward_year_page_links_its_tasks_page_only_when_it_has_tasks(tmp_path):
    content = with_bundled_organisations(write_archive(tmp_path, {
        "a.md": article(extra=tasks_yaml(("Tuyên truyền", "MTTQ"))),
        "b.md": article(title="Không việc", date="2020-01-02"),
    }))
    files = build_files(content)
    assert 'href="nhiem-vu/index.html"' in files["phuong/duc-giang/2021/index.html"].decode()
    assert "phuong/duc-giang/2020/nhiem-vu/index.html" not in files
    assert 'href="nhiem-vu/index.html"' not in files["phuong/duc-giang/2020/index.html"].decode()


# The overview.

def test_the_overview_counts_tasks_per_organisation_per_year_in_a_table_and_a_chart(tasks_dir):
    html = build_files(tasks_dir)["nhiem-vu/index.html"].decode()
    table = html[html.index("<table"): html.index("</table>")]
    assert '<th scope="col">2020</th><th scope="col">2021</th>' in table
    row = table[table.index("hoi-lien-hiep-phu-nu"):]
    row = row[: row.index("</tr>")]
    assert "<td>1</td><td>2</td>" in row and "<td>3</td>" in row  # 2020: 1, 2021: 2, total 3
    assert '<th scope="row"><a href="to-chuc/hoi-lien-hiep-phu-nu/index.html">Hội Liên hiệp Phụ nữ</a></th>' in table
    assert '<th scope="row">Tổng cộng</th>' in table
    svg = html[html.index("<svg"): html.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "Hội Liên hiệp Phụ nữ: 3 (2020: 1, 2021: 2)" in svg
    assert "<script" not in html[html.index("<main"): html.index("</main>")]


def test_the_overview_is_in_the_main_navigation_and_links_the_open_data(tasks_dir):
    files = build_files(tasks_dir)
    home = files["index.html"].decode()
    nav = home[home.index('aria-label="Điều hướng chính"'):].split("</nav>")[0]
    assert 'href="nhiem-vu/index.html"' in nav
    overview = files["nhiem-vu/index.html"].decode()
    for target in ("../data/tasks.csv", "../data/articles.json", "../data/articles.schema.json"):
        assert f'href="{target}"' in overview


def test_every_task_page_is_reachable_by_links_and_no_link_is_broken(tasks_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    site = tmp_path / "site"
    assert main(["build", "--content", str(tasks_dir), "--output", str(site)]) == 0
    reached, problems = walk_site(site)
    assert problems == []
    for path in ("nhiem-vu/to-chuc/hoi-lien-hiep-phu-nu/index.html", "phuong/ngoc-thuy/2021/nhiem-vu/index.html", "data/tasks.csv", "data/articles.json"):
        assert (site / path).resolve() in reached


# Unknown assignees and an archive without a registry.

def test_an_unknown_assignee_is_kept_as_written_on_a_page_of_its_own(tasks_dir):
    files = build_files(tasks_dir)
    page = text_of(files["nhiem-vu/to-chuc/to-cong-tac-dac-biet/index.html"])
    assert "Kiểm tra địa bàn" in page and "Tổ công tác đặc biệt" in page
    task = next(t for a in json.loads(files["data/articles.json"])["articles"] for t in a["tasks"] if t["text"] == "Kiểm tra địa bàn")
    assert task["organisation"] == {"name": "Tổ công tác đặc biệt", "slug": "to-cong-tac-dac-biet", "registered": False}


def test_a_theme_showing_tasks_one_at_a_time_with_task_item_shows_each_as_the_list_does(tasks_dir):
    templates = tasks_dir.parent / "templates"
    templates.mkdir()
    (templates / "organisation.html").write_text(
        '{% from "tasks_macros.html" import task_item with context %}'
        "{% for year, group in groups %}{% for entry in group %}{{ task_item(entry) }}{% endfor %}{% endfor %}",
        encoding="utf-8",
    )
    path = "nhiem-vu/to-chuc/hoi-lien-hiep-phu-nu/index.html"
    outcome = make_site(tasks_dir, Config(), templates)
    assert outcome.ok, [str(p) for p in outcome.errors]
    own, theme = outcome.files[path].decode(), build_files(tasks_dir)[path].decode()
    items = re.findall(r'<li class="task-item">.*?</li>\n', own, re.S)
    assert len(items) == 3 and "".join(items) == own
    assert all(item in theme for item in items)

def wardsite(*args, cwd: Path) -> subprocess.CompletedProcess:
    """The command line, run as an editor runs it."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "wardsite.cli", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_wardsite_check_warns_about_an_unknown_assignee_at_its_line_and_passes(tasks_dir, tmp_path):
    run = wardsite("check", "--content", str(tasks_dir), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    err = run.stderr
    path = tasks_dir / "duc-giang" / "2021" / "giao-ban.md"
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "Kiểm tra địa bàn" in text)
    warnings = [w for w in err.splitlines() if "warning:" in w]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{path}:{line}: warning: the assignee `Tổ công tác đặc biệt` is not in organisations.yaml")


def test_a_build_with_an_unknown_assignee_succeeds_and_prints_the_warning(tasks_dir, tmp_path):
    run = wardsite("build", "--content", str(tasks_dir), "--output", str(tmp_path / "site"), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "warning: the assignee `Tổ công tác đặc biệt`" in run.stderr
    assert (tmp_path / "site" / "nhiem-vu" / "to-chuc" / "to-cong-tac-dac-biet" / "index.html").is_file()


def test_without_an_organisations_file_assignees_are_taken_as_written_without_warnings(tmp_path):
    content = write_archive(tmp_path, {
        "a.md": article(extra=tasks_yaml(("Rà soát hội viên", "Hội Phụ nữ"), ("Tuyên truyền", "hội phụ nữ"), ("Giám sát", "Hội LHPN"))),
    })
    files = build_files(content)
    assert "Rà soát hội viên" in text_of(files["nhiem-vu/to-chuc/hoi-phu-nu/index.html"])
    assert "Tuyên truyền" in text_of(files["nhiem-vu/to-chuc/hoi-phu-nu/index.html"])  # case does not make another
    assert "Giám sát" in text_of(files["nhiem-vu/to-chuc/hoi-lhpn/index.html"])
    run = wardsite("check", "--content", str(content), cwd=tmp_path)
    assert run.returncode == 0 and run.stderr == ""


# The open-data files.

def test_the_csv_opens_with_the_csv_module_with_its_header_and_a_row_per_task(tasks_dir):
    files = build_files(tasks_dir)
    raw = files["data/tasks.csv"]
    assert raw.startswith(b"\xef\xbb\xbf")
    reader = csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    assert tuple(next(reader)) == CSV_HEADER
    rows = csv_rows(files)
    assert len(rows) == 8
    assert rows[0] == {
        "date": "2021-05-13", "ward": "Đức Giang", "category": "Công tác đảng", "organisation": "Mặt trận Tổ quốc Việt Nam",
        "assignee": "MTTQ", "task": "Tuyên truyền phòng chống dịch", "article_url": "phuong/duc-giang/2021/giao-ban.html",
    }
    quoted = next(r for r in rows if r["date"] == "2020-12-30")
    assert quoted["task"] == 'Xây dựng quy chế, phân công "nhiệm vụ"'
    assert quoted["organisation"] == "Hội Liên hiệp Phụ nữ" and quoted["assignee"] == "Hội Liên hiệp Phụ nữ"
    unassigned = next(r for r in rows if r["task"] == "Thực hiện tốt chức năng giám sát")
    assert unassigned["organisation"] == "" and unassigned["assignee"] == ""
    assert next(r for r in rows if r["task"] == "Phối hợp giám sát")["ward"] == "Ngọc Thụy"


def test_a_csv_cell_a_spreadsheet_would_run_as_a_formula_is_written_as_text(tasks_dir):
    rows = csv_rows(build_files(tasks_dir))
    assert any(r["task"] == "'=1+1 là công thức" for r in rows)


def test_every_article_url_in_the_csv_is_a_page_of_the_site(tasks_dir):
    files = build_files(tasks_dir)
    assert all(r["article_url"] in files for r in csv_rows(files))


def test_with_a_base_url_the_exports_give_absolute_article_urls(tasks_dir):
    files = build_files(tasks_dir, base_url="https://example.org/luu-tru/")
    rows = csv_rows(files)
    assert rows[0]["article_url"] == "https://example.org/luu-tru/phuong/duc-giang/2021/giao-ban.html"
    first = json.loads(files["data/articles.json"])["articles"][0]
    assert first["url"] == "https://example.org/luu-tru/phuong/duc-giang/2021/giao-ban.html"
    assert first["path"] == "phuong/duc-giang/2021/giao-ban.html"


def test_the_json_validates_against_its_schema_and_holds_every_articles_metadata_and_tasks(tasks_dir):
    files = build_files(tasks_dir)
    schema = json.loads(files["data/articles.schema.json"])
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    data = json.loads(files["data/articles.json"])
    Draft202012Validator(schema, format_checker=FormatChecker()).validate(data)
    assert [a["path"] for a in data["articles"]] == [
        "phuong/duc-giang/2021/giao-ban.html", "phuong/ngoc-thuy/2021/khong-nhiem-vu.html",
        "phuong/ngoc-thuy/2021/lam-viec.html", "phuong/duc-giang/2020/hoi-nghi.html",
    ]
    first = data["articles"][0]
    assert first["date"] == "2021-05-13T14:48:00+07:00" and first["has_time"] is True
    assert first["ward"] == {"name": "Đức Giang", "slug": "duc-giang"}
    assert first["category"] == {"name": "Công tác đảng", "slug": "cong-tac-dang"}
    assert [t["number"] for t in first["tasks"]] == [1, 2, 3, 4, 5]
    assert first["tasks"][1] == {
        "number": 2, "text": "Rà soát hội viên", "assignee": "Hội Phụ nữ",
        "organisation": {"name": "Hội Liên hiệp Phụ nữ", "slug": "hoi-lien-hiep-phu-nu", "registered": True},
    }
    assert first["tasks"][4]["assignee"] is None and first["tasks"][4]["organisation"] is None
    assert data["articles"][3]["date"] == "2020-12-30T00:00:00+07:00" and data["articles"][3]["has_time"] is False


def test_the_schema_rejects_data_that_breaks_it(tasks_dir):
    files = build_files(tasks_dir)
    validator = Draft202012Validator(json.loads(files["data/articles.schema.json"]), format_checker=FormatChecker())
    data = json.loads(files["data/articles.json"])
    data["articles"][0]["tasks"][0]["organisation"] = {"name": "MTTQ"}
    data["articles"][1]["date"] = "2021-03-01"
    assert {tuple(e.absolute_path) for e in validator.iter_errors(data)} == {("articles", 0, "tasks", 0, "organisation"), ("articles", 1, "date")}


def test_the_open_data_is_the_same_bytes_on_every_build(tasks_dir):
    first, second = build_files(tasks_dir), build_files(tasks_dir)
    for path in ("data/articles.json", "data/articles.schema.json", "data/tasks.csv"):
        assert first[path] == second[path]
    # Keys sorted, Vietnamese as is, one article to a line: a diff between two
    # archives' files shows only the articles that changed.
    text = first["data/articles.json"].decode("utf-8")
    document = json.loads(text)
    lines = text.splitlines()
    start = lines.index('"articles": [') + 1
    for line, article in zip(lines[start:], document["articles"]):
        assert json.loads(line.rstrip(",")) == article
        assert list(article) == sorted(article)
    assert "\\u" not in text and list(document) == sorted(document)


def filed(content: Path):
    """The articles of an archive, assembled, and its task book."""
    from wardsite.archive import assemble
    from wardsite.tasks import assign_tasks

    registry, _ = load_registry(content)
    organisations, _ = load_organisations(content)
    articles, _ = load_all(content, discover(content), registry, Config())
    archive = assemble(articles, registry)
    return archive, assign_tasks(archive, organisations)


def test_each_articles_organisations_are_named_once_each_in_order_and_the_unassigned_not_at_all(tasks_dir):
    from wardsite.tasks import organisation_names

    archive, book = filed(tasks_dir)
    articles = archive.articles
    names = organisation_names(book)
    expected = {}
    for entry in book.entries:
        organisation = book.organisation(entry.organisation)
        if organisation.slug != "khong-ghi-to-chuc":
            expected.setdefault(entry.article.path, set()).add(organisation.name)
    assert names == {path: tuple(sorted(found)) for path, found in expected.items()}
    assert any(len(found) > 1 for found in names.values())
    assert any(not a.tasks for a in articles) and all(a.path not in names for a in articles if not a.tasks)


def test_a_task_list_shows_the_assignee_as_written_only_where_it_is_not_the_organisations_name(tasks_dir):
    page = text_of(build_files(tasks_dir)["nhiem-vu/to-chuc/hoi-lien-hiep-phu-nu/index.html"])
    assert "bài ghi: “Hội Phụ nữ”" in page
    assert "bài ghi: “Hội LHPN phường Đức Giang”" in page
    assert "bài ghi: “Hội Liên hiệp Phụ nữ”" not in page  # the registry's own name, as the article wrote it


def test_each_task_row_carries_its_article_s_date_ward_and_link_and_the_note_of_how_it_was_written(tasks_dir):
    from wardsite import urls
    from wardsite.listing import task_rows

    archive, book = filed(tasks_dir)
    entries = sorted(book.entries, key=lambda e: e.task.text)  # the articles' tasks out of their order
    rows = list(task_rows(entries, archive, book))
    assert [row.entry for row in rows] == entries
    for row, e in zip(rows, entries):
        a = e.article
        assert (row.text, row.title, row.date, row.iso) == (e.task.text, a.title, a.date, a.date.isoformat())
        assert (row.ward, row.ward_name, row.link) == (urls.ward(a.ward), archive.ward(a.ward).name, urls.task(a, e.number))
        named = book.organisation(e.organisation).name
        assert row.written == ("" if e.task.assignee in (None, named) else e.task.assignee)
    assert {row.ward_name for row in rows} == {"Đức Giang", "Ngọc Thụy"}
    assert {row.written for row in rows} >= {"", "Hội Phụ nữ", "MTTQ"}
