"""An incremental build gives exactly what a cold build gives, whatever changed in between."""

import pickle
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wardsite import search, urls
from wardsite.build import build
from wardsite.cache import SHARDS, shard_of
from wardsite.config import Config
from wardsite.feeds import FEED_SIZE

from conftest import article, write_archive

WARDS = ["Đức Giang", "Ngọc Thụy", "Gia Thuỵ"]
DATES = ["2020-01-05", "2021-05-13 14:48", "2021-11-30 08:00", "2022-02-01"]
TASKS = "tasks:\n  - text: Tuyên truyền\n    assignee: MTTQ\n  - Giám sát\n"


def tree(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_as_a_cold_build(content, out, cold_out):
    """out holds exactly what a build of content from scratch, into cold_out, gives."""
    cold = build(content, cold_out, Config(), None, cache_dir=None)
    assert cold.ok and tree(out) == tree(cold_out)


def append(path, text):
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def built(tmp_path):
    """(content, output, cache) of the starting archive, built once with a cache."""
    content = start(tmp_path)
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert build(content, out, Config(), None, cache_dir=cache).ok
    return content, out, cache


def start(tmp_path):
    files = {f"bai-{i}.md": article(title=f"Bài {i}", ward=WARDS[i % 3], date=DATES[i % 4]) for i in range(5)}
    return write_archive(tmp_path, files)


def apply(content, templates, op, n):
    files = sorted(content.glob("*.md"))
    target = files[n % len(files)] if files else None
    if op == "add" or target is None:
        (content / f"moi-{n}.md").write_text(article(title=f"Bài mới {n}", ward=WARDS[n % 3], date=DATES[n % 4], extra=TASKS), encoding="utf-8")
    elif op == "edit":
        append(target, f"\nThêm đoạn {n}.\n")
    elif op == "title":
        target.write_text(article(title=f"Tiêu đề khác {n}", ward=WARDS[n % 3], date=DATES[n % 4]), encoding="utf-8")
    elif op == "tasks":  # same article, other task texts and organisations
        text = target.read_text(encoding="utf-8")
        title, ward, date = (text.split(f"{key}: ")[1].split("\n")[0] for key in ("title", "ward", "date"))
        assignee = ["MTTQ", "Đoàn Thanh niên", "Hội Phụ nữ"][n % 3]
        target.write_text(article(title=title, ward=ward, date=date, extra=f"tasks:\n  - text: Việc số {n}\n    assignee: {assignee}\n  - Giám sát {n}\n"), encoding="utf-8")
    elif op == "delete" and len(files) > 1:
        target.unlink()
    elif op == "rename":
        target.rename(content / f"doi-ten-{n}.md")
    elif op in ("ward", "date"):
        text = target.read_text(encoding="utf-8")
        old = text.split(f"{op}: ")[1].split("\n")[0]
        choices = WARDS if op == "ward" else DATES
        target.write_text(text.replace(f"{op}: {old}", f"{op}: {choices[(choices.index(old) + 1 + n) % len(choices)] if old in choices else choices[0]}"), encoding="utf-8")
    elif op == "template":
        templates.mkdir(exist_ok=True)
        (templates / "year.html").write_text('{% extends "base.html" %}{% block main %}<h1>Năm ' + str(n) + ' {{ year }}</h1>{% endblock %}', encoding="utf-8")


OPS = st.lists(st.tuples(st.sampled_from(["add", "edit", "title", "tasks", "delete", "rename", "ward", "date", "template"]), st.integers(0, 20)), min_size=1, max_size=4)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_after_any_sequence_of_changes_the_incremental_output_equals_a_cold_build(tmp_path_factory, ops):
    root = tmp_path_factory.mktemp("inc")
    content = start(root)
    templates, cache, out = root / "templates", root / "cache", root / "site"
    assert build(content, out, Config(), templates, cache_dir=cache).ok
    for op, n in ops:
        apply(content, templates, op, n)
        incremental = build(content, out, Config(), templates, cache_dir=cache)
        cold_out = root / "cold"
        shutil.rmtree(cold_out, ignore_errors=True)
        cold = build(content, cold_out, Config(), templates, cache_dir=None)
        assert incremental.ok == cold.ok
        assert tree(out) == tree(cold_out), f"after {op} {n}"


def test_a_no_change_rebuild_renders_nothing_and_keeps_every_timestamp(tmp_path):
    content = start(tmp_path)
    out, cache = tmp_path / "site", tmp_path / "cache"
    build(content, out, Config(), None, cache_dir=cache)
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    again = build(content, out, Config(), None, cache_dir=cache)
    assert again.ok and again.files == {}
    assert again.reused == frozenset(p.relative_to(out).as_posix() for p in stamps)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == stamps


def test_an_edit_renders_only_the_pages_that_show_the_article(tmp_path):
    content = start(tmp_path)
    out, cache = tmp_path / "site", tmp_path / "cache"
    build(content, out, Config(), None, cache_dir=cache)
    edited = content / "bai-1.md"
    append(edited, "\nĐoạn mới.\n")
    again = build(content, out, Config(), None, cache_dir=cache)
    rendered = set(again.fingerprints) - again.reused - again.whole
    assert "phuong/ngoc-thuy/2021/bai-1.html" in rendered
    assert "phuong/duc-giang/2020/bai-0.html" not in rendered
    assert len(rendered) < (len(again.fingerprints) - len(again.whole)) / 2


def test_a_page_deleted_from_the_output_by_hand_is_made_again(tmp_path):
    content = start(tmp_path)
    out, cache = tmp_path / "site", tmp_path / "cache"
    build(content, out, Config(), None, cache_dir=cache)
    (out / "phuong/ngoc-thuy/2021/bai-1.html").unlink()
    (out / "index.html").write_text("tampered", encoding="utf-8")
    build(content, out, Config(), None, cache_dir=cache)
    assert (out / "phuong/ngoc-thuy/2021/bai-1.html").is_file()
    assert "tampered" not in (out / "index.html").read_text(encoding="utf-8")


def test_a_future_article_appears_on_the_first_build_after_it_comes_due(tmp_path):
    import time
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    content = start(tmp_path)
    soon = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")) + timedelta(seconds=3)
    (content / "sap-toi.md").write_text(article(title="Sắp tới", date=soon.strftime("%Y-%m-%d %H:%M:%S")), encoding="utf-8")
    out, cache = tmp_path / "site", tmp_path / "cache"
    page = out / f"phuong/duc-giang/{soon.year}/sap-toi.html"
    build(content, out, Config(), None, cache_dir=cache)
    assert not page.exists()
    time.sleep(max(0.0, (soon - datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))).total_seconds()) + 0.5)
    build(content, out, Config(), None, cache_dir=cache)
    assert page.is_file()


