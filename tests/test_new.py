"""`wardsite new`: a ready-to-fill article at the conventional path, that builds as is."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from pathlib import Path, PurePosixPath

import pytest

from wardsite.build import make_site
from wardsite.cli import main
from wardsite.config import Config
from wardsite.content import split
from wardsite.registry import Registry, load_registry
from wardsite.scaffold import ScaffoldError, new_article
from wardsite.yamltext import parse_yaml

from conftest import write_archive

UTC_EVENING = datetime(2024, 12, 31, 20, 5, 9, 123456, tzinfo=timezone.utc)  # already 2025 in Hà Nội


@pytest.fixture
def content(tmp_path):
    return write_archive(tmp_path, {})


def front_matter(text: str) -> dict:
    doc, errors = parse_yaml(split(text).front_matter, Path("x.md"))
    assert not errors
    return doc.data


def test_the_article_goes_under_the_ward_slug_and_the_year_in_vietnam_time(content):
    registry, _ = load_registry(content)
    made = new_article("Giao ban khối Đảng tháng 5/2021", "Đức Giang", "Công tác đảng", UTC_EVENING, registry)
    assert made.path == PurePosixPath("duc-giang/2025/giao-ban-khoi-dang-thang-5-2021.md")


def test_the_front_matter_holds_the_given_values_and_the_date_with_its_offset(content):
    registry, _ = load_registry(content)
    made = new_article("Giao ban: tháng 5", "ngọc thụy", "Công tác đảng", UTC_EVENING, registry)
    meta = front_matter(made.text)
    assert meta == {"title": "Giao ban: tháng 5", "date": "2025-01-01 03:05:09+07:00", "ward": "Ngọc Thụy", "category": "Công tác đảng"}
    assert re.search(r"^date: 2025-01-01 03:05:09\+07:00$", made.text, re.M)


def test_the_ward_is_written_with_the_registry_spelling(content):
    registry, _ = load_registry(content)
    made = new_article("Làm việc", "Ngọc Thuỵ", "Tin", UTC_EVENING, registry)
    assert front_matter(made.text)["ward"] == "Ngọc Thụy"
    assert made.path.parts[0] == "ngoc-thuy"


def test_the_file_shows_a_tasks_example_and_a_vietnamese_placeholder_body(content):
    registry, _ = load_registry(content)
    text = new_article("Làm việc", "Đức Giang", "Tin", UTC_EVENING, registry).text
    assert "# tasks:" in text and "#     assignee:" in text
    assert "Viết nội dung bài ở đây" in split(text).body


def test_an_unknown_ward_is_refused_with_the_nearest_name(content):
    registry, _ = load_registry(content)
    with pytest.raises(ScaffoldError, match="unknown ward `Đức Gian`; did you mean `Đức Giang`"):
        new_article("Làm việc", "Đức Gian", "Tin", UTC_EVENING, registry)


def test_without_a_registry_the_ward_is_taken_as_written():
    made = new_article("Làm việc", "Phúc Lợi", "Tin", UTC_EVENING, Registry())
    assert made.path.parts[0] == "phuc-loi"
    assert front_matter(made.text)["ward"] == "Phúc Lợi"


@pytest.mark.parametrize("title, category", [("???", "Tin"), ("Làm việc", "  ")])
def test_a_title_or_category_without_letters_is_refused(content, title, category):
    with pytest.raises(ScaffoldError):
        new_article(title, "Đức Giang", category, UTC_EVENING, load_registry(content)[0])


def test_a_new_article_builds_as_is_with_tasks_filled_in_or_not(content):
    registry, _ = load_registry(content)
    made = new_article("Giao ban: tháng 5", "Gia Thuỵ", "Công tác đảng", UTC_EVENING, registry)
    (content / made.path).parent.mkdir(parents=True)
    (content / made.path).write_text(made.text, encoding="utf-8")
    filled = made.text.replace("# tasks:", "tasks:").replace("#   - ", "  - ").replace("#     assignee", "    assignee")
    (content / "gia-thuy/2025/voi-nhiem-vu.md").write_text(filled, encoding="utf-8")

    outcome = make_site(content, Config(), None)
    assert outcome.ok, [str(p) for p in outcome.problems]
    assert outcome.articles == 2
    assert "phuong/gia-thuy/2025/giao-ban-thang-5.html" in outcome.files
    page = outcome.files["phuong/gia-thuy/2025/voi-nhiem-vu.html"].decode()
    assert "MTTQ và các đoàn thể" in page


def test_the_command_creates_the_file_and_it_passes_check(content, monkeypatch, capsys):
    monkeypatch.chdir(content.parent)
    assert main(["new", "--title", "Hội nghị tổng kết", "--ward", "Ân Thi", "--category", "Tin mới nhất"]) == 0
    created = list(content.rglob("*.md"))
    assert len(created) == 1
    year = datetime.now(timezone(timedelta(hours=7))).year
    assert created[0].relative_to(content).as_posix() in {f"an-thi/{y}/hoi-nghi-tong-ket.md" for y in (year - 1, year)}
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+07:00", front_matter(created[0].read_text(encoding="utf-8"))["date"])
    assert str(created[0].relative_to(content.parent)) in capsys.readouterr().out
    assert main(["check"]) == 0


def test_the_command_refuses_to_overwrite_an_existing_article(content, capsys):
    args = ["new", "--title", "Làm việc", "--ward", "Đức Giang", "--category", "Tin", "--content", str(content)]
    assert main(args) == 0
    article = next(content.rglob("*.md"))
    article.write_text(article.read_text(encoding="utf-8") + "Đã viết xong.\n", encoding="utf-8")
    capsys.readouterr()
    assert main(args) == 1
    assert "already exists" in capsys.readouterr().err
    assert article.read_text(encoding="utf-8").endswith("Đã viết xong.\n")


def test_the_command_refuses_an_unknown_ward_with_exit_2(content, capsys):
    assert main(["new", "--title", "Làm việc", "--ward", "Duc Gian", "--category", "Tin", "--content", str(content)]) == 2
    assert "did you mean `Đức Giang`?" in capsys.readouterr().err
    assert not list(content.rglob("*.md"))


def test_the_command_refuses_a_missing_content_folder_with_exit_2(tmp_path, capsys):
    assert main(["new", "--title", "Làm việc", "--ward", "Đức Giang", "--category", "Tin", "--content", str(tmp_path / "nope")]) == 2
    assert not (tmp_path / "nope").exists()
