"""The archive as open data: data/articles.json (with its JSON Schema) and data/tasks.csv.

Both are made from the archive alone, in the archive's order (newest first,
tasks in their article's order), with sorted keys and no build time, so the
same content always gives the same bytes.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json

import orjson

from . import urls
from .archive import Archive
from .config import Config
from .tasks import Filed, TaskBook

CSV_HEADER = ("date", "ward", "category", "organisation", "assignee", "task", "article_url")

# Spreadsheets run a cell that starts with one of these as a formula
# (CSV injection); a leading apostrophe makes them show it as text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _nullable(kind: str) -> dict:
    return {"type": [kind, "null"]}


_NAME_AND_SLUG = {
    "type": "object",
    "required": ["name", "slug"],
    "additionalProperties": False,
    "properties": {"name": {"type": "string", "minLength": 1}, "slug": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}},
}

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Ward news archive: articles and the tasks they assign",
    "description": "Every article of the archive, newest first, with the tasks it assigns and the organisation each task went to.",
    "type": "object",
    "required": ["title", "articles"],
    "additionalProperties": False,
    "properties": {
        "$schema": {"type": "string", "description": "This schema, relative to the data file."},
        "title": {"type": "string", "description": "The site's title."},
        "articles": {"type": "array", "items": {"$ref": "#/$defs/article"}},
    },
    "$defs": {
        "article": {
            "type": "object",
            "required": ["path", "url", "slug", "title", "date", "has_time", "ward", "category", "source", "views", "summary", "tasks"],
            "additionalProperties": False,
            "properties": {
                "path": {"type": "string", "description": "The article's page, relative to the site root."},
                "url": {"type": "string", "description": "The page's address: absolute when the site has a base URL, else as path."},
                "slug": {"type": "string"},
                "title": {"type": "string", "minLength": 1},
                "date": {
                    "type": "string",
                    "format": "date-time",
                    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$",
                    "description": "When it was posted, ISO 8601 with the offset (+07:00 in Vietnam).",
                },
                "has_time": {"type": "boolean", "description": "False when the article gave a date only (the time is then 00:00)."},
                "ward": {**_NAME_AND_SLUG, "description": "The ward as the archive's registry names it."},
                "category": _NAME_AND_SLUG,
                "source": {**_nullable("string"), "description": "Who wrote it, e.g. VPĐU, when the article says."},
                "views": {"type": ["integer", "null"], "minimum": 0, "description": "The view count the original page showed."},
                "summary": {"type": "string"},
                "tasks": {"type": "array", "items": {"$ref": "#/$defs/task"}},
            },
        },
        "task": {
            "type": "object",
            "required": ["number", "text", "assignee", "organisation"],
            "additionalProperties": False,
            "properties": {
                "number": {"type": "integer", "minimum": 1, "description": "The task's place in its article."},
                "text": {"type": "string", "minLength": 1},
                "assignee": {**_nullable("string"), "description": "The organisation as the article wrote it; null when it names none."},
                "organisation": {
                    "description": "The organisation the task is filed under; null when the article names none.",
                    "oneOf": [
                        {"type": "null"},
                        {
                            **_NAME_AND_SLUG,
                            "required": ["name", "slug", "registered"],
                            "properties": {
                                **_NAME_AND_SLUG["properties"],
                                "registered": {"type": "boolean", "description": "False when the organisation registry does not know the assignee and it is kept as written."},
                            },
                        },
                    ],
                },
            },
        },
    },
}


def _address(path: str, config: Config) -> str:
    """A page's address: relative to the site root, or absolute under the base URL."""
    return urls.absolute(path, config.base_url, config.links == "pretty") if config.base_url else path


def _organisations(book: TaskBook) -> dict[str, dict | None]:
    """The `organisation` of a task in articles.json, by the slug it is filed under: made once an organisation, not once a task."""
    return {o.slug: None if o.unassigned else {"name": o.name, "slug": o.slug, "registered": o.registered} for o in book.organisations}


def _task(entry: Filed, organisations: dict[str, dict | None]) -> dict:
    return {"number": entry.number, "text": entry.task.text, "assignee": entry.task.assignee, "organisation": organisations[entry.organisation]}


def articles_json(archive: Archive, config: Config, book: TaskBook) -> dict:
    """The document of articles.json; its articles are made one at a time as they are read."""
    return {"$schema": "articles.schema.json", "title": config.title, "articles": _articles(archive, config, book)}


