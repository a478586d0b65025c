"""What a list shows of each article and each task, worked out in Python for the templates' loops.

A template pays for each lookup and call it makes, item by item: Jinja
checks every one. A 10,000-article site lists its 55,000 tasks twice (by
organisation, by ward and year) and each article four times (by ward, year,
ward and year, category), so the theme's lists loop over rows whose fields
are ready to print: seven calls and twenty lookups a task fewer in the
template, and the task pages of a 10,000-article site rendered in 1.67 s
instead of 2.06 s (one process). Links are given from the site's root, as
href takes them.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from . import urls
from .archive import Archive
from .model import Article
from .tasks import Filed, TaskBook


class ArticleRow(NamedTuple):
    article: Article
    link: str  # its page
    title: str
    date: datetime
    iso: str  # the date for <time datetime>
    ward: str  # the ward's page
    ward_name: str  # as the archive names the ward
    category: str  # the category's page
    category_name: str
    tasks: int  # how many it gives
    summary: str


class TaskRow(NamedTuple):
    entry: Filed
    text: str
    date: datetime  # the article's
    iso: str
    ward: str  # the ward's page
    ward_name: str
    written: str  # the assignee as the article wrote it, when that is not the name the task is filed under; else ""
    link: str  # the task in its article's page
    title: str  # the article's


def article_rows(articles, archive: Archive):
    """A row for each article, in order."""
    for a in articles:
        yield ArticleRow(
            a, urls.article(a), a.title, a.date, a.date.isoformat(), urls.ward(a.ward), archive.ward(a.ward).name,
            urls.category(a.category.slug), a.category.name, len(a.tasks), a.summary,
        )


def task_rows(entries, archive: Archive, taskbook: TaskBook):
    """A row for each filed task, in order."""
    article = None
    for e in entries:
        if e.article is not article:  # an article's tasks mostly come together: its part is worked out once
            article = e.article
            shared = (article.date, article.date.isoformat(), urls.ward(article.ward), archive.ward(article.ward).name)
        assignee = e.task.assignee
        written = assignee if assignee and assignee != taskbook.organisation(e.organisation).name else ""
        yield TaskRow(e, e.task.text, *shared, written, urls.task(article, e.number), article.title)
