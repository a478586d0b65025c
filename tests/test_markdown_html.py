"""Markdown to HTML through cmark-gfm: the converter's own output, and nothing left behind."""

import sys

import cmarkgfm
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wardsite.content import _MARKDOWN_EXTENSIONS, _MARKDOWN_OPTIONS
from wardsite import markdown_html
from wardsite.markdown_html import to_html_utf8


def to_html(text, options, extensions):
    """The converter's HTML as text, as cmarkgfm's own function gives it."""
    return to_html_utf8(text, options, extensions).decode("utf-8")


GITHUB_MARKDOWN = st.lists(
    st.sampled_from([
        "*", "**", "_", "~~", "`", "\\", "#", "- ", "1. ", "> ", "\n", "\n\n", " ", "|", "| a | b |\n|---|---|\n| 1 | 2 |\n",
        "[^1]", "[^1]: chú thích\n", "https://dantri.vn/bai", "www.x.vn", "[a](b.md)", "![ảnh](anh.jpg)", "<em>", "</p>", "&amp;", "&nbsp;",
        "Đức Giang", "Ngọc Thuỵ", "\xa0", "\t", "\x00", "\u2028", "```\ncode\n```\n",
    ]) | st.text(alphabet="aĐứ *_~|\"&>\n\xa0", max_size=6),
    max_size=30,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(GITHUB_MARKDOWN)
def test_a_body_converts_to_what_cmarkgfm_itself_gives(body):
    expected = cmarkgfm.markdown_to_html_with_extensions(body, options=_MARKDOWN_OPTIONS, extensions=list(_MARKDOWN_EXTENSIONS))
    assert to_html(body, _MARKDOWN_OPTIONS, _MARKDOWN_EXTENSIONS) == expected


def _resident_kib() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process's memory from /proc")
def test_converting_thousands_of_articles_leaves_the_process_no_bigger():
    body = "\n\n".join(
        f"Đảng ủy phường Đức Giang giao ban tháng {n}: **Mặt trận Tổ quốc** và _các đoàn thể_ triển khai [nhiệm vụ](../2021/bai-{n}.md) "
        f"theo https://ducgiang.longbien.hanoi.gov.vn, bảng | a | b |.\n\n| Tổ chức | Việc |\n|---|---|\n| Hội Phụ nữ | ~~cũ~~ mới |"
        for n in range(12)
    )  # some 3 KB, as an article
    to_html(body, _MARKDOWN_OPTIONS, _MARKDOWN_EXTENSIONS)
    before = _resident_kib()
    for _ in range(3_000):
        to_html(body, _MARKDOWN_OPTIONS, _MARKDOWN_EXTENSIONS)
    # Keeping the tree and the HTML of each conversion, as cmarkgfm's own function does, grew it by 245 MB.
    assert _resident_kib() - before < 5 * 1024


def test_an_extension_cmark_does_not_have_is_refused():
    with pytest.raises(ValueError, match="no extension"):
        to_html("a", _MARKDOWN_OPTIONS, ("table", "nonsense"))


def test_where_the_c_library_cannot_be_reached_the_conversion_is_cmarkgfms_own(monkeypatch):
    body = "| Tổ chức | Việc |\n|---|---|\n| Hội Phụ nữ | ~~cũ~~ mới |\n\nXem https://x.vn[^1]\n\n[^1]: chú thích"
    freeing = markdown_html._freeing()
    monkeypatch.setattr(markdown_html, "_freeing", lambda: None)
    assert to_html(body, _MARKDOWN_OPTIONS, _MARKDOWN_EXTENSIONS) == cmarkgfm.markdown_to_html_with_extensions(
        body, options=_MARKDOWN_OPTIONS, extensions=list(_MARKDOWN_EXTENSIONS)
    )
    assert freeing is not None or not sys.platform.startswith("linux")  # here, on Linux, the frees are found
