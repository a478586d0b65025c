"""Rendering planned pages with Jinja2: pure, {output path: bytes} out."""

from __future__ import annotations

import functools
import hashlib
import io
import os
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from types import BuiltinFunctionType, FunctionType, MethodType

from babel import Locale
from babel.numbers import format_decimal
import jinja2
from jinja2 import (
    ChoiceLoader, Environment, FileSystemBytecodeCache, FileSystemLoader, PackageLoader, StrictUndefined, Template,
    TemplateError, TemplateNotFound, TemplateSyntaxError, UndefinedError,
)
from jinja2.compiler import CodeGenerator
from markupsafe import Markup, escape

from . import listing, urls
from .listing import date_short, html_text
from .archive import Archive
from .config import Config
from .errors import ContentError
from .organisations import Organisations
from .pages import Page
from .tasks import TaskBook, assign_tasks
from .workers import imap_indexed

THEME_STATIC = "theme/static"


@functools.cache
def _vietnamese_names() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """CLDR's Vietnamese weekdays, Monday first as datetime.weekday() counts, and months, January first."""
    vi = Locale.parse("vi")
    return tuple(vi.days["format"]["wide"][d] for d in range(7)), tuple(vi.months["format"]["wide"][m] for m in range(1, 13))


def date_vi(moment: datetime) -> str:
    """`Thứ Năm, ngày 13 tháng 5 năm 2021`: CLDR's pattern EEEE, 'ngày' d MMMM 'năm' y."""
    # Put together here from CLDR's names: babel's format_date reads the
    # pattern anew on every call, a tenth of the time of an article page.
    weekdays, months = _vietnamese_names()
    return f"{weekdays[moment.weekday()]}, ngày {moment.day} {months[moment.month - 1]} năm {moment.year}"


def datetime_vi(moment: datetime, has_time: bool = True) -> str:
    """`Thứ Năm, ngày 13 tháng 5 năm 2021, 14:48`, as the article page shows it."""
    return date_vi(moment) + (f", {moment.hour:02d}:{moment.minute:02d}" if has_time else "")


def number_vi(n: int) -> str:
    """`1.234.567`."""
    if type(n) is int:
        # CLDR's Vietnamese grouping, a dot every three digits, written out:
        # babel's format_decimal takes 12 us, and every article page shows its views.
        return f"{n:,}".replace(",", ".")
    return format_decimal(n, locale="vi")


# Callables that cannot carry Jinja's pass_context mark on a __call__ of their own: a template
# calls them straight away unless they carry it themselves (see _CodeGenerator).
_PLAIN_CALLABLES = (FunctionType, MethodType, BuiltinFunctionType)


class _CodeGenerator(CodeGenerator):
    """Jinja's code generator, writing a call of a plain function or method as a plain call.

    Jinja writes every call in a template as context.call(f, ...), which
    looks on every call for pass_context and its kin, on the callable and on
    its __call__, and takes the loop's and block's variables along in case
    one is marked: a third of a microsecond a call, and an article page
    makes 37 (href, urls, the listing functions). Here a call is written
    `f(...)` when f is a plain function or method without such a mark, and
    as Jinja writes it otherwise (macros, classes, marked functions,
    undefined values). The one difference: a plain function raising
    StopIteration stops the page with an error instead of giving an
    undefined value.
    """

    def _written(self, write) -> str:
        """What write() writes, taken out of the output."""
        stream, self.stream = self.stream, io.StringIO()
        try:
            write()
            return self.stream.getvalue()
        finally:
            self.stream = stream

    def visit_Call(self, node, frame, forward_caller: bool = False) -> None:
        if self.environment.is_async or self.environment.sandboxed or forward_caller:
            super().visit_Call(node, frame, forward_caller=forward_caller)
            return
        self.write("")  # the line breaks and indent due before the call, into the output, not into what is taken out below
        callee = self._written(lambda: self.visit(node.node, frame))
        as_jinja = self._written(lambda: super(_CodeGenerator, self).visit_Call(node, frame))
        head = "context.call(" + callee
        if not as_jinja.startswith(head):  # worked out while compiling (a constant): written as it is
            self.write(as_jinja)
            return
        arguments = self._written(lambda: self.signature(node, frame))  # ", a, b=c", as Jinja writes them
        # The callee is worked out once, into _ws_f; a call inside the arguments that sets
        # _ws_f again does so after this call's callable is taken.
        self.write(
            f"(_ws_f({arguments[2:]}) if type(_ws_f := {callee}) in _ws_plain and not hasattr(_ws_f, 'jinja_pass_arg')"
            f" else context.call(_ws_f{as_jinja[len(head):]})"
        )


