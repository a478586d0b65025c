"""The importer: raw scraped ward articles in, article files out."""

from __future__ import annotations

import time
import unicodedata
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from wardsite.content import BodyRenderer, parse_article, split
from wardsite.importer import import_files, parse_raw
from wardsite.registry import Registry, load_registry
from wardsite.yamltext import parse_yaml

ROOT = Path(__file__).parents[1]
CONTENT = ROOT / "content"
SEEDS = ROOT.parent / "shared" / "seeds"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(scope="module")
def registry():
    reg, errors = load_registry(CONTENT)
    assert errors == []
    return reg


@pytest.fixture(scope="module")
def render():
    """A body's HTML as an article page shows it."""
    renderer = BodyRenderer()
    return lambda body: renderer.utf8(body).decode("utf-8")


def seed(prefix: str) -> str:
    if not SEEDS.is_dir():
        pytest.skip("the raw seed articles (../shared/seeds) are not on this machine")
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def raw(
    body: str = "Sáng ngày 13/5/2021, Đảng ủy phường Đức Giang tổ chức hội nghị.",
    *,
    category: str = "Công tác đảng",
    title: str = "Hội nghị giao ban tháng 5",
    byline: str = "Ngày đăng 13/05/2021 | 14:48  | Lượt xem: 256",
) -> str:
    return f"{category}\n\n{title}\n{byline}\n\n{body}\n"


def tasks_body(items: str, intro: str = "Đồng chí Bí thư kết luận, yêu cầu thực hiện một số nhiệm vụ sau:") -> str:
    return f"Sáng nay Đảng ủy phường Đức Giang họp.\n\n{intro}\n\n{items}"


def front_matter(path: Path) -> dict:
    parts = split(path.read_text(encoding="utf-8"))
    doc, errors = parse_yaml(parts.front_matter, path)
    assert errors == []
    return doc.data


def body_of(path: Path) -> str:
    return split(path.read_text(encoding="utf-8")).body


