"""Links inside articles: to other articles' .md files, to images and attachments beside them.

An editor writes links as relative paths to files in the content folder
(`[biên bản](bien-ban.pdf)`, `![ảnh](anh/hoi-nghi.jpg)`, `[bài trước](../2020/bai.md)`).
The build checks that each resolves, copies images and attachments into the
site under `tep/` at the same path they have in the content folder, and
rewrites each link to the built file, relative to the page that shows it.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit


from .errors import ContentError
from .model import Article, Ref

ASSET_DIR = "tep"
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".avif"}
_ATTR = re.compile(r'\b(href|src)="([^"]*)"')
_IMG = re.compile(r"<img\b[^>]*>")


def is_local(target: str) -> bool:
    parts = urlsplit(target)
    return not (parts.scheme or parts.netloc or target.startswith(("#", "/")) or not parts.path)


def is_rooted(target: str) -> bool:
    """A path from the root of the host or disk (`/etc/passwd`): never a file of the archive."""
    return target.startswith("/") and not target.startswith("//")


def local_refs(body_md: str, body_html: bytes, body_line: int) -> tuple[Ref, ...]:
    """The relative and rooted links and image sources of a body (its HTML in UTF-8), each with its line in the file."""
    if b'href="' not in body_html and b'src="' not in body_html:
        return ()  # most articles link nothing: two scans for a word are a tenth of the pattern's cost
    refs = []
    for _, value in _ATTR.findall(body_html.decode("utf-8")):
        target = html.unescape(value)
        if is_local(target) or is_rooted(target):
            at = body_md.find(urlsplit(target).path)
            refs.append(Ref(target, body_line + (body_md.count("\n", 0, at) if at >= 0 else 0)))
    return tuple(dict.fromkeys(refs))


def content_path(article: Article, target: str) -> PurePosixPath | None:
    """The file a link points at, relative to the content folder; None when it leaves the folder."""
    joined = posixpath.normpath(posixpath.join(article.path.parent.as_posix(), unquote(urlsplit(target).path)))
    if joined.startswith("../") or joined == ".." or posixpath.isabs(joined):
        return None
    return PurePosixPath(joined)


@dataclass(frozen=True)
class Asset:
    source: PurePosixPath  # relative to the content folder
    width: int | None = None
    height: int | None = None

    @property
    def dest(self) -> str:
        return f"{ASSET_DIR}/{self.source.as_posix()}"


def check_refs(articles, content_dir: Path) -> tuple[dict[PurePosixPath, Asset], list[ContentError]]:
    """Every image and attachment the articles use, and an error for each link that does not resolve."""
    by_path = None  # the articles' paths, made at the first link to an article: a path an article took 1 s at 100,000
    root = content_dir.resolve()
    assets, errors = {}, []
    for article in articles:
        if not article.refs:
            continue
        where = content_dir / article.path
        for ref in article.refs:
            target = content_path(article, ref.target)
            if is_rooted(ref.target):
                errors.append(ContentError(where, ref.line, f"the link `{ref.target}` starts with `/`, which points outside the content folder and breaks when the site is opened from disk; write the path relative to the article"))
            elif target is None:
                errors.append(ContentError(where, ref.line, f"the link `{ref.target}` points outside the content folder; put the file beside the article"))
            elif target.suffix == ".md":
                if by_path is None:
                    by_path = {PurePosixPath(a.path.as_posix()) for a in articles}
                if target not in by_path:
                    errors.append(ContentError(where, ref.line, f"the link `{ref.target}` points at {target}, which is not an article of this archive; check the file name"))
            elif target not in assets:
                file = content_dir.joinpath(*target.parts)
                if not file.is_file():
                    errors.append(ContentError(where, ref.line, f"the file `{ref.target}` does not exist; put it beside the article or correct the name"))
                elif not file.resolve().is_relative_to(root):
                    errors.append(ContentError(where, ref.line, f"`{ref.target}` is a link to a place outside the content folder; copy the file in instead"))
                else:
                    width, height = _image_size(file) if target.suffix.lower() in IMAGE_SUFFIXES else (-1, -1)
                    assets[target] = Asset(target, width if width > 0 else None, height if height > 0 else None)
    return assets, errors


def _image_size(file: Path) -> tuple[int, int]:
    """(width, height) of an image, -1 each when unknown."""
    import imagesize  # here, not at the top: it loads urllib and http, a tenth of a build's start, for archives with images only

    return imagesize.get(str(file))


def resolve_body(article: Article, page_dest: str, pages_by_source: dict[str, str], assets: dict, link) -> str:
    """The article's HTML with its local links pointing at built files, images sized."""
    if not article.refs:
        return article.body_html

    def built(value: str) -> str | None:
        target = content_path(article, html.unescape(value))
        fragment = urlsplit(html.unescape(value)).fragment
        if target is None:
            return None
        dest = pages_by_source.get(target.as_posix()) if target.suffix == ".md" else (assets[target].dest if target in assets else None)
        if dest is None:
            return None
        return html.escape(link(dest, page_dest) + (f"#{fragment}" if fragment else ""))

    def attr(match):
        new = built(match.group(2)) if is_local(html.unescape(match.group(2))) else None
        return f'{match.group(1)}="{new}"' if new else match.group(0)

    def sized(match):
        tag = match.group(0)
        src = re.search(r'\bsrc="([^"]*)"', tag)
        target = content_path(article, html.unescape(src.group(1))) if src and is_local(html.unescape(src.group(1))) else None
        asset = assets.get(target) if target else None
        if not asset or not asset.width or " width=" in tag:
            return tag
        return tag[:4] + f' width="{asset.width}" height="{asset.height}"' + tag[4:]

    return _ATTR.sub(attr, _IMG.sub(sized, article.body_html))
