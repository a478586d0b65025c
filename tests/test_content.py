import dataclasses
import pickle
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import cmarkgfm
import nh3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wardsite.content import _MARKDOWN_EXTENSIONS, _MARKDOWN_OPTIONS, BodyRenderer, decode, first_paragraph, parse_article, split
from wardsite.model import Article, Ref
from wardsite.registry import parse_registry

from conftest import WARDS_YAML, article

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
REGISTRY, _ = parse_registry(WARDS_YAML, Path("wards.yaml"))
RENDER = BodyRenderer()


def load(text, registry=REGISTRY):
    return parse_article(Path("duc-giang/2021/bai.md"), text, registry, TZ, RENDER)


def messages(text):
    article_, errors = load(text)
    assert article_ is None
    return [(e.line, e.message) for e in errors]


def test_a_valid_article_loads_with_all_its_fields():
    text = article(extra="tasks:\n  - text: Tuyên truyền\n    assignee: MTTQ\n  - Giám sát\nsource: VPĐU\nviews: 256\n", body="Đoạn một.\n\n- Một\n- Hai\n")
    a, errors = load(text)
    assert errors == []
    assert a.title == "Giao ban tháng 5" and a.ward == "duc-giang" and a.ward_name == "Đức Giang"
    assert a.date.isoformat() == "2021-05-13T14:48:00+07:00" and a.has_time
    assert a.category.slug == "cong-tac-dang"
    assert [(t.text, t.assignee) for t in a.tasks] == [("Tuyên truyền", "MTTQ"), ("Giám sát", None)]
    assert a.source == "VPĐU" and a.views == 256
    assert "<li>Một</li>" in a.body_html and a.summary == "Đoạn một."


def test_an_article_comes_back_from_pickling_field_for_field():
    # Articles travel pickled from the processes that parse them, and to and from the cache.
    text = article(extra="tasks:\n  - text: Tuyên truyền\n    assignee: MTTQ\n  - Giám sát\nviews: 256\n", body="Xem [biên bản](bb.pdf).\n")
    a, _ = load(text)
    a = dataclasses.replace(a, digest="abc")
    back = pickle.loads(pickle.dumps(a, protocol=pickle.HIGHEST_PROTOCOL))
    assert type(back) is Article and back == a and back.digest == "abc" and back.body_html == a.body_html
    assert [(t.text, t.assignee, t.line) for t in back.tasks] == [("Tuyên truyền", "MTTQ", 7), ("Giám sát", None, 9)]
    assert back.refs == a.refs == (Ref("bb.pdf", 12),) and back.refs[0].line == 12
    assert back.date == a.date and back.date.tzinfo == a.date.tzinfo and back.category == a.category


def test_a_date_without_time_is_midnight_in_vietnam():
    a, _ = load(article(date="2021-05-13"))
    assert a.date.isoformat() == "2021-05-13T00:00:00+07:00" and not a.has_time


def test_a_date_in_another_offset_is_shown_in_vietnam_time():
    a, _ = load(article(date="2021-05-13T07:48:00Z"))
    assert a.date.isoformat() == "2021-05-13T14:48:00+07:00"


def test_an_impossible_date_says_so_on_its_line():
    assert messages(article(date="2021-02-31")) == [(3, "the date 2021-02-31 does not exist; write the date as YYYY-MM-DD or YYYY-MM-DD HH:MM, e.g. 2021-05-13 14:48")]


def test_a_ward_spelled_with_the_new_tone_mark_is_the_registry_ward():
    a, _ = load(article(ward="Ngọc Thuỵ"))
    assert a.ward == "ngoc-thuy" and a.ward_name == "Ngọc Thụy"


def test_an_unknown_ward_suggests_the_nearest_name():
    [(line, message)] = messages(article(ward="Đức Gianq"))
    assert line == 4 and "unknown ward `Đức Gianq`" in message and "Đức Giang" in message