def test_a_task_reworded_in_place_is_reworded_on_every_task_page_that_lists_it(tmp_path):
    content = start(tmp_path)
    out, cache = tmp_path / "site", tmp_path / "cache"
    edited = content / "bai-1.md"
    edited.write_text(article(title="Bài 1", ward=WARDS[1], date=DATES[1], extra=TASKS), encoding="utf-8")
    assert build(content, out, Config(), None, cache_dir=cache).ok
    edited.write_text(article(title="Bài 1", ward=WARDS[1], date=DATES[1], extra=TASKS.replace("Tuyên truyền", "Vận động")), encoding="utf-8")
    assert build(content, out, Config(), None, cache_dir=cache).ok
    assert_as_a_cold_build(content, out, tmp_path / "cold")
    shown = [path for path, data in tree(out).items() if path.startswith("nhiem-vu/to-chuc/") and "Vận động".encode() in data]
    assert shown and not [path for path, data in tree(out).items() if "Tuyên truyền".encode() in data]


def test_an_edit_rewrites_the_one_part_of_the_article_cache_that_holds_it(tmp_path):
    content, out, cache = built(tmp_path)

    def stamps():
        return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in cache.glob("articles-*.pickle")}

    before = stamps()
    assert len(before) == SHARDS
    edited = content / "bai-1.md"
    append(edited, "\nĐoạn mới.\n")
    again = build(content, out, Config(), None, cache_dir=cache)
    assert again.ok and again.articles == 5
    after = stamps()
    assert [name for name in before if after[name] != before[name]] == [f"articles-{shard_of(Path('bai-1.md'))}.pickle"]
    assert_as_a_cold_build(content, out, tmp_path / "cold")


