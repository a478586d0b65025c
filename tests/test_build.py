import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from wardsite.build import build, discover
from wardsite.cli import main
from wardsite.config import Config, parse_config

from conftest import REPO, article, walk_site, write_archive


def run_build(content: Path, output: Path, **settings):
    return build(content, output, Config(**settings), content.parent / "templates")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_site_has_every_kind_of_page(archive_dir, tmp_path):
    out = tmp_path / "site"
    outcome = run_build(archive_dir, out)
    assert outcome.ok, outcome.problems
    for page in ["index.html", "404.html", "phuong/index.html", "nam/index.html", "chuyen-muc/index.html",
                 "phuong/duc-giang/index.html", "phuong/duc-giang/2021/index.html", "phuong/duc-giang/2021/giao-ban.html",
                 "nam/2021/index.html", "nam/2020/index.html", "chuyen-muc/cong-tac-dang/index.html", "tim-kiem/index.html"]:
        assert (out / page).is_file(), page


def test_a_reader_on_file_reaches_every_page_from_the_home_page_by_links(archive_dir, tmp_path):
    out = tmp_path / "site"
    run_build(archive_dir, out)
    reached, problems = walk_site(out)
    assert problems == []
    html_files = {p.resolve() for p in out.rglob("*.html")} - {(out / "404.html").resolve()}
    assert html_files - reached == set()


def test_the_article_page_shows_everything_the_article_holds(archive_dir, tmp_path):
    out = tmp_path / "site"
    run_build(archive_dir, out)
    html = (out / "phuong/duc-giang/2021/giao-ban.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in html
    assert "Thứ Năm, ngày 13 tháng 5 năm 2021, 14:48" in html
    assert 'datetime="2021-05-13T14:48:00+07:00"' in html
    assert "MTTQ</a>:</strong> Tuyên truyền phòng chống dịch" in html
    assert "Nguồn: VPĐU" in html and "1.204 lượt xem" in html
    assert 'href="../index.html"' in html and 'href="../../../nam/2021/index.html"' in html
    assert 'href="../../../chuyen-muc/cong-tac-dang/index.html"' in html
    assert 'rel="next" href="../2020/hoi-nghi.html"' in html  # the older article in the same ward


def test_a_ward_page_lists_newest_first_grouped_by_year_and_tells_its_history(archive_dir, tmp_path):
    out = tmp_path / "site"
    run_build(archive_dir, out)
    html = (out / "phuong/duc-giang/index.html").read_text(encoding="utf-8")
    assert html.index("Năm 2021") < html.index("Giao ban tháng 5") < html.index("Năm 2020") < html.index("Hội nghị tổng kết")
    assert "phường Bồ Đề (mới), phường Việt Hưng (mới)" in html


def test_the_wards_page_is_in_vietnamese_alphabetical_order(archive_dir, tmp_path):
    out = tmp_path / "site"
    run_build(archive_dir, out)
    html = (out / "phuong/index.html").read_text(encoding="utf-8")
    order = ["An Bình", "Ân Thi", "Đức Giang", "Gia Thụy", "Ngọc Thụy"]
    assert [html.index(f">{name}</a>") for name in order] == sorted(html.index(f">{name}</a>") for name in order)


def test_tone_mark_variants_of_a_ward_file_into_one_ward(archive_dir, tmp_path):
    out = tmp_path / "site"
    run_build(archive_dir, out)
    assert (out / "phuong/ngoc-thuy/2021/lam-viec.html").is_file()
    assert "Ngọc Thụy" in (out / "phuong/ngoc-thuy/2021/lam-viec.html").read_text(encoding="utf-8")


def test_long_lists_are_paginated_with_links_between_pages(tmp_path):
    files = {f"duc-giang/2021/bai-{i:02d}.md": article(title=f"Bài số {i}", date=f"2021-03-{i + 1:02d}") for i in range(7)}
    content = write_archive(tmp_path, files)
    out = tmp_path / "site"
    assert run_build(content, out, page_size=3).ok
    assert (out / "phuong/duc-giang/trang/3/index.html").is_file()
    assert not (out / "phuong/duc-giang/trang/4/index.html").exists()
    first = (out / "phuong/duc-giang/index.html").read_text(encoding="utf-8")
    assert "Bài số 6" in first and "Bài số 3" not in first and 'href="trang/2/index.html"' in first
    assert walk_site(out)[1] == []


def test_the_pager_of_a_long_list_links_the_first_last_and_nearby_pages_only(tmp_path):
    files = {f"duc-giang/2021/bai-{i:02d}.md": article(title=f"Bài số {i}", date=f"2021-03-{i % 28 + 1:02d} {i % 24:02d}:00") for i in range(40)}
    content = write_archive(tmp_path, files)
    out = tmp_path / "site"
    assert run_build(content, out, page_size=2).ok  # 20 pages
    assert (out / "phuong/duc-giang/trang/20/index.html").is_file()
    tenth = out / "phuong/duc-giang/trang/10/index.html"
    pager = tenth.read_text(encoding="utf-8").split('class="pager"')[1].split("</nav>")[0]
    numbers = re.findall(r">(\d+)</(?:a|span)>", pager)
    assert numbers == ["1", "8", "9", "10", "11", "12", "20"]
    assert pager.count("…") == 2 and '<span aria-current="page">10</span>' in pager
    assert 'rel="prev" href="../9/index.html"' in pager and 'rel="next" href="../11/index.html"' in pager
    reached, problems = walk_site(out)
    assert problems == [] and all((out / f"phuong/duc-giang/trang/{n}/index.html").resolve() in reached for n in range(2, 21))


def test_a_projects_template_overrides_the_theme_by_name(archive_dir, tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "home.html").write_text('{% extends "base.html" %}{% block main %}<h1>Trang riêng</h1>{% endblock %}', encoding="utf-8")
    out = tmp_path / "site"
    run_build(archive_dir, out)
    assert "<h1>Trang riêng</h1>" in (out / "index.html").read_text(encoding="utf-8")
    assert "<h1>Phường Đức Giang</h1>" in (out / "phuong/duc-giang/index.html").read_text(encoding="utf-8")


def test_a_theme_showing_articles_one_at_a_time_with_article_item_shows_each_as_the_list_does(archive_dir, tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "year.html").write_text(
        '{% from "macros.html" import article_item with context %}{% for a in articles %}{{ article_item(a, level=2) }}{% endfor %}',
        encoding="utf-8",
    )
    run_build(archive_dir, tmp_path / "own")
    build(archive_dir, tmp_path / "theme", Config(), None)
    own = (tmp_path / "own/nam/2021/index.html").read_text(encoding="utf-8")
    theme = (tmp_path / "theme/nam/2021/index.html").read_text(encoding="utf-8")
    items = re.findall(r'<li class="article-item">.*?</li>\n', own, re.S)
    assert len(items) >= 2 and "".join(items) == own
    assert all(item in theme for item in items)

def test_two_builds_of_the_same_content_are_byte_identical(archive_dir, tmp_path):
    run_build(archive_dir, tmp_path / "one")
    run_build(archive_dir, tmp_path / "two")
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_a_failed_build_leaves_the_previous_site_untouched(archive_dir, tmp_path):
    out = tmp_path / "site"
    run_build(archive_dir, out)
    before = tree(out)
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    (archive_dir / "duc-giang/2021/giao-ban.md").write_text(article(date="2021-02-31"), encoding="utf-8")
    outcome = run_build(archive_dir, out)
    assert not outcome.ok
    assert tree(out) == before and {p: p.stat().st_mtime_ns for p in out.rglob("*")} == stamps
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "site"]  # no half-built folder left