def _escape(value, _str=str, _int=int):
    """What a template prints of value, escaped: markupsafe.escape, in a fraction of the time for what pages print most.

    A page escapes each value it prints, 140 on an article page and 400 on a
    list of tasks. Jinja calls this only around what a template prints, and
    what it gives goes straight into the page: what a macro or a block
    collects, Jinja itself wraps in Markup. So a plain string comes back as
    plain text, escaped by markupsafe's C part (the same string when there is
    nothing to escape), without escape's Python checks and the copy that
    made it Markup; what is Markup already (a macro's output, a list of
    articles) comes back as it is; a number is written out, as it needs no
    escaping (escape took a microsecond for each, and a list shows a
    heading level and a count in every row). Anything else goes to escape
    as before.
    """
    kind = value.__class__
    if kind is _str:
        return html_text(value)
    if kind is Markup:
        return value
    if kind is _int:  # not bool, nor an enum: their class is their own
        return _int.__repr__(value)
    return escape(value)


class _Template(Template):
    """A template printing with _escape, not markupsafe.escape, and calling with _CodeGenerator's calls:
    the names its compiled code uses are set in its module."""

    @classmethod
    def from_code(cls, environment, code, globals, uptodate=None):
        made = super().from_code(environment, code, globals, uptodate)
        namespace = made.root_render_func.__globals__  # the module's, shared by its blocks and macros
        namespace["escape"] = _escape
        namespace["_ws_plain"] = _PLAIN_CALLABLES
        return made


class _Environment(Environment):
    """Jinja's environment, giving each template its globals as a dict of its own.

    Jinja gives a ChainMap over the environment's globals, and copies it
    into a dict for every page it renders, a Python call for each global:
    5 µs a page. The globals are all set before any template is loaded
    (see render_stream), as Jinja advises, so a dict made at loading holds
    the same.
    """

    def make_globals(self, d):
        return {**self.globals, **(d or {})}


@dataclass(frozen=True)
class Theme:
    """The templates folder of the project (may be absent) over the package's default theme."""

    templates_dir: Path | None = None
    compiled_dir: Path | None = None  # where compiled templates are kept between builds (in the build cache)

    def environment(self) -> Environment:
        loaders = [FileSystemLoader(str(self.templates_dir))] if self.templates_dir and self.templates_dir.is_dir() else []
        loaders.append(PackageLoader("wardsite", "theme/templates"))
        env = _Environment(
            loader=ChoiceLoader(loaders),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,  # one environment per build: no need to stat every template on every page
            bytecode_cache=_compiled_cache(self.compiled_dir),
        )
        env.code_generator_class = _CodeGenerator
        env.template_class = _Template
        env.filters.update(date_vi=date_vi, datetime_vi=datetime_vi, date_short=date_short, number_vi=number_vi)
        return env

    def static_files(self) -> dict[str, bytes]:
        """The theme's CSS and scripts by file name, a project's static/ overriding by name."""
        files = {}
        for entry in resources.files("wardsite").joinpath(THEME_STATIC).iterdir():
            if entry.is_file():
                files[entry.name] = entry.read_bytes()
        own = self.templates_dir / "static" if self.templates_dir else None
        if own and own.is_dir():
            for path in sorted(own.iterdir()):
                if path.is_file():
                    files[path.name] = path.read_bytes()
        return files

    def own_templates(self) -> list[str]:
        """The names of the project's own templates: every .html file in its templates folder but under static/ and hidden ones."""
        folder = self.templates_dir
        if not folder or not folder.is_dir():
            return []
        names = (path.relative_to(folder) for path in folder.rglob("*.html") if path.is_file())
        return sorted(name.as_posix() for name in names if name.parts[0] != "static" and not any(part.startswith(".") for part in name.parts))

    def owns(self, filename: str) -> bool:
        """Whether a template's file is one of the project's own (not the theme's)."""
        if not self.templates_dir or not filename:
            return False
        return os.path.abspath(filename).startswith(os.path.join(os.path.abspath(self.templates_dir), ""))


