from xml.etree import ElementTree as ET

import feedparser
from hypothesis import given
from hypothesis import strategies as st

from wardsite.build import build
from wardsite.config import Config
from wardsite.feeds import sitemap

from conftest import article, walk_site, write_archive


def build_hosted(content, out, **settings):
    outcome = build(content, out, Config(base_url="https://tin.example.org/luu-tru/", **settings), None)
    assert outcome.ok, outcome.problems
    return out


def test_the_archive_feed_holds_every_article_with_stable_ids_and_vietnam_dates(archive_dir, tmp_path):
    out = build_hosted(archive_dir, tmp_path / "site")
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert [e.title for e in feed.entries] == ["Giao ban tháng 5", "Làm việc với MTTQ", "Hội nghị tổng kết"]
    first = feed.entries[0]
    assert first.link == "https://tin.example.org/luu-tru/phuong/duc-giang/2021/giao-ban.html"
    assert first.id == "tag:tin.example.org,2021-05-13:duc-giang/2021/giao-ban"
    assert first.updated == "2021-05-13T14:48:00+07:00"
    rebuilt = feedparser.parse(build_hosted(archive_dir, tmp_path / "again").joinpath("feed.xml").read_bytes())
    assert [e.id for e in rebuilt.entries] == [e.id for e in feed.entries]


def test_there_is_a_feed_per_ward_and_per_category(archive_dir, tmp_path):
    out = build_hosted(archive_dir, tmp_path / "site")
    ward = feedparser.parse((out / "phuong/ngoc-thuy/feed.xml").read_bytes())
    assert not ward.bozo and [e.title for e in ward.entries] == ["Làm việc với MTTQ"]
    category = feedparser.parse((out / "chuyen-muc/cong-tac-dang/feed.xml").read_bytes())
    assert not category.bozo and len(category.entries) == 3
    assert 'href="feed.xml"' in (out / "phuong/ngoc-thuy/index.html").read_text(encoding="utf-8")


def test_html_and_hostile_text_are_escaped_in_the_feed(tmp_path):
    title = 'Họp "MTTQ" & <script>alert(1)</script> ]]>'
    content = write_archive(tmp_path, {"a.md": article(title=f"'{title}'", body="**Đậm** & <b>x</b>")})
    out = build_hosted(content, tmp_path / "site")
    raw = (out / "feed.xml").read_text(encoding="utf-8")
    assert "<script>" not in raw
    feed = feedparser.parse(raw.encode("utf-8"))
    assert not feed.bozo and feed.entries[0].title == title
    assert "<strong>Đậm</strong> &amp;" in feed.entries[0].content[0].value


def test_the_sitemap_lists_every_page_once_with_absolute_urls(archive_dir, tmp_path):
    out = build_hosted(archive_dir, tmp_path / "site")
    root = ET.parse(out / "sitemap.xml").getroot()
    locs = [el.text for el in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    pages = sorted("https://tin.example.org/luu-tru/" + p.relative_to(out).as_posix() for p in out.rglob("*.html") if p.name != "404.html")
    assert sorted(locs) == pages and len(set(locs)) == len(locs)
    assert "Sitemap: https://tin.example.org/luu-tru/sitemap.xml" in (out / "robots.txt").read_text()


def test_pages_carry_canonical_links_and_the_404_page_links_absolutely(archive_dir, tmp_path):
    out = build_hosted(archive_dir, tmp_path / "site")
    page = (out / "phuong/duc-giang/index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://tin.example.org/luu-tru/phuong/duc-giang/index.html">' in page
    missing = (out / "404.html").read_text(encoding="utf-8")
    assert 'href="https://tin.example.org/luu-tru/index.html"' in missing and 'rel="canonical"' not in missing


def test_pretty_links_drop_index_html_and_file_links_keep_it(archive_dir, tmp_path):
    pretty = build_hosted(archive_dir, tmp_path / "pretty", links="pretty")
    html = (pretty / "phuong/duc-giang/2021/giao-ban.html").read_text(encoding="utf-8")
    assert 'href="../index.html"' not in html and 'href="../"' in html
    root = ET.parse(pretty / "sitemap.xml").getroot()
    assert "https://tin.example.org/luu-tru/phuong/duc-giang/" in [el.text for el in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    files = build(archive_dir, tmp_path / "files", Config(), None)
    assert files.ok and walk_site(tmp_path / "files")[1] == []


def _sitemap_by_elementtree(locs: list[str]) -> bytes:
    """The sitemap as an ElementTree writes it: what the line-by-line writer must match."""
    root = ET.Element("urlset", {"xmlns": "http://www.sitemaps.org/schemas/sitemap/0.9"})
    for loc in sorted(locs):
        ET.SubElement(ET.SubElement(root, "url"), "loc").text = loc
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


@given(st.lists(st.text(alphabet=st.sampled_from("aZ9/._-&<>\"' đĐ") | st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1), unique=True))
def test_the_sitemap_is_well_formed_xml_whatever_the_page_names(paths):
    written = sitemap(paths, Config())
    assert written == _sitemap_by_elementtree(paths)
    locs = [el.text for el in ET.fromstring(written).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locs == sorted(paths)