def test_every_problem_of_a_file_is_reported_at_once():
    text = "---\ntitle: [1, 2]\ndate: hôm qua\nward: Nowhere\ntasks: một việc\nextra: 1\n---\nbody\n"
    found = messages(text)
    lines = sorted(line for line, _ in found)
    assert lines == [2, 2, 3, 4, 5, 6]
    assert any("`category:` is missing" in m for _, m in found)
    assert any("unknown key `extra`" in m for _, m in found)
    assert any("`tasks` must be a list" in m for _, m in found)


def test_unparsable_yaml_gives_the_line_of_the_problem():
    [(line, message)] = messages("---\ntitle: a\ndate: 2021-01-01\nward: 'Đức Giang\ncategory: x\n---\n")
    assert line >= 4 and "YAML is not valid" in message


def test_a_missing_closing_fence_is_explained():
    [(line, message)] = messages("---\ntitle: a\n")
    assert line == 1 and "did you forget the `---`" in message


def test_a_file_without_front_matter_is_explained():
    [(line, message)] = messages("Chỉ có nội dung.\n")
    assert "must start with a front matter block" in message


def test_front_matter_that_is_a_list_is_an_error_not_a_crash():
    [(line, message)] = messages("---\n- a\n- b\n---\n")
    assert "key: value" in message


def test_a_bad_task_item_points_at_its_line():
    text = article(extra="tasks:\n  - Một\n  - {text: Hai, owner: MTTQ}\n")
    [(line, message)] = messages(text)
    assert line == 8 and "owner" in message


def test_yaml_aliases_are_refused():
    text = article(extra="tasks: &a [x, *a]\n".replace("*a", "b"))
    assert load(text)[1] == []
    bomb = "---\na: &a [x, x]\nb: &b [*a, *a]\ntitle: t\n---\n"
    [(_, message)] = messages(bomb)
    assert "anchors and aliases" in message


def test_raw_html_is_sanitised_by_default():
    a, _ = load(article(body='Hi <script>alert(1)</script><a href="javascript:alert(2)" onclick="x()">link</a><iframe src="x"></iframe>'))
    assert "<script" not in a.body_html and "javascript:" not in a.body_html
    assert "onclick" not in a.body_html and "<iframe" not in a.body_html


def test_the_body_is_githubs_markdown_as_the_editors_guide_describes_it():
    body = (
        "## Kết quả\n\n**Đậm** và *nghiêng*, ~~bỏ~~, xem www.longbien.gov.vn và biên bản.[^1]\n\n"
        "- Một\n- Hai\n\n1. Thứ nhất\n2. Thứ hai\n\n"
        "| Tổ chức | Nhiệm vụ |\n|---|---|\n| Đoàn Thanh niên | Ra quân |\n\n[^1]: Theo biên bản.\n"
    )
    html = RENDER.utf8(body).decode()
    assert "<h2>Kết quả</h2>" in html and "<strong>Đậm</strong>" in html and "<em>nghiêng</em>" in html
    assert "<del>bỏ</del>" in html and 'href="http://www.longbien.gov.vn"' in html
    assert "<ul>\n<li>Một</li>" in html and "<ol>\n<li>Thứ nhất</li>" in html
    assert "<th>Tổ chức</th>" in html and "<td>Đoàn Thanh niên</td>" in html
    assert 'href="#fn-1"' in html and "Theo biên bản." in html


def test_trusted_html_keeps_raw_html():
    a, _ = parse_article(Path("a.md"), article(body='<div class="x">kept</div>'), REGISTRY, TZ, BodyRenderer(trusted_html=True))
    assert '<div class="x">kept</div>' in a.body_html


@pytest.mark.parametrize("raw, message", [
    (b"", "empty"),
    (b"  \n", "empty"),
    (b"\x00\x01binary", "not a text file"),
    ("---\ntitle: Đức\n".encode("cp1258", errors="replace") + b"\xff", "not UTF-8"),
])
def test_unreadable_bytes_are_explained(raw, message):
    with pytest.raises(ValueError, match=message):
        decode(raw)


@pytest.mark.parametrize("start", [b"", b"\xef\xbb\xbf"])
def test_a_byte_that_is_not_utf8_is_named_by_its_place_in_the_file(start):
    raw = start + "---\ntitle: Đức\n".encode("utf-8") + b"\xff"
    with pytest.raises(ValueError, match=f"byte {len(raw) - 1} cannot be read"):
        decode(raw)