def _articles(archive: Archive, config: Config, book: TaskBook):
    filed = {}
    for entry in book.entries:
        filed.setdefault(entry.article.path, []).append(entry)
    organisations = _organisations(book)
    for a in archive.articles:
        ward = archive.ward(a.ward)
        path = urls.article(a)
        yield {
            "path": path,
            "url": _address(path, config),
            "slug": a.slug,
            "title": a.title,
            "date": a.date.isoformat(timespec="seconds"),
            "has_time": a.has_time,
            "ward": {"name": ward.name, "slug": ward.slug},
            "category": {"name": a.category.name, "slug": a.category.slug},
            "source": a.source,
            "views": a.views,
            "summary": a.summary,
            "tasks": [_task(entry, organisations) for entry in filed.get(a.path, ())],
        }


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def tasks_csv(archive: Archive, config: Config, book: TaskBook) -> bytes:
    """One row per task, UTF-8 with a BOM so that spreadsheets show Vietnamese as it is."""
    out = io.BytesIO()
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    names = {o.slug: _cell("" if o.unassigned else o.name) for o in book.organisations}
    article = None
    for n, entry in enumerate(book.entries, 1):
        if entry.article is not article:  # an article's tasks come together: its cells are made once
            a = article = entry.article
            date, ward, category, address = (_cell(v) for v in (
                a.date.date().isoformat(), archive.ward(a.ward).name, a.category.name, _address(urls.article(a), config)
            ))
        writer.writerow((date, ward, category, names[entry.organisation], _cell(entry.task.assignee or ""), _cell(entry.task.text), address))
        if n % _ROWS_AT_ONCE == 0:
            _move_text(text, out)
    _move_text(text, out)
    return codecs.BOM_UTF8 + out.getvalue()


# Text is encoded a few thousand rows at a time: an archive's whole CSV as
# one str would take twice or four times its size in memory (Python keeps
# Vietnamese text as 2 or 4 bytes a character).
_ROWS_AT_ONCE = 4096


def _move_text(text: io.StringIO, out: io.BytesIO) -> None:
    out.write(text.getvalue().encode("utf-8"))
    text.seek(0)
    text.truncate()


def _json_bytes(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _json_lines_bytes(document: dict, listed: str) -> bytes:
    """JSON with the items of document[listed] one to a line, each as compact JSON with its keys sorted.

    Readable in a text editor and diffable line by line, and written by
    orjson: an indented dump of a large archive takes seconds, and Python's
    own C encoder took three and a half times as long as orjson for the
    articles of a 10,000-article archive (0.21 s).
    """
    def dump(value) -> bytes:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)

    out = io.BytesIO()
    out.write(b"{\n")
    for n, key in enumerate(sorted(document)):
        out.write(b",\n" if n else b"")
        if key != listed:
            out.write(dump(key) + b": " + dump(document[key]))
            continue
        out.write(dump(key) + b": [")
        any_item = False
        for item in document[key]:  # one at a time: the list of a large archive is hundreds of MB as Python objects
            out.write(b",\n" if any_item else b"\n")
            out.write(dump(item))
            any_item = True
        out.write(b"\n]" if any_item else b"]")
    out.write(b"\n}\n")
    return out.getvalue()


def open_data_inputs(archive: Archive, book: TaskBook):
    """Everything the open data is made from besides the configuration, one
    article at a time: its fields but its body, and the organisation each of
    its tasks was filed under; then the wards and the organisations.

    A build reuses the last open data when these are the same; whatever
    _articles or tasks_csv comes to read must be here too. Plain strings and
    numbers, to be hashed by value (cache.fingerprint_all).
    """
    filed = iter(book.entries)  # in the articles' order, each article's tasks in turn
    for a in archive.articles:
        yield (
            str(a.path), a.slug, a.title, a.date.isoformat(), a.has_time, a.ward, a.category.name, a.category.slug, a.source, a.views,
            a.summary, tuple((t.text, t.assignee) for t in a.tasks), tuple(entry.organisation for entry in itertools.islice(filed, len(a.tasks))),
        )
    yield tuple((w.slug, w.name) for w in archive.wards)
    yield tuple((o.slug, o.name, o.registered) for o in book.organisations)


def open_data(archive: Archive, config: Config, book: TaskBook):
    """The open-data files as (output path, bytes), each made only when the one before has been taken."""
    yield urls.ARTICLES_JSON, _json_lines_bytes(articles_json(archive, config, book), "articles")
    yield urls.ARTICLES_SCHEMA, _json_bytes(SCHEMA)
    yield urls.TASKS_CSV, tasks_csv(archive, config, book)