class TemplateFailed(Exception):
    """A page could not be made because of a template of the project's own; problem says where and why."""

    def __init__(self, problem: ContentError):
        super().__init__(problem)
        self.problem = problem


def template_problems(theme: Theme) -> list[ContentError]:
    """A problem, at its line, for each template of the project's own that Jinja cannot read.

    Each is compiled here as rendering would compile it (into the store's
    folder when there is one, so rendering finds it compiled); one run
    reports every broken template, not only the first a page uses.
    """
    names = theme.own_templates()
    if not names:
        return []
    env = theme.environment()
    problems = []
    for name in names:
        try:
            env.get_template(name)
        except TemplateSyntaxError as exc:
            problems.append(_template_problem(exc, theme, None) or ContentError(theme.templates_dir / name, exc.lineno, _template_message(exc, None)))
        except UnicodeDecodeError:
            problems.append(ContentError(theme.templates_dir / name, None, "this template is not UTF-8 text; save it as UTF-8"))
    return problems


def _template_problem(exc: Exception, theme: Theme, dest: str | None) -> ContentError | None:
    """exc, raised while making dest (None: while reading the templates), as a problem at the line of the
    innermost template of the project's own that had a part in it; None when none had.

    Jinja gives a failing template's frames in the traceback the template's
    file and line (in globals holding __jinja_exception__); a template that
    cannot be read says where in the exception itself.
    """
    places = []
    trace = exc.__traceback__
    while trace is not None:
        if "__jinja_exception__" in trace.tb_frame.f_globals:
            places.append((trace.tb_frame.f_code.co_filename, trace.tb_lineno))
        trace = trace.tb_next
    if isinstance(exc, TemplateSyntaxError) and exc.filename:
        places.append((exc.filename, exc.lineno))
    own = [place for place in places if theme.owns(place[0])]
    if not own:
        return None
    filename, line = own[-1]
    return ContentError(Path(filename), line, _template_message(exc, dest))


def _template_message(exc: Exception, dest: str | None) -> str:
    making = f" (making {dest})" if dest else ""
    if isinstance(exc, TemplateSyntaxError):
        return (f"Jinja cannot read this template: {exc.message.rstrip('.')}{making}; check that every {{{{ is closed by }}}}, "
                "every {% by %}, and every {% if %}, {% for %}, {% block %} or {% macro %} by its {% end... %}")
    if isinstance(exc, TemplateNotFound):
        return f"there is no template named {exc.name}, neither in the templates folder nor in the theme{making}; check its name"
    if isinstance(exc, UndefinedError):
        return (f"{exc.message.rstrip('.')}{making}; check the spelling of the names this line uses "
                "(the theme's templates in wardsite/theme/templates show what each kind of page is given)")
    if isinstance(exc, TemplateError):
        return f"{exc.message or type(exc).__name__}{making}"
    return f"this line failed{making}: {type(exc).__name__}: {exc}"


class _CompiledCache(FileSystemBytecodeCache):
    """Jinja's cache of compiled templates, a template's code kept only for the same source compiled the same way.

    Jinja checks a template's source; what it compiles to also depends on
    the code generator above and on Jinja, so those count too.
    """

    @functools.cached_property
    def _compiler(self) -> str:
        return hashlib.sha256(Path(__file__).read_bytes() + jinja2.__version__.encode()).hexdigest()

    def get_source_checksum(self, source: str) -> str:
        return super().get_source_checksum(self._compiler + source)


def _compiled_cache(folder: Path | None) -> FileSystemBytecodeCache | None:
    """Templates compiled once and kept, keyed by their source: compiling the theme took a tenth of a second in every build."""
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # a cache that cannot be written costs speed, not correctness
    return _CompiledCache(str(folder))


def hashed_assets(static: dict[str, bytes]) -> dict[str, str]:
    """Output path of each static file, a content hash in its name so hosts can cache it forever."""
    paths = {}
    for name, data in sorted(static.items()):
        stem, dot, ext = name.rpartition(".")
        digest = hashlib.sha256(data).hexdigest()[:10]
        paths[name] = f"static/{stem}.{digest}.{ext}" if dot else f"static/{name}.{digest}"
    return paths