def test_the_edit_base_names_its_articles_by_their_place_in_the_article_cache_and_holds_none(tmp_path):
    content, out, cache = built(tmp_path)
    _, base = pickle.loads((cache / "edit-base.pickle").read_bytes())
    loaded = {}
    for n in range(SHARDS):
        _, part = pickle.loads((cache / f"articles-{n}.pickle").read_bytes())
        loaded.update(part["loaded"])
    assert sorted(rel for rel, _ in base.articles) == [f"bai-{i}.md" for i in range(5)]
    for rel, digest in base.articles:
        parsed, problems = loaded[(str(content), rel, digest)]
        assert parsed.path == Path(rel) and parsed.digest == digest and problems == []
    assert all(type(value) is str for pair in base.articles for value in pair)


def test_an_edit_build_reads_the_base_articles_back_with_the_category_name_the_archive_settled_on(tmp_path):
    # Two articles write the category one way, one another: the archive names it as most write it.
    files = {f"bai-{i}.md": article(title=f"Bài {i}", ward=WARDS[i % 3], date=DATES[i % 4], category="Công tác Đảng" if i else "Công tác đảng") for i in range(3)}
    content = write_archive(tmp_path, files)
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert build(content, out, Config(), None, cache_dir=cache).ok
    folder = out.stat().st_ino
    append(content / "bai-1.md", "\nĐoạn mới.\n")  # bai-0, written the other way, is read back from the article cache
    assert build(content, out, Config(), None, cache_dir=cache).ok
    assert out.stat().st_ino == folder  # an edit build: published in place
    assert "Đoạn mới" in (out / "phuong/ngoc-thuy/2021/bai-1.html").read_text(encoding="utf-8")
    assert_as_a_cold_build(content, out, tmp_path / "cold")


@pytest.mark.parametrize("damage", ["deleted", "other folder"])
def test_an_edit_build_without_the_base_articles_in_the_article_cache_is_a_full_build_with_the_same_site(tmp_path, damage):
    content, out, cache = built(tmp_path)
    shard = cache / f"articles-{shard_of(Path('bai-3.md'))}.pickle"
    if damage == "deleted":
        shard.unlink()
    else:  # saved over by a build of another content folder with the same cache
        key, part = pickle.loads(shard.read_bytes())
        shard.write_bytes(pickle.dumps((key, {**part, "folder": str(tmp_path / "elsewhere")})))
    folder = out.stat().st_ino
    append(content / "bai-1.md", "\nĐoạn mới.\n")
    assert build(content, out, Config(), None, cache_dir=cache).ok
    assert out.stat().st_ino != folder  # a full build publishes a new folder
    assert "Đoạn mới" in (out / "phuong/ngoc-thuy/2021/bai-1.html").read_text(encoding="utf-8")
    assert_as_a_cold_build(content, out, tmp_path / "cold")


def test_an_edit_to_a_body_keeps_the_open_data_and_a_new_title_remakes_it(tmp_path):
    content, out, cache = built(tmp_path)
    edited = content / "bai-1.md"
    append(edited, "\nĐoạn mới ở cuối bài.\n")
    body_edit = build(content, out, Config(), None, cache_dir=cache)
    assert body_edit.ok
    assert {urls.ARTICLES_JSON, urls.TASKS_CSV} <= body_edit.reused  # the open data shows no body
    assert urls.SEARCH_CORE not in body_edit.reused and "feed.xml" not in body_edit.reused
    assert "Đoạn mới ở cuối bài".encode() in (out / "feed.xml").read_bytes()

    edited.write_text(edited.read_text(encoding="utf-8").replace("title: Bài 1", "title: Bài một"), encoding="utf-8")
    new_title = build(content, out, Config(), None, cache_dir=cache)
    assert new_title.ok and urls.ARTICLES_JSON not in new_title.reused
    assert "Bài một" in (out / "data/articles.json").read_text(encoding="utf-8")
    assert_as_a_cold_build(content, out, tmp_path / "cold")