def write_raw(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path


# ---------------------------------------------------------------------------
# The five seeds, with the values read off the raw articles


@pytest.mark.parametrize(
    "prefix, ward, date, views, category",
    [
        ("000", "Đức Giang", "2021-05-13 14:48:00+07:00", 256, "Tin mới nhất"),
        ("001", "Ngọc Thụy", "2018-02-27 18:00:00+07:00", 749, "Công tác đảng"),
        ("003", "Gia Thụy", "2021-01-19 18:06:00+07:00", 89, "Công tác đảng"),
        ("004", "Phúc Lợi", "2022-01-24 10:15:00+07:00", 75, "Công tác đảng"),
    ],
)
def test_each_seed_gets_its_ward_date_with_time_views_and_category(registry, prefix, ward, date, views, category):
    meta, _, refusal = parse_raw(seed(prefix), registry)
    assert refusal is None
    assert (meta["ward"], meta["date"], meta["views"], meta["category"]) == (ward, date, views, category)


def test_the_front_matter_keys_come_in_the_documented_order(registry):
    meta, _, _ = parse_raw(seed("001"), registry)
    assert list(meta) == ["title", "date", "ward", "category", "tasks", "source", "views"]
    assert meta["title"].startswith("Ban Thường vụ Đảng ủy phường Ngọc Thụy làm việc")


def test_a_seed_that_names_no_ward_is_refused_without_the_ward_option(registry):
    meta, _, refusal = parse_raw(seed("002"), registry)
    assert meta is None
    assert "names no ward" in refusal and "--ward" in refusal


def test_a_seed_that_names_no_ward_takes_the_ward_option(registry):
    meta, _, refusal = parse_raw(seed("002"), registry, ward="Không ghi phường")
    assert refusal is None
    assert meta["ward"] == "Không ghi phường"
    assert meta["date"] == "2021-07-05 17:48:00+07:00"


def test_the_ward_named_in_the_article_wins_over_the_ward_option(registry):
    meta, _, _ = parse_raw(seed("000"), registry, ward="Bồ Đề")
    assert meta["ward"] == "Đức Giang"


@pytest.mark.parametrize("prefix, count", [("000", 5), ("001", 4), ("003", 6), ("004", 4)])
def test_each_item_of_a_task_list_in_a_seed_is_a_task(registry, prefix, count):
    meta, _, _ = parse_raw(seed(prefix), registry)
    assert len(meta["tasks"]) == count


def test_the_seed_with_numbered_parenthesis_items_has_six_tasks(registry):
    meta, body, _ = parse_raw(seed("002"), registry, ward="Không ghi phường")
    assert len(meta["tasks"]) == 6
    assert "\n1. Đề nghị UBND phường" in body and "\n6. Thường xuyên" in body
    assert "1)" not in body


def test_items_addressed_to_organisations_carry_their_assignee(registry):
    meta, _, _ = parse_raw(seed("000"), registry)
    assignees = [t["assignee"] if isinstance(t, dict) else None for t in meta["tasks"]]
    assert assignees == ["MTTQ và các đoàn thể", "MTTQ", "Hội Liên hiệp Phụ nữ", "Hội Cựu chiến binh", "Công đoàn"]
    assert meta["tasks"][2]["text"].startswith("Hội Liên hiệp Phụ nữ phường tập trung xây dựng quy chế")


def test_a_doi_voi_label_is_the_assignee_and_leaves_the_task_text(registry):
    meta, _, _ = parse_raw(seed("004"), registry)
    assert [t["assignee"] for t in meta["tasks"]] == ["MTTQ", "Hội CCB", "Hội LHPN", "Đoàn thanh niên"]
    assert meta["tasks"][0]["text"].startswith("Phát huy tốt hơn nữa vai trò")
    assert meta["tasks"][3]["text"].endswith("xây dựng tổ chức đoàn vững mạnh.")


def test_items_that_start_with_a_verb_have_no_assignee(registry):
    meta, _, _ = parse_raw(seed("001"), registry)
    assert meta["tasks"][1].startswith("Bám sát chỉ tiêu nhiệm vụ")
    assert meta["tasks"][0]["assignee"] == "Mặt trận Tổ quốc và các đoàn thể"
    assert meta["tasks"][3]["assignee"] == "Đảng ủy, Ủy ban nhân dân"


def test_several_organisations_at_the_start_of_an_item_are_all_named(registry):
    meta, _, _ = parse_raw(seed("003"), registry)
    assert meta["tasks"][3] == {
        "text": "UBND, Công an phường, các nhà trường thực hiện nghiêm túc các nội dung về Quy chế dân chủ trong các cơ quan hành chính, sự nghiệp.",
        "assignee": "UBND, Công an, các nhà trường",
    }
    assert isinstance(meta["tasks"][4], str)  # `Thực hiện Hướng dẫn 625 ...` starts with a verb


def test_the_source_line_becomes_source_and_leaves_the_body(registry):
    meta, body, _ = parse_raw(seed("001"), registry)
    assert meta["source"] == "VPĐU"
    assert "Nguồn" not in body


def test_a_photo_caption_stays_a_paragraph_of_its_own(registry):
    _, body, _ = parse_raw(seed("001"), registry)
    assert "\n\nĐ/c Thẩm Bá Phước, BTĐU, Chủ tịch HĐND phường chủ trì hội nghị\n\n" in body


def test_the_website_boilerplate_is_not_part_of_the_body(registry):
    _, body, _ = parse_raw(seed("002"), registry, ward="Không ghi phường")
    for chrome in ("Hiển thị Media", "Tiêu đề", "Thông kê truy cập", "Đang online", "Tổng số truy cập", "6738189"):
        assert chrome not in body
    assert body.rstrip().endswith("chú trọng báo cáo bằng hình ảnh.")


def test_the_category_title_and_byline_are_not_in_the_body(registry):
    _, body, _ = parse_raw(seed("000"), registry)
    assert "tin mới nhất" not in body
    assert "Ngày đăng" not in body and "Lượt xem" not in body
    assert body.startswith("Sáng ngày 13/5/2021 tại phòng họp số 206")


def test_the_seed_lists_render_as_html_lists(registry, render):
    _, body, _ = parse_raw(seed("000"), registry)
    html = render(body)
    assert html.count("<ul>") == 1 and html.count("<li>") == 5
    _, body, _ = parse_raw(seed("003"), registry)
    assert render(body).count("<li>") == 6


def test_importing_the_seeds_reproduces_the_bundled_archive(tmp_path, registry):
    if not SEEDS.is_dir():
        pytest.skip("the raw seed articles (../shared/seeds) are not on this machine")
    seeds = sorted(SEEDS.glob("*.txt"))
    named = [p for p in seeds if not p.name.startswith("002_")]
    written, errors = import_files(named, tmp_path, registry)
    assert errors == []
    more, errors = import_files([p for p in seeds if p.name.startswith("002_")], tmp_path, registry, ward="Không ghi phường")
    assert errors == []
    written += more
    assert len(written) == len(seeds) == 5
    for path in written:
        rel = path.relative_to(tmp_path)
        assert (CONTENT / rel).is_file(), f"{rel} is not in the bundled archive"
        assert path.read_bytes() == (CONTENT / rel).read_bytes(), rel


def test_every_bundled_article_is_accepted_by_the_loader(registry, render):
    articles = sorted(CONTENT.glob("*/*/*.md"))
    assert len(articles) >= 5
    for path in articles:
        rel = path.relative_to(CONTENT)
        article, errors = parse_article(rel, path.read_text(encoding="utf-8"), registry, TZ, BodyRenderer())
        assert errors == [], rel
        assert article.ward == rel.parts[0] and article.year == int(rel.parts[1])
        assert "<!--" not in article.body_html


# ---------------------------------------------------------------------------
# Every field, from variants written here


def test_the_category_is_written_in_sentence_case(registry):
    assert parse_raw(raw(category="CÔNG TÁC ĐẢNG"), registry)[0]["category"] == "Công tác đảng"
    assert parse_raw(raw(category="tin mới nhất"), registry)[0]["category"] == "Tin mới nhất"


def test_a_byline_without_time_gives_a_date_alone(registry):
    meta, _, _ = parse_raw(raw(byline="Ngày đăng 13/05/2021 | Lượt xem: 256"), registry)
    assert meta["date"] == "2021-05-13"
    assert meta["views"] == 256


def test_a_byline_without_a_view_count_gives_no_views(registry):
    meta, _, _ = parse_raw(raw(byline="Ngày đăng 13/05/2021 | 14:48"), registry)
    assert meta["date"] == "2021-05-13 14:48:00+07:00"
    assert "views" not in meta


def test_a_view_count_with_a_thousands_dot_is_one_number(registry):
    meta, _, _ = parse_raw(raw(byline="Ngày đăng 13/05/2021 | 14:48 | Lượt xem: 1.204"), registry)
    assert meta["views"] == 1204


def test_view_count_in_english_is_read_too(registry):
    meta, _, _ = parse_raw(raw(byline="Ngày đăng 02/03/2020 | 07:05 | View count: 37"), registry)
    assert (meta["date"], meta["views"]) == ("2020-03-02 07:05:00+07:00", 37)


def test_the_byline_is_read_whatever_its_spacing(registry):
    meta, _, _ = parse_raw(raw(byline="Ngày đăng\u00a0 13/05/2021\u00a0|\u00a0\u00a014:48\u00a0 |Lượt xem:256"), registry)
    assert (meta["date"], meta["views"]) == ("2021-05-13 14:48:00+07:00", 256)


def test_a_ward_in_the_title_is_preferred_to_one_in_the_body(registry):
    text = raw("Đoàn công tác phường Bồ Đề đến thăm.", title="Đảng ủy phường Việt Hưng họp")
    assert parse_raw(text, registry)[0]["ward"] == "Việt Hưng"


def test_the_first_ward_named_in_the_body_is_the_ward(registry):
    text = raw("Sáng nay, UBND Phường Thạch Bàn và đoàn phường Cự Khối họp.")
    assert parse_raw(text, registry)[0]["ward"] == "Thạch Bàn"


def test_a_ward_spelled_with_the_new_tone_mark_is_the_registry_ward(registry):
    text = raw("Đảng ủy phường Ngọc Thuỵ tổ chức hội nghị.")
    assert parse_raw(text, registry)[0]["ward"] == "Ngọc Thụy"


def test_an_open_registry_takes_the_capitalised_words_after_phuong():
    meta, _, _ = parse_raw(raw("Sáng nay, Đảng ủy phường Hồng Hà, quận Hoàn Kiếm họp."), Registry())
    assert meta["ward"] == "Hồng Hà"


def test_a_ward_given_by_name_is_written_as_the_registry_spells_it(registry):
    meta, _, _ = parse_raw(raw("Hội nghị đã diễn ra."), registry, ward="gia thuỵ")
    assert meta["ward"] == "Gia Thụy"


def test_a_source_without_brackets_is_read_too(registry):
    meta, body, _ = parse_raw(raw("Đảng ủy phường Đức Giang họp.\n\nNguồn: Báo Hà Nội Mới"), registry)
    assert meta["source"] == "Báo Hà Nội Mới"
    assert "Nguồn" not in body


def test_an_article_without_a_source_line_has_no_source_key(registry):
    assert "source" not in parse_raw(raw(), registry)[0]


# ---------------------------------------------------------------------------
# Messy input


def test_crlf_and_a_bom_give_the_same_file_as_clean_input(tmp_path, registry):
    clean = raw(tasks_body("- MTTQ thực hiện tốt.\n- Công đoàn tuyên truyền."))
    messy = b"\xef\xbb\xbf" + clean.replace("\n", "\r\n").encode("utf-8")
    [a], _ = import_files([write_raw(tmp_path / "a", "x.txt", clean)], tmp_path / "out-a", registry)
    [b], _ = import_files([write_raw(tmp_path / "b", "x.txt", messy)], tmp_path / "out-b", registry)
    assert a.read_bytes() == b.read_bytes()
    assert b"\r" not in b.read_bytes() and not b.read_bytes().startswith(b"\xef\xbb\xbf")


def test_decomposed_unicode_is_written_composed(tmp_path, registry):
    text = unicodedata.normalize("NFD", raw(title="Hội nghị phường Ngọc Thụy"))
    [path], errors = import_files([write_raw(tmp_path, "nfd.txt", text)], tmp_path / "out", registry)
    assert errors == []
    written = path.read_text(encoding="utf-8")
    assert written == unicodedata.normalize("NFC", written)
    assert front_matter(path)["ward"] == "Ngọc Thụy"
    assert "Hội nghị phường Ngọc Thụy" in written


def test_runs_of_spaces_are_one_space(registry):
    meta, body, _ = parse_raw(raw("Đảng ủy   phường\u00a0\u00a0Đức Giang    họp.", title="Giao   ban  tháng 5"), registry)
    assert meta["title"] == "Giao ban tháng 5"
    assert body == "Đảng ủy phường Đức Giang họp."


# ---------------------------------------------------------------------------
# Task lists


def test_plus_markers_become_a_markdown_bullet_list(registry, render):
    meta, body, _ = parse_raw(raw(tasks_body("+ MTTQ thực hiện tốt việc A.\n+ Tập trung tuyên truyền B.")), registry)
    assert "- MTTQ thực hiện tốt việc A.\n- Tập trung tuyên truyền B." in body
    assert meta["tasks"] == [{"text": "MTTQ thực hiện tốt việc A.", "assignee": "MTTQ"}, "Tập trung tuyên truyền B."]
    assert render(body).count("<li>") == 2


def test_bullet_dots_are_list_markers_too(registry):
    meta, body, _ = parse_raw(raw(tasks_body("• Hội Nông dân vận động hội viên.\n• Rà soát hộ nghèo.")), registry)
    assert "- Hội Nông dân vận động hội viên." in body
    assert meta["tasks"][0]["assignee"] == "Hội Nông dân"


def test_lettered_items_become_a_numbered_markdown_list(registry, render):
    items = "a) Đoàn thanh niên tổ chức ra quân.\nb) Hội Phụ nữ phường vận động hội viên.\nc) Rà soát các hộ khó khăn."
    meta, body, _ = parse_raw(raw(tasks_body(items)), registry)
    assert "1. Đoàn thanh niên tổ chức ra quân.\n2. Hội Phụ nữ phường vận động hội viên.\n3. Rà soát" in body
    assert [t["assignee"] if isinstance(t, dict) else None for t in meta["tasks"]] == ["Đoàn thanh niên", "Hội Phụ nữ", None]
    html = render(body)
    assert html.count("<ol>") == 1 and html.count("<li>") == 3


def test_an_item_that_wraps_over_lines_is_one_task(registry):
    items = "1. Công đoàn phường tuyên truyền\ncho đoàn viên tham gia\nphòng chống dịch.\n2. Kiểm tra định kỳ."
    meta, body, _ = parse_raw(raw(tasks_body(items)), registry)
    assert meta["tasks"][0] == {"text": "Công đoàn phường tuyên truyền cho đoàn viên tham gia phòng chống dịch.", "assignee": "Công đoàn"}
    assert len(meta["tasks"]) == 2
    assert "1. Công đoàn phường tuyên truyền cho đoàn viên tham gia phòng chống dịch.\n2. Kiểm tra định kỳ." in body


def test_items_separated_by_blank_lines_are_one_list(registry, render):
    meta, body, _ = parse_raw(raw(tasks_body("- Việc một.\n\n- Việc hai.\n\n\n- Việc ba.")), registry)
    assert meta["tasks"] == ["Việc một.", "Việc hai.", "Việc ba."]
    assert render(body).count("<ul>") == 1


def test_tasks_come_from_every_task_list_of_an_article(registry):
    body = tasks_body(
        "- MTTQ giám sát bầu cử.\n- Công đoàn tuyên truyền.\n\n"
        "Đồng chí cũng đề nghị các đơn vị như sau:\n\n1) UBND phường chỉ đạo GPMB.\n2) Kiểm tra VSMT."
    )
    meta, md, _ = parse_raw(raw(body), registry)
    assert [t["text"] if isinstance(t, dict) else t for t in meta["tasks"]] == [
        "MTTQ giám sát bầu cử.", "Công đoàn tuyên truyền.", "UBND phường chỉ đạo GPMB.", "Kiểm tra VSMT."
    ]
    assert "1. UBND phường chỉ đạo GPMB.\n2. Kiểm tra VSMT." in md


def test_a_list_not_introduced_as_tasks_gives_no_tasks(registry):
    body = "Đảng ủy phường Đức Giang họp. Dự hội nghị có:\n\n- Đồng chí Bí thư Đảng ủy;\n- Chủ tịch UBMTTQ phường."
    meta, md, _ = parse_raw(raw(body), registry)
    assert meta["tasks"] == []
    assert "- Đồng chí Bí thư Đảng ủy;\n- Chủ tịch UBMTTQ phường." in md


def test_an_item_with_a_sub_list_passes_its_assignee_to_the_sub_items(registry, render):
    items = "1. Đối với Hội CCB phường:\n- Tổ chức Đại hội.\n- Báo cáo kịp thời.\n2. Đối với Công đoàn: Tuyên truyền."
    meta, body, _ = parse_raw(raw(tasks_body(items)), registry)
    assert meta["tasks"] == [
        {"text": "Tổ chức Đại hội.", "assignee": "Hội CCB"},
        {"text": "Báo cáo kịp thời.", "assignee": "Hội CCB"},
        {"text": "Tuyên truyền.", "assignee": "Công đoàn"},
    ]
    assert "1. Đối với Hội CCB phường:\n    - Tổ chức Đại hội.\n    - Báo cáo kịp thời.\n2. Đối với" in body
    html = render(body)
    assert html.count("<ol>") == 1 and html.count("<ul>") == 1


def test_a_label_item_followed_by_a_paragraph_takes_the_paragraph(registry, render):
    items = "1. Đối với MTTQ phường:\n\nPhát huy vai trò giám sát.\n\n2. Đối với Hội CCB phường:\n\nTổ chức Đại hội."
    meta, body, _ = parse_raw(raw(tasks_body(items)), registry)
    assert meta["tasks"] == [
        {"text": "Phát huy vai trò giám sát.", "assignee": "MTTQ"},
        {"text": "Tổ chức Đại hội.", "assignee": "Hội CCB"},
    ]
    assert "1. Đối với MTTQ phường: Phát huy vai trò giám sát.\n2. Đối với Hội CCB phường: Tổ chức Đại hội." in body
    assert render(body).count("<li>") == 2


@pytest.mark.parametrize(
    "item, assignee, text",
    [
        ("Giao MTTQ và các đoàn thể tuyên truyền.", "MTTQ và các đoàn thể", "Giao MTTQ và các đoàn thể tuyên truyền."),
        ("Đối với Hội CCB phường: Tập trung tổ chức Đại hội.", "Hội CCB", "Tập trung tổ chức Đại hội."),
        ("Hội Liên hiệp Phụ nữ phường tập trung xây dựng quy chế.", "Hội Liên hiệp Phụ nữ", "Hội Liên hiệp Phụ nữ phường tập trung xây dựng quy chế."),
        ("Đề nghị UBND phường Đức Giang chỉ đạo GPMB.", "UBND", "Đề nghị UBND phường Đức Giang chỉ đạo GPMB."),
        ("UBND quận hỗ trợ kinh phí.", "UBND quận", "UBND quận hỗ trợ kinh phí."),
        ("Đoàn TN, Hội NCT phường ra quân.", "Đoàn TN, Hội NCT", "Đoàn TN, Hội NCT phường ra quân."),
        ("Văn phòng Đảng uỷ phường tham mưu.", "Văn phòng Đảng uỷ", "Văn phòng Đảng uỷ phường tham mưu."),
        ("Tập trung tuyên truyền nhân dân.", None, "Tập trung tuyên truyền nhân dân."),
        ("Đối với công tác GPMB: Hoàn thành trong quý II.", None, "Đối với công tác GPMB: Hoàn thành trong quý II."),
        ("Dư luận xã hội cần được nắm bắt.", None, "Dư luận xã hội cần được nắm bắt."),
    ],
)
def test_the_assignee_rule(registry, item, assignee, text):
    meta, _, _ = parse_raw(raw(tasks_body(f"- {item}")), registry)
    [task] = meta["tasks"]
    assert task == ({"text": text, "assignee": assignee} if assignee else text)


# ---------------------------------------------------------------------------
# Markdown that shows what the article says


def test_a_paragraph_that_looks_like_markdown_is_escaped(registry, render):
    body = "Đảng ủy phường Đức Giang họp.\n\n#chuyendoiso là khẩu hiệu.\n\n> trích dẫn\n\nCó *5* đơn vị và <b>HTML</b>."
    _, md, _ = parse_raw(raw(body), registry)
    html = render(md)
    assert "<h1>" not in html and "<blockquote>" not in html and "<em>" not in html and "<b>" not in html
    assert "<p>#chuyendoiso là khẩu hiệu.</p>" in html
    assert "<p>Có *5* đơn vị và &lt;b&gt;HTML&lt;/b&gt;.</p>" in html


def test_a_paragraph_starting_with_a_star_is_not_a_list_or_emphasis(registry, render):
    _, md, _ = parse_raw(raw("Đảng ủy phường Đức Giang họp.\n\n*Ghi chú: ảnh do VPĐU cung cấp*"), registry)
    assert "<p>*Ghi chú: ảnh do VPĐU cung cấp*</p>" in render(md)


def test_a_hyphen_glued_to_a_capital_is_still_a_list_item(registry):
    meta, md, _ = parse_raw(raw(tasks_body("-Giao MTTQ giám sát.\n-Tập trung tuyên truyền.")), registry)
    assert "- Giao MTTQ giám sát.\n- Tập trung tuyên truyền." in md
    assert meta["tasks"][0]["assignee"] == "MTTQ"


def test_a_number_with_a_dot_at_the_start_of_a_paragraph_stays_text(registry, render):
    _, md, _ = parse_raw(raw("Đảng ủy phường Đức Giang họp.\n\n1.204 người đã tham gia."), registry)
    assert "<p>1.204 người đã tham gia.</p>" in render(md)


def test_the_official_end_mark_is_dropped(registry):
    meta, md, _ = parse_raw(raw(tasks_body("- Công đoàn xây dựng tổ chức vững mạnh./.")), registry)
    assert meta["tasks"][0]["text"] == "Công đoàn xây dựng tổ chức vững mạnh."
    assert md.endswith("vững mạnh.")


# ---------------------------------------------------------------------------
# Refusals


def test_refusals_are_reported_and_the_other_files_are_still_imported(tmp_path, registry):
    good = write_raw(tmp_path, "good.txt", raw())
    cases = {
        "empty.txt": (b"  \n\n", "empty"),
        "latin1.txt": (raw().encode("cp1258", errors="replace"), "not UTF-8"),
        "nodate.txt": (b"C\xc3\xb4ng t\xc3\xa1c\n\nTi\xc3\xaau \xc4\x91\xe1\xbb\x81\n\nN\xe1\xbb\x99i dung.", "no date line"),
        "feb31.txt": (raw(byline="Ngày đăng 31/02/2021 | 10:00").encode(), "31/02/2021 in `Ngày đăng 31/02/2021 | 10:00` does not exist"),
        "noward.txt": (raw("Hội nghị đã diễn ra tốt đẹp.").encode(), "names no ward"),
    }
    paths = [write_raw(tmp_path, name, data) for name, (data, _) in cases.items()]
    written, errors = import_files([*paths, good], tmp_path / "out", registry)
    assert written == [tmp_path / "out" / "duc-giang" / "2021" / "hoi-nghi-giao-ban-thang-5.md"]
    by_file = {e.path.name: e for e in errors}
    assert set(by_file) == set(cases)
    for name, (_, words) in cases.items():
        assert words in by_file[name].message, name
        assert by_file[name].line is None
    assert [p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*.md")] == [written[0].relative_to(tmp_path / "out")]


def test_an_unknown_ward_option_is_an_error_naming_the_nearest_ward(tmp_path, registry):
    path = write_raw(tmp_path, "a.txt", raw("Hội nghị đã diễn ra."))
    written, errors = import_files([path], tmp_path / "out", registry, ward="Duc Gian")
    assert written == []
    [error] = errors
    assert "Duc Gian" in error.message and "Đức Giang" in error.message
    assert not (tmp_path / "out").exists()


def test_a_ward_the_registry_does_not_list_is_named_in_the_refusal(registry):
    meta, _, refusal = parse_raw(raw("Đảng ủy phường Hồng Hà tổ chức hội nghị."), registry)
    assert meta is None
    assert "phường Hồng Hà" in refusal and "wards.yaml" in refusal
    assert parse_raw(raw("Đảng ủy phường Hồng Hà tổ chức hội nghị."), registry, ward="Bồ Đề")[0]["ward"] == "Bồ Đề"


def test_a_missing_title_is_refused(registry):
    meta, _, refusal = parse_raw("Công tác đảng\nNgày đăng 13/05/2021\n\nNội dung.", registry)
    assert meta is None and "title" in refusal


# ---------------------------------------------------------------------------
# Running the import again


def test_importing_the_same_raw_file_twice_rewrites_nothing(tmp_path, registry):
    source = write_raw(tmp_path, "a.txt", raw(tasks_body("- MTTQ thực hiện tốt.")))
    [path], errors = import_files([source], tmp_path / "out", registry)
    assert errors == []
    before, stamp = path.read_bytes(), path.stat().st_mtime_ns
    time.sleep(0.01)
    written, errors = import_files([source], tmp_path / "out", registry)
    assert (written, errors) == ([], [])
    assert path.read_bytes() == before and path.stat().st_mtime_ns == stamp
    assert list((tmp_path / "out").rglob("*.md")) == [path]


def test_a_file_an_editor_changed_is_not_overwritten(tmp_path, registry):
    source = write_raw(tmp_path, "a.txt", raw())
    [path], _ = import_files([source], tmp_path / "out", registry)
    edited = path.read_text(encoding="utf-8").replace("category: Công tác đảng", "category: Tin tức")
    path.write_text(edited, encoding="utf-8")
    written, errors = import_files([source], tmp_path / "out", registry)
    assert written == []
    [error] = errors
    assert error.path == source and "edited" in error.message and "--force" in error.message
    assert path.read_text(encoding="utf-8") == edited
    assert list((tmp_path / "out").rglob("*.md")) == [path]


def test_a_file_rewritten_by_hand_with_the_same_title_and_date_is_not_overwritten(tmp_path, registry):
    source = write_raw(tmp_path, "a.txt", raw())
    [path], _ = import_files([source], tmp_path / "out", registry)
    by_hand = "---\ntitle: Hội nghị giao ban tháng 5\ndate: 2021-05-13 14:48:00+07:00\nward: Đức Giang\ncategory: Tin\n---\nViết lại.\n"
    path.write_text(by_hand, encoding="utf-8")
    written, errors = import_files([source], tmp_path / "out", registry)
    assert written == [] and len(errors) == 1
    assert path.read_text(encoding="utf-8") == by_hand


def test_force_overwrites_an_edited_file(tmp_path, registry):
    source = write_raw(tmp_path, "a.txt", raw())
    [path], _ = import_files([source], tmp_path / "out", registry)
    original = path.read_bytes()
    path.write_text(path.read_text(encoding="utf-8") + "\nGhi chú của biên tập viên.\n", encoding="utf-8")
    written, errors = import_files([source], tmp_path / "out", registry, force=True)
    assert (written, errors) == ([path], [])
    assert path.read_bytes() == original


def test_another_article_with_the_same_title_gets_a_numbered_path(tmp_path, registry):
    first = write_raw(tmp_path, "a.txt", raw("Đảng ủy phường Đức Giang họp lần một."))
    second = write_raw(tmp_path, "b.txt", raw("Đảng ủy phường Đức Giang họp lần hai."))
    third = write_raw(tmp_path, "c.txt", raw("Đảng ủy phường Đức Giang họp lần ba."))
    [a], _ = import_files([first], tmp_path / "out", registry)
    [b], errors = import_files([second], tmp_path / "out", registry)
    assert errors == []
    [c], _ = import_files([third], tmp_path / "out", registry)
    assert (a.name, b.name, c.name) == ("hoi-nghi-giao-ban-thang-5.md", "hoi-nghi-giao-ban-thang-5-2.md", "hoi-nghi-giao-ban-thang-5-3.md")
    assert "lần một" in body_of(a) and "lần hai" in body_of(b) and "lần ba" in body_of(c)
    assert import_files([first, second, third], tmp_path / "out", registry) == ([], [])


def test_a_hand_written_article_at_the_path_is_never_overwritten(tmp_path, registry):
    target = tmp_path / "out" / "duc-giang" / "2021" / "hoi-nghi-giao-ban-thang-5.md"
    target.parent.mkdir(parents=True)
    own = "---\ntitle: Hội nghị giao ban tháng 5\ndate: 2021-05-01\nward: Đức Giang\ncategory: Tin\n---\nBài khác.\n"
    target.write_text(own, encoding="utf-8")
    [path], errors = import_files([write_raw(tmp_path, "a.txt", raw())], tmp_path / "out", registry, force=True)
    assert errors == [] and path.name == "hoi-nghi-giao-ban-thang-5-2.md"
    assert target.read_text(encoding="utf-8") == own


def test_two_raw_files_for_one_path_in_one_run_get_distinct_paths_in_name_order(tmp_path, registry):
    one = write_raw(tmp_path, "1.txt", raw("Đảng ủy phường Đức Giang họp lần một."))
    two = write_raw(tmp_path, "2.txt", raw("Đảng ủy phường Đức Giang họp lần hai."))
    written, errors = import_files([two, one], tmp_path / "out-a", registry)
    assert errors == []
    assert [p.name for p in written] == ["hoi-nghi-giao-ban-thang-5.md", "hoi-nghi-giao-ban-thang-5-2.md"]
    assert "lần một" in body_of(written[0])
    again, _ = import_files([one, two], tmp_path / "out-b", registry)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in written]


def test_the_file_goes_to_ward_year_and_title_slug(tmp_path, registry):
    text = raw(title="Thường trực Đảng ủy phường Phúc Lợi làm việc với MTTQ và các đoàn thể CTXH phường về nhiệm vụ năm 2022")
    [path], _ = import_files([write_raw(tmp_path, "a.txt", text)], tmp_path / "out", registry)
    rel = path.relative_to(tmp_path / "out")
    assert rel.parts[:2] == ("phuc-loi", "2021")
    assert rel.name == "thuong-truc-dang-uy-phuong-phuc-loi-lam-viec-voi-mttq-va-cac-doan-the-ctxh.md"
    assert len(rel.stem) <= 80


def test_an_imported_file_is_accepted_by_the_loader(tmp_path, registry, render):
    text = raw(tasks_body("1) Đối với MTTQ phường: Giám sát.\n2) Tập trung tuyên truyền."), byline="Ngày đăng 13/05/2021 | Lượt xem: 1.204")
    [path], _ = import_files([write_raw(tmp_path, "a.txt", text)], tmp_path / "out", registry)
    article, errors = parse_article(path.relative_to(tmp_path / "out"), path.read_text(encoding="utf-8"), registry, TZ, BodyRenderer())
    assert errors == []
    assert (article.views, article.has_time, len(article.tasks)) == (1204, False, 2)
    assert article.tasks[0].assignee == "MTTQ" and article.tasks[1].assignee is None


# ---------------------------------------------------------------------------
# Bounded work


def test_huge_input_does_not_hang(registry):
    started = time.monotonic()
    line = "- " + "phường " * 20_000 + "Đối với " * 20_000
    junk = raw("Đảng ủy phường Đức Giang họp như sau:\n\n" + "\n".join([line] * 20) + "\n" + " |" * 200_000)
    meta, _, refusal = parse_raw(junk, registry)
    assert refusal is None and meta["ward"] == "Đức Giang"
    wrapped = raw("Đảng ủy phường Đức Giang họp như sau:\n\n- Giao MTTQ\n" + "tiếp tục tuyên truyền vận động\n" * 100_000)
    meta, _, _ = parse_raw(wrapped, registry)
    assert len(meta["tasks"]) == 1 and meta["tasks"][0]["assignee"] == "MTTQ"
    assert time.monotonic() - started < 20
