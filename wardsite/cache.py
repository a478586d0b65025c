"""What a build keeps between runs, in .wardsite-cache/: loaded articles and page fingerprints.

Everything here is an optimisation: deleting the folder gives a cold build
with the same output. Every entry is filed under a toolchain key that
changes with wardsite's own code, the configuration, the registries and the
templates, so a change to any of them starts from scratch.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import tempfile
from pathlib import Path

CACHE_DIR = Path(".wardsite-cache")
FORMAT = 1


def _files_digest(h, folder: Path | None) -> None:
    if folder is None or not folder.is_dir():
        return
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")


def toolchain_key(config, content_dir: Path, templates_dir: Path | None) -> str:
    """A digest of everything besides the articles that shapes the output."""
    h = hashlib.sha256(f"{FORMAT}:{config!r}".encode())
    _files_digest(h, Path(__file__).parent)  # wardsite itself, its theme included
    _files_digest(h, templates_dir)
    for name in ("wards.yaml", "organisations.yaml"):
        registry = content_dir / name
        h.update(name.encode() + (registry.read_bytes() if registry.is_file() else b"-"))
    return h.hexdigest()[:32]


class _Fingerprinter(pickle.Pickler):
    # An article stands for itself by its file: the digest of its bytes, its
    # path (the slug may come from the file name) and the category name the
    # archive settled on. Hashing its whole body on every page that lists it
    # would cost more than rendering the page. A filed task stands for itself
    # by its article, its place there and the organisation it was filed
    # under: its text is the article's; pickling it field by field made the
    # task pages nine tenths of all fingerprinting.
    def persistent_id(self, obj):
        kind = type(obj).__name__
        if kind == "Article" and getattr(obj, "digest", ""):
            return _article_id(obj)
        if kind == "Filed" and getattr(obj.article, "digest", ""):
            return f"{_article_id(obj.article)}#{obj.number}:{obj.organisation}"
        return None


def _article_id(article) -> str:
    return f"{article.digest}:{article.path.as_posix()}:{article.category.name}"


def fingerprint(value) -> str:
    """A digest of a page's inputs; an article counts by the digest of its file."""
    buffer = io.BytesIO()
    _Fingerprinter(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return hashlib.blake2b(buffer.getbuffer(), digest_size=16).hexdigest()


class Store:
    """One pickled value per name under the cache folder, tied to a toolchain key."""

    def __init__(self, key: str, folder: Path = CACHE_DIR):
        self.key = key
        self.folder = folder

    def load(self, name: str):
        try:
            with open(self.folder / f"{name}.pickle", "rb") as file:
                stored_key, value = pickle.load(file)
        except Exception:  # a missing, old or damaged cache is simply a cold build
            return None
        return value if stored_key == self.key else None

    def save(self, name: str, value) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self.folder, prefix=f".{name}.")
            with os.fdopen(fd, "wb") as file:
                pickle.dump((self.key, value), file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, self.folder / f"{name}.pickle")
        except OSError:
            pass  # a cache that cannot be written costs speed, not correctness