def test_an_edit_to_an_article_no_feed_shows_keeps_the_feeds(tmp_path):
    # One ward and one category, so every feed shows the newest FEED_SIZE articles and none shows the oldest.
    files = {f"bai-{n:02d}.md": article(title=f"Bài {n}", date=f"2021-{1 + n // 28:02d}-{1 + n % 28:02d}") for n in range(FEED_SIZE + 2)}
    content = write_archive(tmp_path, files)
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert build(content, out, Config(), None, cache_dir=cache).ok
    feed_files = {urls.FEED, urls.ward_feed("duc-giang"), urls.category_feed("cong-tac-dang")}
    assert all((out / name).is_file() for name in feed_files)

    oldest, newest = content / "bai-00.md", content / f"bai-{FEED_SIZE + 1:02d}.md"
    append(oldest, "\nĐoạn mới ở bài cũ nhất.\n")
    old_edit = build(content, out, Config(), None, cache_dir=cache)
    assert old_edit.ok and feed_files <= old_edit.reused

    append(newest, "\nĐoạn mới ở bài mới nhất.\n")
    new_edit = build(content, out, Config(), None, cache_dir=cache)
    assert new_edit.ok and not feed_files & new_edit.reused
    assert "Đoạn mới ở bài mới nhất".encode() in (out / urls.FEED).read_bytes()
    assert_as_a_cold_build(content, out, tmp_path / "cold")


def test_an_edit_build_patches_the_last_search_index_reading_only_the_edited_articles_entries(tmp_path):
    content, out, cache = built(tmp_path)
    edited = content / "bai-1.md"
    own = cache / f"search-{shard_of(Path('bai-1.md'))}.pickle"
    others = [p for p in cache.glob("search-*.pickle") if p != own and p.name != "search-index.pickle"]
    assert others
    for part in others:  # an index made from scratch needs every article's entry, and would save these again
        part.unlink()
    append(edited, "\nĐoạn mới về phòng cháy.\n")
    assert build(content, out, Config(), None, cache_dir=cache).ok
    assert not [part for part in others if part.exists()]
    assert_as_a_cold_build(content, out, tmp_path / "cold")


def test_a_change_that_moves_articles_makes_the_search_index_from_scratch_as_a_cold_build_does(tmp_path):
    content, out, cache = built(tmp_path)
    others = [p for p in cache.glob("search-*.pickle") if p.name != "search-index.pickle"]
    for part in others:
        part.unlink()
    moved = content / "bai-4.md"  # the oldest becomes the newest: every id moves
    moved.write_text(moved.read_text(encoding="utf-8").replace(f"date: {DATES[0]}", "date: 2023-01-01"), encoding="utf-8")
    assert build(content, out, Config(), None, cache_dir=cache).ok
    assert all(part.exists() for part in others)
    assert_as_a_cold_build(content, out, tmp_path / "cold")


def test_a_damaged_search_index_in_the_cache_means_one_made_from_scratch(tmp_path):
    content, out, cache = built(tmp_path)
    (cache / "search-index.pickle").write_bytes(b"\x80\x05not a pickle")
    edited = content / "bai-1.md"
    append(edited, "\nĐoạn mới.\n")
    assert build(content, out, Config(), None, cache_dir=cache).ok
    assert_as_a_cold_build(content, out, tmp_path / "cold")


def test_an_edit_build_whose_cached_search_index_was_never_published_makes_it_from_scratch(tmp_path):
    content, out, cache = built(tmp_path)
    first = content / "bai-1.md"
    as_published = first.read_bytes()
    unpublished = tmp_path / "other-cache"
    shutil.copytree(cache, unpublished)
    append(first, "\nĐoạn về phòng cháy chữa cháy.\n")
    assert build(content, tmp_path / "other-site", Config(), None, cache_dir=unpublished).ok
    # As a build that saved its search index and then did not publish leaves the cache:
    shutil.copy(unpublished / "search-index.pickle", cache / "search-index.pickle")
    first.write_bytes(as_published)
    append(content / "bai-2.md", "\nĐoạn mới về vệ sinh môi trường.\n")
    assert build(content, out, Config(), None, cache_dir=cache).ok
    assert_as_a_cold_build(content, out, tmp_path / "cold")