def _render_job(shared, i: int):
    templates, pages, links, sink, theme = shared
    page = pages[i]
    try:
        data = templates[page.template].render(page=page, **links(page), **page.context).encode("utf-8")
    except Exception as exc:
        problem = _template_problem(exc, theme, page.dest)
        if problem is None:
            raise  # no template of the project's own had a part in it: a fault of wardsite's
        raise TemplateFailed(problem) from None
    return page.dest, (sink(page.dest, data) if sink else data)


def render(
    pages: list[Page], archive: Archive, config: Config, theme: Theme, taskbook: TaskBook | None = None, skip=frozenset()
) -> dict[str, bytes]:
    """Every page (but those in skip) and static file of the site, as bytes by output path."""
    files, _, start = render_stream(pages, archive, config, theme, taskbook, skip)
    files.update(start())
    return files


def render_stream(
    pages: list[Page], archive: Archive, config: Config, theme: Theme, taskbook: TaskBook | None = None, skip=frozenset()
):
    """The static files by output path, the output paths of the pages but those in skip, and start.

    start(sink) renders those pages over all cores and yields (output path,
    sink(output path, bytes)) for each, in order, as it goes; start() yields
    (output path, bytes). sink runs in the worker that rendered the page, so
    a sink that writes the page away keeps the pages from ever all being in
    memory or all passing through one process.

    Templates link with href(path) and asset(file name), both made for the
    page being rendered; they loop over article_rows(articles) and
    task_rows(entries) for lists (see listing). They may read the archive, site and taskbook
    globals only for what every page shares (the lists of wards, years,
    categories, organisations); anything else a page shows must be in its
    context, as that is what decides whether an incremental build renders
    the page again.
    """
    taskbook = taskbook if taskbook is not None else assign_tasks(archive, Organisations())
    env = theme.environment()
    static = theme.static_files()
    assets = hashed_assets(static)
    pretty = config.links == "pretty"

    here = {}  # href and asset of the page being rendered in this process (see links)

    def links(page: Page) -> dict:
        """href(target) and asset(name) for the templates: links from this page."""
        # Made for each page, not globals that ask the template context for
        # the page: Jinja makes a new context for each call of such a
        # @pass_context function in a loop that sets a variable.
        if page.dest == urls.NOT_FOUND and config.base_url:
            # A host serves 404.html at any depth, so relative links from it would break.
            def href(target: str) -> str:
                return urls.absolute(target, config.base_url, pretty)
        else:
            href = urls.links_from(page.dest, pretty)
        here.update(href=href, asset=lambda name: href(assets[name]))
        return here

    env.globals.update(
        # For macros imported without context (the theme's): Jinja makes such a module once,
        # where one imported with context is made again on every page that imports it.
        href=lambda target: here["href"](target),
        asset=lambda name: here["asset"](name),
        site=config, archive=archive, urls=urls, taskbook=taskbook,
        article_rows=lambda articles: listing.article_rows(articles, archive),
        task_rows=lambda entries: listing.task_rows(entries, archive, taskbook),
        article_items_html=lambda articles, show_ward=True, level=3: listing.article_items_html(articles, archive, here["href"], show_ward, level),
        task_items_html=lambda entries, show_ward=True: listing.task_items_html(entries, archive, taskbook, here["href"], show_ward),
        article_tasks_html=lambda article: listing.article_tasks_html(article, taskbook, here["href"]),
    )
    todo = [page for page in pages if page.dest not in skip]
    # Each template looked up once, not on every page: Jinja's lookup goes through its loaders' cache.
    templates = {name: env.get_template(name) for name in sorted({page.template for page in todo})}

    def start(sink=None):
        # The iterator ends, and the worker processes with it, when the last page is taken.
        # This process renders too, with a worker fewer: at 10,000 articles, rendering took 2.2 s and
        # 4.2 s of CPU instead of 2.4 s and 4.6 s (six alternating pairs, into tmpfs).
        return imap_indexed(_render_job, (templates, todo, links, sink, theme), len(todo), "rendering pages", share=True)

    return {assets[name]: data for name, data in static.items()}, tuple(page.dest for page in todo), start
