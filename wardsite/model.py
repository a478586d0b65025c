"""The site model: frozen values that every later stage reads and none changes.

With slots: an archive holds hundreds of thousands of articles and tasks, and
an instance without a __dict__ is a fraction of the size.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from operator import attrgetter
from pathlib import Path

import zstandard


def quick_pickling(cls):
    """A frozen dataclass with slots, pickled as the tuple of its fields.

    The article cache holds every article of the archive, and the workers
    send back every article they parse; the state functions dataclasses
    gives such classes look the fields up again for each object, and took
    two thirds of the time it takes to load the cache.
    """
    names = tuple(f.name for f in fields(cls))
    setters = tuple(cls.__dict__[name].__set__ for name in names)  # the slots themselves: the class is frozen

    state_of = attrgetter(*names)

    def __getstate__(self):
        return state_of(self)

    def __setstate__(self, state):
        for put, value in zip(setters, state):
            put(self, value)

    cls.__getstate__, cls.__setstate__ = __getstate__, __setstate__
    return cls


@quick_pickling
@dataclass(frozen=True, slots=True)
class Task:
    text: str
    assignee: str | None = None
    line: int | None = field(default=None, compare=False)  # where it is written, for messages


@quick_pickling
@dataclass(frozen=True, slots=True)
class Ref:
    """A relative link in an article's body and the line it is written on."""

    target: str  # as written, e.g. "../2020/bai.md#ket-luan" or "anh/hoi-nghi.jpg"
    line: int


@quick_pickling
@dataclass(frozen=True, slots=True)
class Category:
    name: str
    slug: str


@quick_pickling
@dataclass(frozen=True, slots=True)
class Article:
    path: Path  # the file, relative to the content folder
    slug: str
    title: str
    date: datetime  # aware, in the site's time zone
    has_time: bool  # False when the front matter gave a date alone
    ward: str  # the ward's slug
    ward_name: str  # the ward's name: the registry's, or as written when there is no registry
    category: Category
    tasks: tuple[Task, ...]
    # The body's HTML in UTF-8 as parsed, packed past PACK_PAST (pack); text where an article is made
    # by hand. In bytes it pickles without encoding and loads without decoding: the article cache, which
    # edit builds read back whole, loads in 0.19 s instead of 0.25 s at 10,000 articles; the article's
    # page and its search entry each decode it once (body_html).
    body: str | bytes
    summary: str
    source: str | None = None
    views: int | None = None
    draft: bool = False
    refs: tuple[Ref, ...] = ()  # links to other articles, images and attachments
    digest: str = ""  # of the file's bytes: what caches and page fingerprints key on

    @property
    def year(self) -> int:
        return self.date.year

    @property
    def body_html(self) -> str:
        body = self.body
        if type(body) is str:
            return body
        return (unpack(body) if body.startswith(_PACKED_START) else body).decode("utf-8")


# An archive of more articles than this keeps their bodies, and the edit
# base its page records (see edits.Base), packed: as text they would be most
# of a build's memory (some 6 KB an article, in every process). Below it,
# packing costs more than the memory is worth: 0.14 s of CPU over 10,000
# articles, and 0.07 s each to unpack them again for the search and the pages.
# Bodies are packed as they are parsed, so no more than this many are ever
# held unpacked, even in an archive that grew past it with a cache from before.
PACK_PAST = 20_000


def packs(archive_size: int) -> bool:
    """Whether an archive of this many articles keeps bodies and page records packed."""
    return archive_size > PACK_PAST


# Zstandard at its fastest level, not zlib's fastest nor LZ4. Over a
# 10,000-article site's page records (24 MB) and bodies (34 MB): zlib packed
# each to about a third in 0.43 s and unpacked it in 0.13 s; Zstandard packs
# them as small in 0.12 s and 0.14 s and unpacks each in 0.07 s. LZ4 was
# three times faster again, but packed to a half: at 100,000 articles the
# largest process of a build grew by 77 MiB, to 6 MiB under the 2 GB target.
_PACKER = zstandard.ZstdCompressor(level=1)
# How every packed body starts (Zstandard's frame magic number). No UTF-8 text
# starts so: 0xB5 continues a character, and "(" is a whole one.
_PACKED_START = b"\x28\xb5\x2f\xfd"
_UNPACKER = zstandard.ZstdDecompressor()


def pack(data: bytes) -> bytes:
    """Bytes compressed to about a third, for holding or keeping; unpack gives them back."""
    return _PACKER.compress(data)


def unpack(packed: bytes) -> bytes:
    return _UNPACKER.decompress(packed)