def test_an_edit_build_whose_patch_would_split_a_search_shard_makes_the_index_from_scratch(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "SHARD_LIMIT", 400)
    content, out, cache = built(tmp_path)
    _, before = pickle.loads((cache / "search-index.pickle").read_bytes())
    append(content / "bai-1.md", "\n" + " ".join(f"giang{n} giảng{n} giãng{n}" for n in range(40)) + "\n")
    assert build(content, out, Config(), None, cache_dir=cache).ok
    _, after = pickle.loads((cache / "search-index.pickle").read_bytes())
    assert "gi" not in before.split and "gi" in after.split
    assert_as_a_cold_build(content, out, tmp_path / "cold")


def _site_stamps(out):
    return {p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}


def test_an_edit_to_a_body_is_written_into_the_published_site_in_place_and_touches_only_what_shows_it(tmp_path):
    content, out, cache = built(tmp_path)
    folder, before = out.stat().st_ino, _site_stamps(out)
    edited = content / "bai-1.md"
    append(edited, "\nĐoạn mới ở cuối bài.\n")
    again = build(content, out, Config(), None, cache_dir=cache)
    assert again.ok and out.stat().st_ino == folder  # the same folder: not a new site swapped in
    after = _site_stamps(out)
    touched = {name for name in after if after[name] != before.get(name)}
    assert "phuong/ngoc-thuy/2021/bai-1.html" in touched and "Đoạn mới ở cuối bài" in (out / "phuong/ngoc-thuy/2021/bai-1.html").read_text(encoding="utf-8")
    assert "phuong/duc-giang/2020/bai-0.html" not in touched and urls.ARTICLES_JSON not in touched
    assert touched <= set(again.files) | again.whole and len(again.files) < len(after) / 3  # a page shown again with the same bytes keeps its file
    assert_as_a_cold_build(content, out, tmp_path / "cold")


