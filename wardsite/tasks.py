"""Who was asked to do what, where and when: every task filed under its organisation.

`assign_tasks(archive, organisations)` files each task of each article under
the organisation its assignee names (see organisations.py for the rules);
`task_pages` plans the pages that list them: one per organisation, one per
ward and year, and an overview with counts per organisation per year.
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from . import urls
from .archive import Archive
from .config import Config
from .errors import ContentError
from .model import Article, Task
from .organisations import ORGANISATIONS_FILE, UNASSIGNED, Organisation, Organisations, match_key
from .pages import Page, paginate
from .text import fold, slugify, sort_key, vi_sorted


@dataclass(frozen=True, slots=True)
class Filed:
    """One task of one article, filed under an organisation (by slug).

    With slots, as the model's classes: an archive of 100,000 articles files
    550,000 tasks, and each without a __dict__ is 40 bytes smaller.
    """

    article: Article
    number: int  # the task's place in its article, from 1: its anchor on the article page
    task: Task
    organisation: str

    @property
    def year(self) -> int:
        return self.article.year


@dataclass(frozen=True)
class TaskBook:
    """Every task, newest article first and in the article's order, and the organisations they went to."""

    entries: tuple[Filed, ...] = ()
    organisations: tuple[Organisation, ...] = ()  # those with tasks: Vietnamese order, the unassigned last
    unknown: tuple[Filed, ...] = ()  # tasks whose assignee a closed registry does not know

    @cached_property
    def _organisations(self) -> dict[str, Organisation]:
        return {o.slug: o for o in self.organisations}

    def organisation(self, slug: str) -> Organisation:
        return self._organisations[slug]

    @cached_property
    def _of_article(self) -> dict[Path, tuple[Organisation, ...]]:
        # One key an article, not one a task: an article's tasks come together,
        # in its order, and hashing a path per task took a fifth of a second
        # at 10,000 articles, in every process that renders article pages.
        found: dict[Path, list[Organisation]] = {}
        article = None
        for e in self.entries:
            if e.article is not article:
                article = e.article
                organisations = found.setdefault(article.path, [])
            organisations.append(self._organisations[e.organisation])
        return {path: tuple(organisations) for path, organisations in found.items()}

    def organisation_of(self, article: Article, number: int) -> Organisation:
        """The organisation the number-th task (from 1) of an article is filed under."""
        return self._of_article[article.path][number - 1]

    def organisations_of(self, article: Article) -> tuple[Organisation, ...]:
        """The organisation each task of an article is filed under, in the article's order."""
        return self._of_article.get(article.path, ())

    @cached_property
    def by_organisation(self) -> dict[str, tuple[Filed, ...]]:
        return _group(self.entries, lambda e: e.organisation)

    @cached_property
    def by_ward_year(self) -> dict[tuple[str, int], tuple[Filed, ...]]:
        return _group(self.entries, lambda e: (e.article.ward, e.year))

    @cached_property
    def years(self) -> tuple[int, ...]:
        """The years with tasks, oldest first, as a table's columns read."""
        return tuple(sorted({e.year for e in self.entries}))


def _group(entries, key) -> dict:
    groups = defaultdict(list)
    for e in entries:
        groups[key(e)].append(e)
    return {k: tuple(v) for k, v in groups.items()}


def _kept_as_written(spellings_by_key: dict[str, list[str]], taken: set[str]) -> dict[str, Organisation]:
    """An organisation for each unknown assignee, named by its most used spelling, with a free slug."""
    made = {}
    for key in sorted(spellings_by_key, key=lambda k: (sort_key(k), k)):
        counts = Counter(spellings_by_key[key])
        name = min(counts, key=lambda n: (-counts[n], sort_key(n), n))
        base = slugify(name) or "to-chuc"
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        made[key] = Organisation(name=name, slug=slug, registered=False)
    return made