def test_a_file_of_blanks_or_a_mark_alone_is_not_an_article():
    with pytest.raises(ValueError, match="empty"):
        decode(b" \t\r\n\x0b\x0c")
    assert decode(b"\xef\xbb\xbf") == ""  # then split says the front matter is missing


def test_bom_crlf_and_nfd_are_read_as_plain_nfc_text():
    import unicodedata

    raw = "\ufeff---\r\ntitle: Đức Giang\r\n---\r\n".encode("utf-8")
    text = decode(unicodedata.normalize("NFD", raw.decode("utf-8")).encode("utf-8"))
    assert text == "---\ntitle: Đức Giang\n---\n"


def test_split_reports_where_the_body_starts():
    parts = split("---\na: 1\nb: 2\n---\nbody\n")
    assert parts.front_matter == "a: 1\nb: 2\n" and parts.body == "body\n" and parts.body_line == 5


HTML_BITS = [
    "<p>", "</p>", "<P>", "<br/>", "<div class=\"x\">", "</div>", '<a href="javascript:alert(1)" onclick="x()">', "</a>",
    '<a href="bai.md" rel="nofollow" target="_blank">', '<img src="anh/a.jpg" alt="Ảnh">', "<script>alert(1)</script>",
    "<style>p{}</style>", "<iframe src=x>", "<!-- c -->", "<![CDATA[x]]>", "<table><tr><td>1", "</td></tr></table>",
    "<b><i>", "</b>", "&amp;", "&nbsp;", "&bogus;", "&", "<", ">", "\n", " ", "Đức Giang", "<svg><path d=x/></svg>",
]
HTMLISH = st.lists(st.sampled_from(HTML_BITS) | st.text(alphabet="aĐứ <>&;/=\"'\n", max_size=6), max_size=20).map("".join)


@settings(max_examples=300, deadline=None)
@given(HTMLISH)
def test_the_kept_sanitiser_cleans_as_nh3_clean_does(html):
    assert BodyRenderer()._cleaner.clean(html) == nh3.clean(html, link_rel="noopener noreferrer")


MARKDOWNISH = st.lists(
    st.sampled_from(["*", "**", "_", "\"", "&", "&quot;", "&nbsp;", "&amp;", ">", "<", "<em>", "</p>", "\xa0", "\n", "\n\n", " ", "#", "- ", "1. ", "`",
                     "\\", "'", "Đức Giang", "[a](b.md)", "https://x.vn", "~~", "|", "\t", "\x00", "\u2028"])
    | st.text(alphabet="aĐứ *_\"&>\n\xa0", max_size=6),
    max_size=30,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(MARKDOWNISH)
def test_a_body_is_made_as_nh3_makes_it_from_the_converters_html_whether_or_not_nh3_is_asked(body):
    produced = cmarkgfm.markdown_to_html_with_extensions(body, options=_MARKDOWN_OPTIONS, extensions=_MARKDOWN_EXTENSIONS).rstrip("\n")
    assert RENDER.utf8(body).decode() == nh3.clean(produced, link_rel="noopener noreferrer")


def test_plain_paragraphs_with_quotes_and_no_break_spaces_come_out_as_nh3_writes_them():
    body = 'Chủ tịch nói: "Tiếp tục"\xa0&\xa0*làm tốt* **hơn** > 5\n\nĐoạn hai'
    assert RENDER.utf8(body).decode() == '<p>Chủ tịch nói: "Tiếp tục"&nbsp;&amp;&nbsp;<em>làm tốt</em> <strong>hơn</strong> &gt; 5</p>\n<p>Đoạn hai</p>'


@given(HTMLISH)
def test_the_first_paragraph_is_the_shortest_run_from_the_first_p_to_a_closing_p(html):
    m = re.search(r"<p>(.*?)</p>", html, re.S)
    assert first_paragraph(html.encode("utf-8")) == (m.group(1) if m else html)
