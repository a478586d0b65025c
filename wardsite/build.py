"""The build, start to end: discover → load → assemble → plan → render → publish."""

from __future__ import annotations

import time
from datetime import datetime
from dataclasses import dataclass, field
from pathlib import Path

from .archive import Archive, assemble
from .assets import check_refs
from .config import Config
from .content import MAX_ARTICLE_BYTES, BodyRenderer, decode, parse_article
from .errors import ContentError, only_errors
from .feeds import for_hosts
from .model import Article
from .opendata import open_data
from .organisations import load_organisations
from .pages import collisions, plan
from .publish import publish
from .registry import Registry, load_registry
from .render import Theme, render
from .tasks import assign_tasks, task_pages, unknown_assignees
from .search import search_files


@dataclass(frozen=True)
class Outcome:
    """What a build made, or why it made nothing."""

    problems: tuple[ContentError, ...] = ()
    articles: int = 0
    pages: int = 0
    files: dict = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def errors(self) -> list[ContentError]:
        return only_errors(self.problems)

    @property
    def ok(self) -> bool:
        return not self.errors


def discover(content_dir: Path) -> list[Path]:
    """Every article file under content_dir, relative to it, in a stable order.

    Hidden files and folders, and names starting with `_`, are not articles.
    """
    found = []
    for path in content_dir.rglob("*.md"):
        rel = path.relative_to(content_dir)
        if any(part.startswith((".", "_")) for part in rel.parts):
            continue
        found.append(rel)
    return sorted(found, key=lambda p: p.as_posix())


def read_article(content_dir: Path, rel: Path, registry: Registry, config: Config, render_body: BodyRenderer):
    """Load one article file: (Article or None, problems)."""
    path = content_dir / rel
    try:
        if not path.resolve().is_relative_to(content_dir.resolve()):
            return None, [ContentError(path, None, "this file is a link to a place outside the content folder; copy the article into the folder instead")]
        if path.stat().st_size > MAX_ARTICLE_BYTES:
            return None, [ContentError(path, None, f"the file is larger than {MAX_ARTICLE_BYTES // (1024 * 1024)} MB; split it or move attachments out of the text")]
        text = decode(path.read_bytes())
    except ValueError as exc:
        return None, [ContentError(path, None, str(exc))]
    except OSError as exc:
        return None, [ContentError(path, None, f"cannot be read ({exc.strerror or exc})")]
    return parse_article(rel, text, registry, config.tz, render_body, display_path=path)


def load_all(content_dir: Path, sources: list[Path], registry: Registry, config: Config) -> tuple[list[Article], list[ContentError]]:
    """Every article that loads, and every problem of those that do not."""
    render_body = BodyRenderer(config.trusted_html)
    articles, problems = [], []
    for rel in sources:
        article, found = read_article(content_dir, rel, registry, config, render_body)
        problems += found
        if article is not None:
            articles.append(article)
    return articles, problems


def published(articles, config: Config, now: datetime) -> list[Article]:
    """The articles a reader sees: drafts and future-dated ones only when asked for."""
    return [a for a in articles if (config.drafts or not a.draft) and (config.future or a.date <= now)]


def make_site(content_dir: Path, config: Config, templates_dir: Path | None) -> Outcome:
    """Everything the site would hold, or the problems that stop it; writes nothing."""
    started = time.perf_counter()
    registry, problems = load_registry(content_dir)
    organisations, found = load_organisations(content_dir)
    problems += found
    articles, found = load_all(content_dir, discover(content_dir), registry, config)
    problems += found
    assets, found = check_refs(articles, content_dir)
    problems += found
    articles = published(articles, config, datetime.now(config.tz))
    archive: Archive = assemble(articles, registry)
    taskbook = assign_tasks(archive, organisations)
    problems += unknown_assignees(taskbook, organisations, content_dir)
    pages = plan(archive, config, assets) + task_pages(archive, taskbook, config)
    problems += collisions(pages, content_dir)
    if only_errors(problems):
        return Outcome(tuple(problems), len(articles), 0, {}, time.perf_counter() - started)
    files = {**render(pages, archive, config, Theme(templates_dir), taskbook), **search_files(archive, config)}
    files.update(open_data(archive, config, organisations))
    files.update(for_hosts(archive, config, list(files)))
    files.update({asset.dest: content_dir.joinpath(*asset.source.parts).read_bytes() for asset in assets.values()})
    return Outcome(tuple(problems), len(articles), len(pages), files, time.perf_counter() - started)


def build(content_dir: Path, output: Path, config: Config, templates_dir: Path | None) -> Outcome:
    """Make the site and, only when nothing is wrong, publish it to output."""
    started = time.perf_counter()
    outcome = make_site(content_dir, config, templates_dir)
    if outcome.ok:
        publish(outcome.files, output)
    return Outcome(outcome.problems, outcome.articles, outcome.pages, outcome.files, time.perf_counter() - started)