def assign_tasks(archive: Archive, organisations: Organisations) -> TaskBook:
    """File every task of the archive under the organisation its assignee names."""
    tasks = [(a, n, t) for a in archive.articles for n, t in enumerate(a.tasks, start=1)]
    unknown_spellings: dict[str, list[str]] = defaultdict(list)
    found: dict[str, Organisation | None] = {}
    keys: dict[str, str] = {}  # match_key of each assignee the registry does not know: an archive repeats its spellings
    for _, _, task in tasks:
        if task.assignee is not None and task.assignee not in found:
            found[task.assignee] = organisations.find(task.assignee)
            if found[task.assignee] is None:
                keys[task.assignee] = match_key(task.assignee)
        if task.assignee is not None and found[task.assignee] is None:
            unknown_spellings[keys[task.assignee]].append(task.assignee)
    taken = {o.slug for o in organisations.organisations} | {UNASSIGNED.slug}
    as_written = _kept_as_written(unknown_spellings, taken)

    entries, unknown, used = [], [], {}
    for article, number, task in tasks:
        if task.assignee is None:
            organisation = UNASSIGNED
        else:
            organisation = found[task.assignee] or as_written[keys[task.assignee]]
        entry = Filed(article, number, task, organisation.slug)
        entries.append(entry)
        used[organisation.slug] = organisation
        if organisation.as_written and not organisations.open:
            unknown.append(entry)
    ordered = vi_sorted((o for o in used.values() if not o.unassigned), key=lambda o: o.name)
    if UNASSIGNED.slug in used:
        ordered.append(UNASSIGNED)
    return TaskBook(tuple(entries), tuple(ordered), tuple(unknown))


def organisation_names(book: TaskBook) -> dict[Path, tuple[str, ...]]:
    """The names of the organisations each article's tasks were filed under (none for the unassigned)."""
    names: dict[Path, set[str]] = {}
    article, found = None, set()
    for entry in book.entries:
        if entry.article is not article:  # an article's tasks come together: its path is hashed once, not once a task
            article = entry.article
            found = names.setdefault(article.path, set())
        organisation = book.organisation(entry.organisation)
        if not organisation.unassigned:
            found.add(organisation.name)
    return {path: tuple(sorted(found)) for path, found in names.items() if found}


def unknown_assignees(book: TaskBook, organisations: Organisations, content_dir: Path) -> list[ContentError]:
    """A warning for each task whose assignee the registry does not know; they do not stop a build."""
    registry = organisations.path.name if organisations.path else ORGANISATIONS_FILE
    by_folded = {fold(s): o.name for o in organisations.organisations for s in o.spellings}
    hints: dict[str, str] = {}
    warnings = []
    for entry in book.unknown:
        assignee = entry.task.assignee
        if assignee not in hints:
            close = difflib.get_close_matches(fold(assignee), list(by_folded), n=1, cutoff=0.75)
            hints[assignee] = f"did you mean `{by_folded[close[0]]}`? " if close else ""
        hint = hints[assignee]
        warnings.append(
            ContentError(
                content_dir / entry.article.path,
                entry.task.line,
                f"the assignee `{assignee}` is not in {registry}; {hint}its tasks are listed under `{assignee}` as written. "
                f"Add it to {registry} as an organisation or as an alias of one",
                warning=True,
            )
        )
    return sorted(warnings, key=lambda w: (str(w.path), w.line or 0))


# Counts per organisation per year, as the overview's table and chart show them.

@dataclass(frozen=True)
class CountRow:
    organisation: Organisation
    counts: tuple[int, ...]  # one per year of the table
    total: int


@dataclass(frozen=True)
class CountTable:
    years: tuple[int, ...]  # oldest first
    rows: tuple[CountRow, ...]
    totals: tuple[int, ...]  # per year
    total: int


def count_table(book: TaskBook) -> CountTable:
    per = Counter((e.organisation, e.year) for e in book.entries)
    rows = tuple(
        CountRow(o, tuple(per[(o.slug, y)] for y in book.years), sum(per[(o.slug, y)] for y in book.years))
        for o in book.organisations
    )
    totals = tuple(sum(per[(o.slug, y)] for o in book.organisations) for y in book.years)
    return CountTable(book.years, rows, totals, len(book.entries))


# The chart: one horizontal bar per organisation, as long as its task count,
# split into a segment per year. Colours from the Okabe–Ito palette, which
# readers with the common colour-vision deficiencies can tell apart; a year
# past the eighth reuses a colour, but every segment carries its own title
# and the table beside the chart holds every number.
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#8a7a00", "#000000")
LABEL_WIDTH, PLOT_WIDTH, COUNT_WIDTH = 190, 400, 50
BAR_HEIGHT, BAR_GAP, LEGEND_HEIGHT, LEGEND_STEP = 18, 8, 28, 56
LABEL_CHARS = 28


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    year: int
    count: int
    colour: str


