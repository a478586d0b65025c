"""Reading one article file: front matter, fields, body."""

from __future__ import annotations

import codecs
import html
import re
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path

import frontmatter
from cmarkgfm.cmark import Options as _Markdown
import nh3

from .assets import local_refs
from .errors import ContentError
from .markdown_html import to_html_utf8
from .model import Article, Category, Task, pack as packed
from .registry import Registry
from .text import nfc, slugify, squash_spaces
from .yamltext import YamlDoc, parse_yaml

REQUIRED = ("title", "date", "ward", "category")
OPTIONAL = ("tasks", "source", "views", "slug", "summary", "draft")
MAX_ARTICLE_BYTES = 10 * 1024 * 1024

_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class Split:
    """A file's front matter text and body, and the lines where each starts."""

    front_matter: str
    body: str
    front_matter_line: int
    body_line: int


def split(text: str) -> Split | str:
    """Separate the front matter from the body; a message when the file has none."""
    if not text.startswith("---"):
        return "the file must start with a front matter block: a line `---`, then `title:`, `date:`, `ward:`, `category:`, then `---`"
    first = _FENCE.match(text)
    if not first:
        return "the first line must be exactly `---`"
    closing = _FENCE.search(text, first.end())
    if not closing:
        return "the front matter is not closed: did you forget the `---` line after it?"
    front = text[first.end() + 1 : closing.start()]
    body_start = closing.end() + 1
    return Split(front, text[body_start:], 2, text.count("\n", 0, body_start) + 1)


def dump(meta: dict, body: str) -> str:
    """An article file from its front matter and body (the inverse of split)."""
    post = frontmatter.Post(body.strip() + "\n", **meta)
    return frontmatter.dumps(post, sort_keys=False, allow_unicode=True, width=10_000) + "\n"


_BOM = codecs.BOM_UTF8


def decode(raw: bytes, if_empty: str = "write the front matter and the article, or delete the file") -> str:
    """The text of a file as NFC with LF line ends, or raise ValueError with a plain reason."""
    if not raw or raw.isspace():  # isspace stops at the first other byte; strip() would copy the file
        raise ValueError(f"the file is empty; {if_empty}")
    if b"\x00" in raw:
        raise ValueError("this is not a text file (it holds binary data); an article must be UTF-8 text")
    # A byte-order mark taken off by hand: the "utf-8-sig" codec decodes
    # through Python code, plain "utf-8" in C (4% of reading an article).
    skipped = len(_BOM) if raw.startswith(_BOM) else 0
    try:
        text = (raw[skipped:] if skipped else raw).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"the file is not UTF-8 text (byte {exc.start + skipped} cannot be read); save it as UTF-8") from None
    return nfc(text.replace("\r\n", "\n").replace("\r", "\n"))


# One small function per front-matter key: value in, (value, message) out.

def _text(value, key):
    if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip():
        return squash_spaces(str(value)), None
    return None, f"`{key}` must be text, e.g. `{key}: ...`"


_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(.*)")


