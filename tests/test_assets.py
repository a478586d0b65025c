import re
import struct
import zlib

from wardsite.build import build, make_site
from wardsite.config import Config

from conftest import article, walk_site, write_archive


def png(width, height) -> bytes:
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def test_images_and_attachments_beside_an_article_are_copied_and_linked_relatively(tmp_path):
    body = "![Hội nghị](anh/hoi-nghi.png)\n\nXem [biên bản](bien-ban.pdf) và [bài trước](../2020/truoc.md#ket-luan).\n"
    content = write_archive(tmp_path, {
        "duc-giang/2021/bai.md": article(body=body),
        "duc-giang/2020/truoc.md": article(title="Bài trước", date="2020-03-01"),
    })
    (content / "duc-giang/2021/anh").mkdir()
    (content / "duc-giang/2021/anh/hoi-nghi.png").write_bytes(png(12, 7))
    (content / "duc-giang/2021/bien-ban.pdf").write_bytes(b"%PDF-1.4 test")
    out = tmp_path / "site"
    assert build(content, out, Config(), None).ok
    html = (out / "phuong/duc-giang/2021/bai.html").read_text(encoding="utf-8")
    image = re.search(r"<img [^>]*>", html).group(0)
    assert image.startswith('<img width="12" height="7" ')
    assert 'alt="Hội nghị"' in image and 'src="../../../tep/duc-giang/2021/anh/hoi-nghi.png"' in image
    assert 'href="../../../tep/duc-giang/2021/bien-ban.pdf"' in html
    assert 'href="../2020/truoc.html#ket-luan"' in html
    assert (out / "tep/duc-giang/2021/bien-ban.pdf").read_bytes() == b"%PDF-1.4 test"
    assert walk_site(out)[1] == []


def test_a_broken_link_or_missing_image_is_an_error_on_its_line(tmp_path):
    body = "Đoạn một.\n\n![ảnh](khong-co.jpg)\n\n[bài](../khong-co.md)\n"
    content = write_archive(tmp_path, {"a/bai.md": article(body=body)})
    outcome = make_site(content, Config(), None)
    messages = [str(e) for e in outcome.errors]
    assert messages == [
        f"{content}/a/bai.md:9: the file `khong-co.jpg` does not exist; put it beside the article or correct the name",
        f"{content}/a/bai.md:11: the link `../khong-co.md` points at khong-co.md, which is not an article of this archive; check the file name",
    ]


def test_a_link_out_of_the_content_folder_is_refused(tmp_path):
    (tmp_path / "secret.txt").write_text("x")
    content = write_archive(tmp_path, {"bai.md": article(body="[x](../secret.txt) ![y](/etc/passwd)")})
    outcome = make_site(content, Config(), None)
    assert [e.line for e in outcome.errors] == [7, 7]
    assert all("outside the content folder" in e.message for e in outcome.errors)
    assert not any("etc/passwd" in name or "secret" in name for name in outcome.files)


def test_drafts_and_future_articles_are_left_out_unless_asked_for(tmp_path):
    content = write_archive(tmp_path, {
        "nhap.md": article(title="Bản nháp", extra="draft: true\n"),
        "sau.md": article(title="Bài tương lai", date="2199-01-01"),
        "nay.md": article(title="Bài hôm nay"),
    })
    plain = make_site(content, Config(), None)
    assert plain.articles == 1 and "phuong/duc-giang/2021/nhap.html" not in plain.files
    assert "phuong/duc-giang/2199/sau.html" not in plain.files and "phuong/duc-giang/2021/nay.html" in plain.files
    both = make_site(content, Config(drafts=True, future=True), None)
    assert "phuong/duc-giang/2021/nhap.html" in both.files and "phuong/duc-giang/2199/sau.html" in both.files