@dataclass(frozen=True)
class Bar:
    organisation: Organisation
    label: str
    y: float
    total: int
    segments: tuple[Segment, ...]
    end: float  # where the bar ends, for the total written after it


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: tuple[Bar, ...]
    legend: tuple[tuple[int, str, int], ...]  # (year, colour, x)
    description: str  # the text alternative: every bar in words


def _chart_label(organisation: Organisation) -> str:
    """The full name when it fits beside the bar, else the short form, cut if need be."""
    label = organisation.name if len(organisation.name) <= LABEL_CHARS else organisation.label
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def count_chart(table: CountTable) -> Chart:
    colours = {y: PALETTE[i % len(PALETTE)] for i, y in enumerate(table.years)}
    scale = PLOT_WIDTH / max([r.total for r in table.rows] or [1])
    bars, words = [], []
    for i, row in enumerate(table.rows):
        y = LEGEND_HEIGHT + i * (BAR_HEIGHT + BAR_GAP)
        x, segments = float(LABEL_WIDTH), []
        for year, count in zip(table.years, row.counts):
            if count:
                segments.append(Segment(round(x, 2), round(count * scale, 2), year, count, colours[year]))
                x += count * scale
        bars.append(Bar(row.organisation, _chart_label(row.organisation), y, row.total, tuple(segments), round(x, 2)))
        by_year = ", ".join(f"{s.year}: {s.count}" for s in segments)
        words.append(f"{row.organisation.name}: {row.total} ({by_year})")
    legend = tuple((y, colours[y], i * LEGEND_STEP) for i, y in enumerate(table.years))
    width = max(LABEL_WIDTH + PLOT_WIDTH + COUNT_WIDTH, len(legend) * LEGEND_STEP)
    height = LEGEND_HEIGHT + len(bars) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    description = "Số nhiệm vụ của từng tổ chức, chia theo năm. " + "; ".join(words) + "."
    return Chart(width, height, LABEL_WIDTH, BAR_HEIGHT, tuple(bars), legend, description)


# The pages.

def _by_organisation(book: TaskBook):
    def group(entries) -> list[tuple[Organisation, tuple[Filed, ...]]]:
        groups = _group(entries, lambda e: e.organisation)
        return [(o, groups[o.slug]) for o in book.organisations if o.slug in groups]

    return group


def task_pages(archive: Archive, book: TaskBook, config: Config) -> list[Page]:
    """The overview, a page (or several) per organisation and per ward and year with tasks."""
    size = config.task_page_size
    home = ("Trang chủ", urls.HOME)
    overview = ("Nhiệm vụ", urls.TASKS)
    table = count_table(book)
    pages = [Page(urls.TASKS, "tasks.html", {"table": table, "chart": count_chart(table)}, title="Nhiệm vụ được giao", crumbs=(home,))]
    for organisation in book.organisations:
        pages += paginate(
            lambda n, s=organisation.slug: urls.organisation(s, n),
            book.by_organisation[organisation.slug],
            size,
            "organisation.html",
            {"organisation": organisation},
            f"Nhiệm vụ: {organisation.name}",
            (home, overview),
            name="entries",
        )
    order = {o.slug: i for i, o in enumerate(book.organisations)}
    for (ward_slug, year), entries in sorted(book.by_ward_year.items(), key=lambda item: (sort_key(archive.ward(item[0][0]).name), -item[0][1])):
        ward = archive.ward(ward_slug)
        # Grouped by organisation: each organisation's tasks together, newest first within it.
        by_organisation = tuple(sorted(entries, key=lambda e: order[e.organisation]))
        pages += paginate(
            lambda n, s=ward_slug, y=year: urls.ward_year_tasks(s, y, n),
            by_organisation,
            size,
            "ward_year_tasks.html",
            {"ward": ward, "year": year},
            f"Nhiệm vụ giao ở {ward.name} năm {year}",
            (home, (ward.name, urls.ward(ward_slug)), (str(year), urls.ward_year(ward_slug, year))),
            name="entries",
            group=_by_organisation(book),
        )
    return pages
