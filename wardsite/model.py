"""The site model: frozen values that every later stage reads and none changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class Task:
    text: str
    assignee: str | None = None
    line: int | None = field(default=None, compare=False)  # where it is written, for messages


@dataclass(frozen=True)
class Ref:
    """A relative link in an article's body and the line it is written on."""

    target: str  # as written, e.g. "../2020/bai.md#ket-luan" or "anh/hoi-nghi.jpg"
    line: int


@dataclass(frozen=True)
class Category:
    name: str
    slug: str


@dataclass(frozen=True)
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
    body_html: str
    summary: str
    source: str | None = None
    views: int | None = None
    draft: bool = False
    refs: tuple[Ref, ...] = ()  # links to other articles, images and attachments
    digest: str = ""  # of the file's bytes: what caches and page fingerprints key on

    @property
    def year(self) -> int:
        return self.date.year
