"""What a list shows of each article and each task, worked out in Python for the templates' loops.

A template pays for each lookup and call it makes, item by item: Jinja
checks every one. A 10,000-article site lists its 55,000 tasks twice (by
organisation, by ward and year) and each article four times (by ward, year,
ward and year, category), so the theme's lists loop over rows whose fields
are ready to print: seven calls and twenty lookups a task fewer in the
template, and the task pages of a 10,000-article site rendered in 1.67 s
instead of 2.06 s (one process). Links are given from the site's root, as
href takes them.

The default theme's lists go further: article_items_html, task_items_html
and article_tasks_html write each item's HTML here, what the theme's Jinja
loops wrote, byte for byte (tests/test_listing.py holds those loops). Jinja
paid 6 to 12 µs an item in lookups, escapes and calls, and a 10,000-article
site shows some 200,000 items. A theme of one's own can still loop over the rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from markupsafe import Markup, escape

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


def date_short(moment: datetime) -> str:
    """`13/05/2021`, the ward sites' own style in lists."""
    # Not strftime("%d/%m/%Y"): on a datetime with a time zone that takes
    # three times as long, and every item of every list shows a date.
    return f"{moment.day:02d}/{moment.month:02d}/{moment.year}"


try:
    # markupsafe's own C escaping, which its escape wraps in Python (since markupsafe 3).
    from markupsafe._speedups import _escape_inner as html_text
except ImportError:

    def html_text(text: str) -> str:
        """text escaped for HTML, as a plain string."""
        return str(escape(text))


def _article_fields(articles, archive: Archive):
    for a in articles:
        yield (
            a, urls.article(a), a.title, a.date, a.date.isoformat(), urls.ward(a.ward), archive.ward(a.ward).name,
            urls.category(a.category.slug), a.category.name, len(a.tasks), a.summary,
        )


def article_rows(articles, archive: Archive):
    """A row for each article, in order."""
    return map(ArticleRow._make, _article_fields(articles, archive))


def _written(entry: Filed, taskbook: TaskBook) -> str:
    """The assignee as the article wrote it, when that is not the name the task is filed under; else ""."""
    assignee = entry.task.assignee
    return assignee if assignee and assignee != taskbook.organisation(entry.organisation).name else ""


def _task_fields(entries, archive: Archive, taskbook: TaskBook):
    article = None
    for e in entries:
        if e.article is not article:  # an article's tasks mostly come together: its part is worked out once
            article = e.article
            shared = (article.date, article.date.isoformat(), urls.ward(article.ward), archive.ward(article.ward).name)
        yield (e, e.task.text, *shared, _written(e, taskbook), urls.task(article, e.number), article.title)


def task_rows(entries, archive: Archive, taskbook: TaskBook):
    """A row for each filed task, in order."""
    return map(TaskRow._make, _task_fields(entries, archive, taskbook))


def article_items_html(articles, archive: Archive, href, show_ward: bool = True, level: int = 3) -> Markup:
    """The <li> of each article, as the theme's lists show them; href: links from the page they are on."""
    h, out = html_text, []
    for _, link, title, date, iso, ward, ward_name, category, category_name, tasks, summary in _article_fields(articles, archive):
        at_ward = f'· <a href="{h(href(ward))}">{h(ward_name)}</a>' if show_ward else ""
        count = f"· {tasks} nhiệm vụ" if tasks else ""
        shown = f'<p class="summary">{h(summary)}</p>' if summary else ""
        out.append(
            f'<li class="article-item">\n  <h{level} class="article-item-title"><a href="{h(href(link))}">{h(title)}</a></h{level}>\n'
            f'  <p class="meta">\n    <time datetime="{h(iso)}">{date_short(date)}</time>\n'
            f'{at_ward}    · <a href="{h(href(category))}">{h(category_name)}</a>\n{count}  </p>\n{shown}</li>\n'
        )
    return Markup("".join(out))


def task_items_html(entries, archive: Archive, taskbook: TaskBook, href, show_ward: bool = True) -> Markup:
    """The <li> of each filed task, as the theme's lists show them; href: links from the page they are on."""
    h, out, article = html_text, [], None
    for e in entries:
        if e.article is not article:  # an article's tasks mostly come together: what they share is written once
            article = e.article
            when = f'    <time datetime="{h(article.date.isoformat())}">{date_short(article.date)}</time>\n'
            if show_ward:
                when += f'· <a href="{h(href(urls.ward(article.ward)))}">{h(archive.ward(article.ward).name)}</a>'
            title = f'">{h(article.title)}</a>\n  </p>\n</li>\n'
        written = _written(e, taskbook)
        note = f"· bài ghi: “{h(written)}”" if written else ""
        out.append(
            f'<li class="task-item">\n  <p class="task-text">{h(e.task.text)}</p>\n  <p class="meta">\n'
            f'{when}{note}    · trong bài <a href="{h(href(urls.task(article, e.number)))}{title}'
        )
    return Markup("".join(out))


def article_tasks_html(article: Article, taskbook: TaskBook, href) -> Markup:
    """The <li> of each of an article's tasks, as its page shows them: anchored by number, the assignee linked to the tasks of its organisation."""
    h, out = html_text, []
    for number, (task, organisation) in enumerate(zip(article.tasks, taskbook.organisations_of(article), strict=True), 1):
        assignee = f'<strong class="assignee"><a href="{h(href(urls.organisation(organisation.slug)))}">{h(task.assignee)}</a>:</strong> ' if task.assignee else ""
        out.append(f'      <li id="nhiem-vu-{number}">{assignee}{h(task.text)}</li>\n')
    return Markup("".join(out))
