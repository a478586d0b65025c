"""Planning the pages: which file shows what, decided before anything renders."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from . import urls
from .archive import Archive
from .assets import resolve_body
from .config import Config
from .errors import ContentError
from .model import Article


# The pager links this many pages on each side of the current one, besides the first and the last.
PAGER_REACH = 2


@dataclass(frozen=True)
class Pagination:
    """One page of a long list, and the few sibling pages its pager links.

    A pager that linked every page would make each page of a list of n
    pages n links long, and the whole list n² to build.
    """

    number: int
    count: int
    links: tuple[tuple[int, str], ...]  # (number, path): the first, the last and those near this one, in order
    previous: str | None = None
    next: str | None = None


def pagination(number: int, count: int, dest_for) -> Pagination:
    """Page number of count, dest_for(n) giving the path of page n."""
    near = range(max(1, number - PAGER_REACH), min(count, number + PAGER_REACH) + 1)
    shown = sorted({1, count, *near})
    return Pagination(
        number,
        count,
        tuple((n, dest_for(n)) for n in shown),
        dest_for(number - 1) if number > 1 else None,
        dest_for(number + 1) if number < count else None,
    )


@dataclass(frozen=True)
class Page:
    dest: str  # path in the output, POSIX
    template: str
    context: dict = field(default_factory=dict)
    sources: tuple[Path, ...] = ()  # the content files that make it, for error messages
    title: str = ""
    crumbs: tuple[tuple[str, str], ...] = ()  # (label, path) from the home page down


@dataclass(frozen=True)
class ArticleBody:
    """An article's body HTML, unpacked only as its page renders: a plan holds every article page at once."""

    article: Article

    def __html__(self) -> str:
        return self.article.body_html

    __str__ = __html__


def paginate(dest_for, items, size, template, context, title, crumbs=(), name="articles", group=None):
    """The pages of a long list, size items each; an empty list still gets its first page.

    Each page's context holds its items under name, the items grouped by
    group(items) (by year when not given), and its Pagination.
    """
    group = group or by_year
    chunks = [items[i : i + size] for i in range(0, len(items), size)] or [()]
    for n, chunk in enumerate(chunks, start=1):
        label = title if n == 1 else f"{title} (trang {n})"
        page_context = {**context, name: chunk, "groups": group(chunk), "pagination": pagination(n, len(chunks), dest_for)}
        yield Page(dest_for(n), template, page_context, title=label, crumbs=crumbs)


def by_year(items) -> list[tuple[int, tuple]]:
    """Items (articles, tasks: anything with a year) by year, newest year first, in their order within it."""
    groups = defaultdict(list)
    for item in items:
        groups[item.year].append(item)
    return sorted(((year, tuple(group)) for year, group in groups.items()), reverse=True, key=lambda g: g[0])


def plan(archive: Archive, config: Config, assets: dict | None = None) -> list[Page]:
    """Every page of the site, in a stable order."""
    size = config.page_size
    assets = assets or {}
    pretty = config.links == "pretty"
    pages_by_source = {a.path.as_posix(): urls.article(a) for a in archive.articles}  # strings: a PurePosixPath each cost more than the rest of planning
    home = ("Trang chủ", urls.HOME)
    # The pages that show counts get them in their context, so that they, and
    # only they, are rendered again when an article is added or removed.
    counts = {
        "wards": {w.slug: len(archive.by_ward.get(w.slug, ())) for w in archive.wards},
        "years": {y: len(archive.by_year[y]) for y in archive.years},
        "categories": {c.slug: len(archive.by_category[c.slug]) for c in archive.categories},
    }
    pages = [
        Page(urls.HOME, "home.html", {"latest": archive.articles[: config.home_size], "counts": counts}, title=config.title),
        Page(urls.WARDS, "wards.html", {"counts": counts}, title="Các phường", crumbs=(home,)),
        Page(urls.YEARS, "years.html", {"counts": counts}, title="Các năm", crumbs=(home,)),
        Page(urls.CATEGORIES, "categories.html", {"counts": counts}, title="Chuyên mục", crumbs=(home,)),
        Page(urls.NOT_FOUND, "404.html", {}, title="Không tìm thấy trang"),
        Page(urls.SEARCH, "search.html", {}, title="Tìm kiếm", crumbs=(home,)),
    ]
    wards_crumb = ("Các phường", urls.WARDS)
    for ward in archive.wards:
        in_ward = archive.by_ward.get(ward.slug, ())
        ward_crumbs = (home, wards_crumb)
        title = f"Phường {ward.name}" if ward.recorded else ward.name
        pages += paginate(lambda n, s=ward.slug: urls.ward(s, n), in_ward, size, "ward.html", {"ward": ward}, title, ward_crumbs)
        for year in sorted({a.year for a in in_ward}, reverse=True):
            pages += paginate(
                lambda n, s=ward.slug, y=year: urls.ward_year(s, y, n),
                archive.by_ward_year[(ward.slug, year)],
                size,
                "ward_year.html",
                {"ward": ward, "year": year},
                f"{ward.name} — năm {year}",
                (home, (ward.name, urls.ward(ward.slug))),
            )
    for year in archive.years:
        pages += paginate(lambda n, y=year: urls.year(y, n), archive.by_year[year], size, "year.html", {"year": year}, f"Năm {year}", (home, ("Các năm", urls.YEARS)))
    for category in archive.categories:
        pages += paginate(
            lambda n, s=category.slug: urls.category(s, n),
            archive.by_category[category.slug],
            size,
            "category.html",
            {"category": category},
            category.name,
            (home, ("Chuyên mục", urls.CATEGORIES)),
        )
    for article in archive.articles:
        ward = archive.ward(article.ward)
        newer, older = archive.neighbours(article)
        dest = urls.article(article)
        if article.refs:
            body = resolve_body(article, dest, pages_by_source, assets, lambda target, src: urls.relative(target, src, pretty))
        else:
            body = ArticleBody(article)
        pages.append(
            Page(
                dest,
                "article.html",
                {"article": article, "body": body, "ward": ward, "newer": newer, "older": older},
                sources=(article.path,),
                title=article.title,
                crumbs=(home, (ward.name, urls.ward(ward.slug)), (str(article.year), urls.ward_year(ward.slug, article.year))),
            )
        )
    return pages


def collisions(pages: list[Page], content_dir: Path) -> list[ContentError]:
    """An error for each content file whose page lands where another page does."""
    by_dest = defaultdict(list)
    for page in pages:
        by_dest[page.dest].append(page)
    errors = []
    for dest, same in by_dest.items():
        if len(same) < 2:
            continue
        files = sorted({str(content_dir / s) for p in same for s in p.sources})
        for page in same:
            for source in page.sources:
                others = [f for f in files if f != str(content_dir / source)] or ["a page of the site itself"]
                errors.append(
                    ContentError(
                        content_dir / source,
                        None,
                        f"this article would be written to {dest}, as would {', '.join(others)}; give one of them a different `slug:`",
                    )
                )
    return sorted(errors, key=str)
