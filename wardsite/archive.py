"""Assembling articles into the archive: wards, years, categories, each sorted once."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from .model import Article, Category
from .registry import Registry, Ward
from .text import sort_key, vi_sorted


@dataclass(frozen=True)
class Archive:
    """Every article and every grouping the pages list, newest first."""

    articles: tuple[Article, ...]
    wards: tuple[Ward, ...]  # Vietnamese alphabetical order
    categories: tuple[Category, ...]
    years: tuple[int, ...]  # newest first
    by_ward: dict = field(default_factory=dict)  # slug -> articles
    by_year: dict = field(default_factory=dict)  # year -> articles
    by_ward_year: dict = field(default_factory=dict)  # (slug, year) -> articles
    by_category: dict = field(default_factory=dict)  # slug -> articles

    def ward(self, slug: str) -> Ward:
        return self._wards[slug]

    @cached_property
    def _wards(self) -> dict[str, Ward]:
        return {w.slug: w for w in self.wards}

    @cached_property
    def _place_in_ward(self) -> dict[Path, int]:
        return {a.path: i for group in self.by_ward.values() for i, a in enumerate(group)}

    def neighbours(self, article: Article) -> tuple[Article | None, Article | None]:
        """The newer and the older article in the same ward."""
        in_ward = self.by_ward[article.ward]
        i = self._place_in_ward[article.path]
        newer = in_ward[i - 1] if i > 0 else None
        older = in_ward[i + 1] if i + 1 < len(in_ward) else None
        return newer, older


def newest_first(articles) -> tuple[Article, ...]:
    return tuple(sorted(articles, key=lambda a: (-a.date.timestamp(), a.path.as_posix())))


def _group(articles, key) -> dict:
    groups = defaultdict(list)
    for a in articles:
        groups[key(a)].append(a)
    return {k: tuple(v) for k, v in groups.items()}


def _most_used_name(names) -> str:
    counts = Counter(names)
    return min(counts, key=lambda n: (-counts[n], sort_key(n), n))


def assemble(articles, registry: Registry) -> Archive:
    """The archive of a set of articles, with the registry's wards (all of them, even unused)."""
    ordered = newest_first(articles)
    if registry.open:
        names = _group(ordered, lambda a: a.ward)
        wards = [Ward(name=_most_used_name(a.ward_name for a in group), slug=slug) for slug, group in names.items()]
    else:
        wards = list(registry.wards)
    by_category_slug = _group(ordered, lambda a: a.category.slug)
    categories = [Category(_most_used_name(a.category.name for a in group), slug) for slug, group in by_category_slug.items()]
    # An article keeps the category name it was written with; pages show the one most used.
    canonical = {c.slug: c for c in categories}
    ordered = tuple(a if a.category == canonical[a.category.slug] else replace(a, category=canonical[a.category.slug]) for a in ordered)
    return Archive(
        articles=ordered,
        wards=tuple(vi_sorted(wards, key=lambda w: w.name)),
        categories=tuple(vi_sorted(categories, key=lambda c: c.name)),
        years=tuple(sorted({a.year for a in ordered}, reverse=True)),
        by_ward={**{w.slug: () for w in wards}, **_group(ordered, lambda a: a.ward)},
        by_year=_group(ordered, lambda a: a.year),
        by_ward_year=_group(ordered, lambda a: (a.ward, a.year)),
        by_category=_group(ordered, lambda a: a.category.slug),
    )