def test_an_edit_to_anything_but_a_body_builds_a_new_site_as_before(tmp_path):
    content, out, cache = built(tmp_path)
    edited = content / "bai-1.md"
    for change in (lambda t: t.replace("title: Bài 1", "title: Bài một"), lambda t: t.replace("\n---\n", "\nsummary: Tóm tắt khác\n---\n", 1), lambda t: t + "\n![ảnh](anh.png)\n"):
        folder = out.stat().st_ino
        edited.write_text(change(edited.read_text(encoding="utf-8")), encoding="utf-8")
        assert build(content, out, Config(), None, cache_dir=cache).ok == ("anh.png" not in edited.read_text(encoding="utf-8"))
        assert out.stat().st_ino != folder or "anh.png" in edited.read_text(encoding="utf-8")
    (content / "anh.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert build(content, out, Config(), None, cache_dir=cache).ok
    assert_as_a_cold_build(content, out, tmp_path / "cold")


def test_an_edit_build_puts_back_a_page_changed_by_hand_in_the_published_site(tmp_path):
    content, out, cache = built(tmp_path)
    (out / "phuong/duc-giang/2020/bai-0.html").write_text("tampered", encoding="utf-8")
    edited = content / "bai-1.md"
    append(edited, "\nĐoạn mới.\n")
    assert build(content, out, Config(), None, cache_dir=cache).ok
    assert_as_a_cold_build(content, out, tmp_path / "cold")


def test_edit_builds_one_after_another_each_equal_a_cold_build_and_a_later_full_build_changes_nothing(tmp_path):
    content, out, cache = built(tmp_path)
    for n in range(4):
        edited = content / f"bai-{n % 2}.md"
        append(edited, f"\nĐoạn thêm số {n}.\n")
        assert build(content, out, Config(), None, cache_dir=cache).ok
        assert_as_a_cold_build(content, out, tmp_path / f"cold-{n}")
    stamps = _site_stamps(out)
    (content / "bai-4.md").write_text((content / "bai-4.md").read_text(encoding="utf-8").replace("title: Bài 4", "title: Bài bốn"), encoding="utf-8")
    assert build(content, out, Config(), None, cache_dir=cache).ok  # a full build, from the state the edit builds left
    after = _site_stamps(out)
    unchanged = [name for name in stamps if name in after and after[name][1] == stamps[name][1]]
    assert "phuong/duc-giang/2020/bai-0.html" in unchanged
    assert_as_a_cold_build(content, out, tmp_path / "cold-last")


def test_an_archive_past_the_packing_size_keeps_bodies_packed_and_builds_the_same_site(tmp_path, monkeypatch):
    from wardsite import model
    from wardsite.build import discover, load_all
    from wardsite.registry import load_registry

    content, out, cache = built(tmp_path)  # five articles: bodies kept in UTF-8
    registry, _ = load_registry(content)
    as_text, _ = load_all(content, discover(content), registry, Config())
    monkeypatch.setattr(model, "PACK_PAST", 3)
    packed, _ = load_all(content, discover(content), registry, Config())
    assert [a.body for a in as_text] == [a.body_html.encode("utf-8") for a in as_text]  # in UTF-8, not packed
    assert [a.body for a in packed] != [a.body for a in as_text]
    assert [a.body_html for a in packed] == [a.body_html for a in as_text]
    assert_as_a_cold_build(content, out, tmp_path / "packed")
    append(content / "bai-1.md", "\nMột câu nữa.\n")  # an edit build, parsing the edited article packed
    assert build(content, out, Config(), None, cache_dir=cache).ok
    assert_as_a_cold_build(content, out, tmp_path / "packed-after-edit")


@given(st.text(max_size=300) | st.text(max_size=300).map(lambda text: "(" + text))
def test_a_body_reads_the_same_as_text_packed_or_in_utf8(html):
    from dataclasses import replace
    from datetime import datetime
    from wardsite.model import Article, Category, pack

    article = Article(Path("bai.md"), "bai", "Bài", datetime(2021, 5, 13), False, "duc-giang", "Đức Giang", Category("Đảng", "dang"), (), html, "")
    assert {replace(article, body=body).body_html for body in (html, pack(html.encode("utf-8")), html.encode("utf-8"))} == {html}


@pytest.mark.parametrize("pack_past", [None, 3])
def test_the_edit_base_keeps_each_pages_record_in_a_batch_as_its_fingerprint_was_taken_of(tmp_path, monkeypatch, pack_past):
    from wardsite import edits, model
    from wardsite.cache import record_digest, record_in_batch

    if pack_past is not None:
        monkeypatch.setattr(model, "PACK_PAST", pack_past)
    monkeypatch.setattr(edits, "RECORDS_A_BATCH", 5)
    _, _, cache = built(tmp_path)
    _, base = pickle.loads((cache / "edit-base.pickle").read_bytes())
    _, state = pickle.loads((cache / "pages.pickle").read_bytes())
    assert len(base.records) > 10 and len(base.batches) == -(-len(base.records) // 5)
    for dest, (batch, start, stop) in base.records.items():
        assert record_digest(record_in_batch(base.batches[batch], start, stop, base.packed)) == state["fingerprints"][dest]


@pytest.mark.parametrize("pack_past", [None, 3])
def test_the_edit_base_keeps_page_records_as_they_are_below_the_packing_size_and_packed_past_it(tmp_path, monkeypatch, pack_past):
    from wardsite import edits, model
    from wardsite.cache import read_record

    if pack_past is not None:
        monkeypatch.setattr(model, "PACK_PAST", pack_past)
    monkeypatch.setattr(edits, "RECORDS_A_BATCH", 5)  # the article's page and the lists showing it in several batches
    content, out, cache = built(tmp_path)
    _, base = pickle.loads((cache / "edit-base.pickle").read_bytes())
    batch, start, stop = base.records["phuong/ngoc-thuy/2021/bai-1.html"]
    assert base.packed == (pack_past is not None)
    as_kept = model.unpack(base.batches[batch]) if base.packed else base.batches[batch]
    template, *_ = read_record(as_kept[start:stop], lambda path: path, lambda article, number, organisation: None)
    assert template == "article.html" and (len(as_kept) > len(base.batches[batch])) == base.packed
    folder = out.stat().st_ino
    append(content / "bai-1.md", "\nĐoạn mới ở cuối bài.\n")  # an edit build reads the pages showing it back from their records
    assert build(content, out, Config(), None, cache_dir=cache).ok and out.stat().st_ino == folder
    assert "Đoạn mới ở cuối bài" in (out / "phuong/ngoc-thuy/2021/bai-1.html").read_text(encoding="utf-8")
    assert_as_a_cold_build(content, out, tmp_path / "cold")