def test_an_unchanged_file_keeps_its_timestamp_on_rebuild(archive_dir, tmp_path):
    out = tmp_path / "site"
    run_build(archive_dir, out)
    page = out / "phuong/ngoc-thuy/2021/lam-viec.html"
    os.utime(page, ns=(1_000_000_000, 1_000_000_000))
    run_build(archive_dir, out)
    assert page.stat().st_mtime_ns == 1_000_000_000


def test_a_deleted_article_disappears_from_the_site(archive_dir, tmp_path):
    out = tmp_path / "site"
    run_build(archive_dir, out)
    (archive_dir / "duc-giang/2020/hoi-nghi.md").unlink()
    run_build(archive_dir, out)
    assert not (out / "phuong/duc-giang/2020/hoi-nghi.html").exists()
    assert walk_site(out)[1] == []


def test_two_articles_that_would_write_the_same_page_name_both_files(tmp_path):
    content = write_archive(tmp_path, {
        "a/giao-ban.md": article(),
        "b/giao-ban.md": article(title="Khác"),
    })
    outcome = run_build(content, tmp_path / "site")
    messages = sorted(str(e) for e in outcome.errors)
    assert len(messages) == 2
    assert all("phuong/duc-giang/2021/giao-ban.html" in m and "slug" in m for m in messages)
    assert str(content / "a/giao-ban.md") in messages[1] and str(content / "b/giao-ban.md") in messages[0]


def test_without_a_registry_every_ward_is_accepted_and_variants_are_one(tmp_path):
    content = write_archive(tmp_path, {
        "a.md": article(ward="Phường Mới Thuỵ"),
        "b.md": article(title="Hai", ward="phường mới thụy"),
    }, wards=None)
    out = tmp_path / "site"
    assert run_build(content, out).ok
    assert sorted(p.name for p in (out / "phuong/phuong-moi-thuy/2021").iterdir()) == ["a.html", "b.html", "index.html"]