def parse_date(value, tz: tzinfo) -> tuple[datetime | None, bool, str | None]:
    """(moment, has_time, message) for a front-matter date."""
    hint = "write the date as YYYY-MM-DD or YYYY-MM-DD HH:MM, e.g. 2021-05-13 14:48"
    if not isinstance(value, str):
        return None, False, f"the date must be text like 2021-05-13 14:48; {hint}"
    value = value.strip()
    m = _DATE.fullmatch(value)
    if not m:
        return None, False, f"`{value}` is not a date; {hint}"
    year, month, day = (int(g) for g in m.groups()[:3])
    try:
        date(year, month, day)
    except ValueError:
        return None, False, f"the date {value} does not exist; {hint}"
    if not 1900 <= year <= 2200:
        return None, False, f"the year {year} is out of range (1900-2200); {hint}"
    try:
        moment = datetime.fromisoformat(f"{year:04d}-{month:02d}-{day:02d}{m.group(4)}")
    except ValueError:
        return None, False, f"the time in `{value}` cannot be read; {hint}"
    has_time = bool(m.group(4).strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(tz), has_time, None


def _tasks(value, doc: YamlDoc):
    """The tasks and a list of (line, message) for the items that are wrong."""
    if value is None:
        return (), []
    if not isinstance(value, list):
        return (), [(doc.line_of("tasks"), "`tasks` must be a list, one `- ` line per task")]
    tasks, problems = [], []
    for i, item in enumerate(value):
        line = doc.line_of("tasks", i)
        if isinstance(item, str) and item.strip():
            tasks.append(Task(squash_spaces(item), line=line))
        elif isinstance(item, dict) and isinstance(item.get("text"), str) and item["text"].strip():
            extra = set(item) - {"text", "assignee"}
            assignee = item.get("assignee")
            if extra:
                problems.append((line, f"a task has only `text:` and `assignee:`, not {', '.join(map(str, sorted(extra, key=str)))}"))
            elif assignee is not None and not (isinstance(assignee, str) and assignee.strip()):
                problems.append((line, "a task's `assignee:` must be the name of an organisation"))
            else:
                tasks.append(Task(squash_spaces(item["text"]), squash_spaces(assignee) if assignee else None, line=line))
        else:
            problems.append((line, "each task is a line of text, or `text:` with an optional `assignee:`"))
    return tuple(tasks), problems


# GitHub's Markdown (CommonMark with tables, strikethrough, bare links and
# footnotes): what an editor sees in the preview of the git host is what the
# site shows. Raw HTML passes the converter; nh3 then decides what stays.
_MARKDOWN_OPTIONS = _Markdown.CMARK_OPT_UNSAFE | _Markdown.CMARK_OPT_FOOTNOTES
_MARKDOWN_EXTENSIONS = ("table", "strikethrough", "autolink")


# A `<` that does not open one of the tags the converter writes, with no
# attributes, for paragraphs and emphasis.
_NOT_PLAIN_TAG = re.compile(rb"<(?!/?(?:p|em|strong)>)")


class BodyRenderer:
    """Markdown to safe HTML."""

    def __init__(self, trusted_html: bool = False):
        self._trusted = trusted_html
        # nh3.clean sets up its rules anew on every call; a Cleaner keeps them.
        self._cleaner = nh3.Cleaner(link_rel="noopener noreferrer")

    def utf8(self, body: str) -> bytes:
        """The safe HTML in UTF-8, as articles keep it: the converter writes UTF-8, and decoding its HTML to
        encode it again took 14 us of the 250 us of reading an article."""
        produced = to_html_utf8(body, _MARKDOWN_OPTIONS, _MARKDOWN_EXTENSIONS).rstrip(b"\n")
        if self._trusted:
            return produced
        if "<" not in body and not _NOT_PLAIN_TAG.search(produced):
            # Paragraphs and emphasis, all of the converter's making (no `<` in
            # the Markdown, so no raw HTML), around text it escaped: nh3 would
            # keep every tag and write the text back as it is, but for the two
            # characters it writes otherwise (the no-break space is C2 A0 in
            # UTF-8, which nothing else is). Most articles are such text, and
            # nh3 took a sixth of the time of reading them.
            return produced.replace(b"&quot;", b'"').replace("\xa0".encode("utf-8"), b"&nbsp;")
        return self._cleaner.clean(produced.decode("utf-8")).encode("utf-8")


_TAG = re.compile(r"<[^>]+>")


def first_paragraph(body_html: bytes) -> str:
    """The HTML inside the first <p>…</p> of a body in UTF-8, or the whole body when it has none; only
    that part decoded (the markers are ASCII: no character's bytes hold them)."""
    start = body_html.find(b"<p>")
    end = body_html.find(b"</p>", start + 3) if start >= 0 else -1
    return (body_html[start + 3 : end] if end >= 0 else body_html).decode("utf-8")


def summary_of(paragraph: str, limit: int = 220) -> str:
    """A paragraph's HTML as plain text, cut at a word near limit characters."""
    plain = squash_spaces(html.unescape(_TAG.sub("", paragraph)))
    if len(plain) <= limit:
        return plain
    return plain[:limit].rsplit(" ", 1)[0] + "…"


def parse_article(
    rel_path: Path,
    text: str,
    registry: Registry,
    tz: tzinfo,
    render_body: BodyRenderer,
    display_path: Path | None = None,
    digest: str = "",
    pack: bool = False,
) -> tuple[Article | None, list[ContentError]]:
    """An article from the text of its file, or the problems that stop it; digest is that of the file's bytes.

    pack: keep the body packed (see model.packs).
    """
    where = display_path or rel_path
    parts = split(text)
    if isinstance(parts, str):
        return None, [ContentError(where, 1, parts)]
    doc, errors = parse_yaml(parts.front_matter, where, parts.front_matter_line)
    if doc is None:
        return None, errors
    meta = doc.data
    if not isinstance(meta, dict):
        return None, [ContentError(where, parts.front_matter_line, "the front matter must be `key: value` lines (title:, date:, ward:, category:)")]

    def problem(key, message):
        errors.append(ContentError(where, doc.line_of(key, default=parts.front_matter_line), message))

    for key in meta:
        if key not in REQUIRED + OPTIONAL:
            problem(str(key), f"unknown key `{key}`; the keys are {', '.join(REQUIRED + OPTIONAL)}")
    for key in REQUIRED:
        if key not in meta:
            errors.append(ContentError(where, parts.front_matter_line, f"`{key}:` is missing; every article needs {', '.join(REQUIRED)}"))

    title, message = _text(meta.get("title"), "title") if "title" in meta else (None, None)
    if message:
        problem("title", message)
    moment, has_time = None, False
    if "date" in meta:
        moment, has_time, message = parse_date(meta["date"], tz)
        if message:
            problem("date", message)
    ward = None
    if "ward" in meta:
        name, message = _text(meta["ward"], "ward")
        if message:
            problem("ward", message)
        else:
            ward = registry.find(name)
            if ward is None:
                near = registry.suggest(name)
                hint = f"did you mean `{near}`?" if near else f"add it to {registry.path.name if registry.path else 'wards.yaml'}"
                problem("ward", f"unknown ward `{name}`; {hint}")
    category = None
    if "category" in meta:
        name, message = _text(meta["category"], "category")
        if message:
            problem("category", message)
        elif not slugify(name):
            problem("category", "the category needs letters or digits")
        else:
            category = Category(name, slugify(name))
    tasks, task_problems = _tasks(meta.get("tasks"), doc)
    for line, message in task_problems:
        errors.append(ContentError(where, line or doc.line_of("tasks"), message))
    source = None
    if meta.get("source") is not None:
        source, message = _text(meta["source"], "source")
        if message:
            problem("source", message)
    views = meta.get("views")
    if views is not None and (not isinstance(views, int) or isinstance(views, bool) or views < 0):
        problem("views", "`views` must be a whole number, e.g. `views: 1204`")
        views = None
    draft = meta.get("draft", False)
    if not isinstance(draft, bool):
        problem("draft", "`draft` must be true or false")
    slug = slugify(str(meta.get("slug") or rel_path.stem))
    if not slug:
        problem("slug" if "slug" in meta else "title", "the slug needs letters or digits; set `slug:` to e.g. giao-ban-thang-5")
    summary = None
    if meta.get("summary") is not None:
        summary, message = _text(meta["summary"], "summary")
        if message:
            problem("summary", message)

    if errors:
        return None, errors
    body_html = render_body.utf8(parts.body)  # decoded where it is shown, not here
    return (
        Article(
            path=rel_path,
            slug=slug,
            title=title,
            date=moment,
            has_time=has_time,
            ward=ward.slug,
            ward_name=ward.name,
            category=category,
            tasks=tasks,
            body=packed(body_html) if pack else body_html,
            summary=summary or summary_of(first_paragraph(body_html)),
            source=source,
            views=views,
            draft=draft is True,
            refs=local_refs(parts.body, body_html, parts.body_line),
            digest=digest,
        ),
        [],
    )