def test_the_configuration_file_sets_the_title_and_page_size(tmp_path):
    config, errors = parse_config("title: Tin phường Đức Giang\npage_size: 5\nlinks: pretty\n", Path("wardsite.yaml"))
    assert errors == [] and config.title == "Tin phường Đức Giang" and config.page_size == 5 and config.links == "pretty"


def test_configuration_mistakes_are_reported_with_their_line():
    _, errors = parse_config("title: x\npage_size: nhiều\ncolour: red\n", Path("wardsite.yaml"))
    assert [(e.line, e.message.split(" ")[0]) for e in errors] == [(2, "`page_size`"), (3, "unknown")]


# The command line, as an editor meets it.

def cli(tmp_path, *args):
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args], cwd=tmp_path, capture_output=True, text=True, timeout=120)


def test_build_py_builds_content_into_site_from_the_project_folder(archive_dir, tmp_path):
    result = cli(tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site/index.html").is_file() and "Built 3 articles" in result.stdout


def test_every_content_error_is_reported_in_one_run_as_path_line_message(archive_dir, tmp_path):
    (archive_dir / "duc-giang/2021/giao-ban.md").write_text(article(date="2021-02-31"), encoding="utf-8")
    (archive_dir / "duc-giang/2020/hoi-nghi.md").write_text(article(ward="Không Có"), encoding="utf-8")
    result = cli(tmp_path)
    assert result.returncode == 1
    assert "content/duc-giang/2021/giao-ban.md:3: the date 2021-02-31 does not exist" in result.stderr
    assert "content/duc-giang/2020/hoi-nghi.md:4: unknown ward `Không Có`" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "site").exists()


def test_the_command_line_options_override_the_configuration(archive_dir, tmp_path):
    (tmp_path / "wardsite.yaml").write_text("title: Tin phường\noutput: public\n", encoding="utf-8")
    assert cli(tmp_path).returncode == 0 and (tmp_path / "public/index.html").is_file()
    assert cli(tmp_path, "--output", "other").returncode == 0 and (tmp_path / "other/index.html").is_file()
    assert "Tin phường" in (tmp_path / "other/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("output", ["content", ".", "..", "content/.."])
def test_an_output_folder_that_would_swallow_the_content_or_the_project_is_refused(archive_dir, tmp_path, output):
    before = tree(archive_dir)
    result = cli(tmp_path, "--output", output)
    assert result.returncode == 2 and "--output" in result.stderr and "Traceback" not in result.stderr
    assert tree(archive_dir) == before


def test_a_missing_content_folder_is_a_usage_error(tmp_path):
    result = cli(tmp_path, "--content", "nowhere")
    assert result.returncode == 2 and "nowhere" in result.stderr


def test_check_validates_without_writing(archive_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 0
    assert not (tmp_path / "site").exists()
    (archive_dir / "bad.md").write_text("no front matter\n", encoding="utf-8")
    assert main(["check"]) == 1


def _discovered_by_rglob(content_dir):
    """The plain definition discover keeps to: every *.md rglob finds, hidden and `_` names left out."""
    found = [p.relative_to(content_dir) for p in content_dir.rglob("*.md")]
    return sorted((rel for rel in found if not any(part.startswith((".", "_")) for part in rel.parts)), key=lambda p: p.as_posix())


def test_discover_finds_what_a_recursive_glob_finds_but_hidden_and_underscored_names(tmp_path):
    content = tmp_path / "content"
    for rel in ["a.md", "b.txt", ".an.md", "_nhap.md", "bo-de/2021/c.md", "bo-de/2021/.d.md", ".git/e.md", "_drafts/f.md",
                "bo-de/_cu/g.md", "ghi-chu.md/h.md", "x/y/z/k.md", "Đức Giang/bài.md"]:
        (content / rel).parent.mkdir(parents=True, exist_ok=True)
        (content / rel).write_text("x", encoding="utf-8")
    outside = tmp_path / "outside"
    (outside / "sub.md").mkdir(parents=True)
    (outside / "m.md").write_text("x", encoding="utf-8")
    (content / "linked").symlink_to(outside, target_is_directory=True)
    (content / "linked-article.md").symlink_to(outside / "m.md")
    (content / "linked-folder.md").symlink_to(outside / "sub.md", target_is_directory=True)
    found = discover(content)
    assert found == _discovered_by_rglob(content)
    assert Path("bo-de/2021/c.md") in found and Path("ghi-chu.md") in found and Path("linked-article.md") in found
    assert Path("linked/m.md") not in found and Path("_drafts/f.md") not in found
