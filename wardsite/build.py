"""The build, start to end: discover → load → assemble → plan → render → publish."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import os
import stat
import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from collections.abc import Callable
from pathlib import Path

from .archive import Archive, assemble
from .assets import check_refs
from .cache import CACHE_DIR, SHARDS, Store, fingerprint, fingerprint_all, names_of, record, record_digest, shard_of, toolchain_key
from .config import Config
from .content import MAX_ARTICLE_BYTES, BodyRenderer, decode, parse_article
from .errors import ContentError, only_errors
from .feeds import feed_inputs, feeds, for_hosts
from .model import Article, packs
from .opendata import open_data, open_data_inputs
from .organisations import load_organisations
from .pages import collisions, plan
from .publish import Busy, clear_leftovers, locked, publish, publish_in_place, refusal, spool, write_files
from .registry import Registry, load_registry
from .render import TemplateFailed, Theme, render_stream, template_problems
from . import edits, search, urls
from .tasks import assign_tasks, organisation_names, task_pages, unknown_assignees
from .workers import Later, Laters, few_collections, imap_indexed, map_indexed, settle


@dataclass(frozen=True)
class Outcome:
    """What a build made, or why it made nothing."""

    problems: tuple[ContentError, ...] = ()
    articles: int = 0
    pages: int = 0
    files: dict = field(default_factory=dict)
    seconds: float = 0.0
    reused: frozenset = frozenset()  # pages left as the last build wrote them
    fingerprints: dict = field(default_factory=dict)  # page -> digest of its inputs
    whole: frozenset = frozenset()  # the files made from the whole archive, reused or made
    release: datetime | None = None  # when the next future-dated article is due
    rendering: tuple = ()  # with a spool: the pages still to render
    render: Callable | None = None  # with a spool: render(sink) renders them (see render.render_stream), once
    later: Laters | None = None  # with a spool: the whole-archive files being written there meanwhile, when they changed
    later_keys: tuple = ()  # the fingerprint of what each of later's parts is made from
    base: edits.Base | None = None  # with a store: what edit builds start from (see edits), but its model

    @property
    def errors(self) -> list[ContentError]:
        return only_errors(self.problems)

    @property
    def ok(self) -> bool:
        return not self.errors


def discover(content_dir: Path) -> list[Path]:
    """Every article file under content_dir, relative to it, in a stable order.

    Hidden files and folders, and names starting with `_`, are not articles;
    nor is anything under a linked folder. A folder named like an article is
    listed, for loading to report.
    """
    found = []
    for folder, subfolders, names in os.walk(content_dir):  # os.walk, not rglob: a Path for every file cost a tenth of an edit
        subfolders[:] = [name for name in subfolders if not name.startswith((".", "_"))]
        rel = os.path.relpath(folder, content_dir)
        prefix = "" if rel == "." else rel + os.sep
        for name in itertools.chain(names, (n for n in subfolders if os.path.islink(os.path.join(folder, n)))):
            if name.endswith(".md") and not name.startswith((".", "_")):
                found.append(prefix + name)
        found.extend(prefix + name for name in subfolders if name.endswith(".md") and not os.path.islink(os.path.join(folder, name)))
    return [Path(rel) for rel in sorted(found, key=lambda rel: rel.replace(os.sep, "/"))]


@dataclass(frozen=True)
class Source:
    """An article file: its size and time, and the digest of its bytes ("" until they are read)."""

    rel: Path
    mark: tuple[int, int] | None  # (size, modification time in ns); None: not looked at yet (see _load_job)
    digest: str = ""


def _inside(real: str, root: str) -> bool:
    return real == root or real.startswith(root + os.sep)


def _look(content_dir: Path, root: str, rel: Path, real_folders: dict[str, str]) -> tuple[int, int] | ContentError:
    """The (size, modification time in ns) of an article file that may be read, or the problem that stops it; reads no bytes.

    root: the content folder's real path; real_folders: real paths of the folders looked in, kept between calls.
    """
    full = os.path.join(content_dir, rel)
    folder = os.path.dirname(full)
    try:
        if folder not in real_folders:
            real_folders[folder] = os.path.realpath(folder)
        info = os.lstat(full)
        if (stat.S_ISLNK(info.st_mode) or not _inside(real_folders[folder], root)) and not _inside(os.path.realpath(full), root):
            return ContentError(content_dir / rel, None, "this file is a link to a place outside the content folder; copy the article into the folder instead")
        if stat.S_ISLNK(info.st_mode):
            info = os.stat(full)  # the file linked to
        if info.st_size > MAX_ARTICLE_BYTES:
            return ContentError(content_dir / rel, None, f"the file is larger than {MAX_ARTICLE_BYTES // (1024 * 1024)} MB; split it or move attachments out of the text")
        return info.st_size, info.st_mtime_ns
    except OSError as exc:
        return _unreadable(content_dir / rel, exc)


def find_sources(content_dir: Path, rels: list[Path], seen: dict | None = None) -> tuple[list[Source], list[ContentError]]:
    """Every article file that may be read, and a problem for each that may not; reads no file's bytes.

    A file whose size and modification time are those seen last time keeps
    the digest it had then, and will not be read again (as make and Hugo decide).
    """
    seen = seen or {}
    root = os.path.realpath(content_dir)
    real_folders: dict[str, str] = {}
    sources, problems = [], []
    for rel in rels:
        mark = _look(content_dir, root, rel, real_folders)
        if isinstance(mark, ContentError):
            problems.append(mark)
            continue
        before = seen.get(str(rel))
        sources.append(Source(rel, mark, before[1] if before and before[0] == mark else ""))
    return sources, problems


# Files a worker asks the disk for ahead of the one it parses, in steps of half as many.
READ_AHEAD = 64


def _read_ahead(path: str) -> None:
    """Have the system start reading a file that will be read soon (Linux; elsewhere nothing).

    When the files are not in memory, reading them one after another waits
    on the disk for each; asked for many at once, the disk fetches them
    together while the worker parses the ones it has.
    """
    if not hasattr(os, "posix_fadvise"):
        return
    try:
        # Not through a link, nor waiting on a pipe: the file may not have been looked at yet (see _look).
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return  # the worker that reads it will say why
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
    except OSError:
        pass
    finally:
        os.close(fd)


def _read(path: str) -> bytes:
    """A file's bytes, read unbuffered: Path.read_bytes made a Path and a buffered file for each, a tenth of reading an article."""
    with open(path, "rb", buffering=0) as file:
        return file.readall()


def _unreadable(path: Path, exc: OSError) -> ContentError:
    return ContentError(path, None, f"cannot be read ({exc.strerror or exc})")


_renderers: dict[bool, BodyRenderer] = {}


def parse_source(content_dir: Path, rel: Path, raw: bytes, digest: str, registry: Registry, config: Config, pack: bool = False):
    """(Article or None, problems) for one file's bytes; pack: keep the body packed."""
    path = content_dir / rel
    try:
        text = decode(raw)
    except ValueError as exc:
        return None, [ContentError(path, None, str(exc))]
    render_body = _renderers.get(config.trusted_html) or _renderers.setdefault(config.trusted_html, BodyRenderer(config.trusted_html))
    return parse_article(rel, text, registry, config.tz, render_body, display_path=path, digest=digest, pack=pack)


def _load_job(shared, i):
    """(mark, digest, (article, problems)) for one file: mark as _look gives it; digest "" and a problem
    instead of the parse when the file cannot be read; None instead of the parse when a cached article has its bytes.

    A file not looked at yet (mark None) is looked at first; when it may not be read, mark is the problem.
    """
    content_dir, todo, known, key, registry, config, pack, root, real_folders = shared
    if i % (READ_AHEAD // 2) == 0:
        for source in todo[i : i + READ_AHEAD]:
            _read_ahead(os.path.join(content_dir, source.rel))
    rel, mark = todo[i].rel, todo[i].mark
    if mark is None:
        mark = _look(content_dir, root, rel, real_folders)
        if isinstance(mark, ContentError):
            return mark, "", None
    try:
        raw = _read(os.path.join(content_dir, rel))
    except OSError as exc:
        return mark, "", _unreadable(content_dir / rel, exc)
    digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
    if (key, str(rel), digest) in known:
        return mark, digest, None
    return mark, digest, parse_source(content_dir, rel, raw, digest, registry, config, pack)


def load_all(content_dir: Path, rels: list[Path], registry: Registry, config: Config, store: Store | None = None):
    """Every article that loads, and every problem of those that do not.

    Files whose bytes were loaded before (same toolchain) come from the cache;
    the rest are read, hashed and parsed over all cores.
    """
    stored = store.load_shards("articles") if store else []
    key = str(content_dir)
    seen, known = {}, {}
    for part in stored:
        if part.get("folder") == key:
            seen.update(part["seen"])
        known.update(part.get("loaded", {}))
    settle()
    if seen:
        sources, problems = find_sources(content_dir, rels, seen)
    else:  # none seen before, so every file is read: each is looked at where it is read, over all cores
        sources, problems = [Source(rel, None) for rel in rels], []
    todo = [s for s in sources if (key, str(s.rel), s.digest) not in known]
    pack = packs(len(rels))
    shared = (content_dir, todo, known, key, registry, config, pack, os.path.realpath(content_dir), {})
    # This process parses too, with a worker fewer: the articles it parses are not pickled, sent and read
    # back (at 10,000 articles, loading took 1.6 s and 3.0 s of CPU instead of 1.8 s and 3.4 s). It can:
    # a conversion leaves nothing behind (see markdown_html), and parsing makes no garbage cycles.
    fresh = dict(zip((s.rel for s in todo), map_indexed(_load_job, shared, len(todo), "reading articles", share=True, cycles=False)))
    # Those that may not be read first, as find_sources gives them.
    problems += [mark for mark, _, _ in fresh.values() if isinstance(mark, ContentError)]
    results, now_seen = {}, {}
    for source in sources:
        mark, digest, result = fresh.get(source.rel, (source.mark, source.digest, None))
        if isinstance(mark, ContentError):
            continue
        if not digest:
            problems.append(result)
            continue
        name = str(source.rel)  # a string, not a Path: the cache holds one a file, and a Path is slow to unpickle
        results[(key, name, digest)] = known[(key, name, digest)] if result is None else result
        now_seen[name] = (mark, digest)
    if store:
        parts = [{"folder": key, "loaded": {}, "seen": {}} for _ in range(SHARDS)]
        for (folder, rel, digest), result in results.items():
            parts[shard_of(rel)]["loaded"][(folder, rel, digest)] = result
        for rel, mark in now_seen.items():
            parts[shard_of(rel)]["seen"][rel] = mark
        # Written by a process of their own while the build goes on: until the whole-archive processes
        # start, the build's process assembles the archive and files its tasks while a core is free.
        store.save_shards("articles", parts, stored, meanwhile=True)
    articles = []
    for article, found in results.values():
        problems += found
        if article is not None:
            articles.append(article)
    return articles, problems


def published(articles, config: Config, now: datetime) -> list[Article]:
    """The articles a reader sees: drafts and future-dated ones only when asked for."""
    return [a for a in articles if (config.drafts or not a.draft) and (config.future or a.date <= now)]


@few_collections()
def make_site(
    content_dir: Path,
    config: Config,
    templates_dir: Path | None,
    store: Store | None = None,
    output: Path | None = None,
    last: dict | None = None,
    spool: Path | None = None,
) -> Outcome:
    """Everything the site would hold, or the problems that stop it; writes nothing.

    Given what the last build left in output (its fingerprints and manifest),
    files whose inputs did not change are not made again but listed as reused.
    Given a spool folder (see publish.spool), the build streams: the pages
    are not in files but rendered by Outcome.render (once, by publish, into
    the new site), so they need not all be held at once; and the
    whole-archive files are made meanwhile by processes of their own, which
    write them into the spool (Outcome.later), not in files or whole.
    """
    started = time.perf_counter()
    registry, problems = load_registry(content_dir)
    organisations, found = load_organisations(content_dir)
    problems += found
    articles, found = load_all(content_dir, discover(content_dir), registry, config, store)
    problems += found
    settle()
    assets, found = check_refs(articles, content_dir)
    problems += found
    now = datetime.now(config.tz)
    waiting = [a.date for a in articles if a.date > now and not config.future]
    articles = published(articles, config, now)
    archive: Archive = assemble(articles, registry)
    taskbook = assign_tasks(archive, organisations)
    problems += unknown_assignees(taskbook, organisations, content_dir)
    # The files made from the whole archive (search index, open data, feeds)
    # come in parts, each remade only when what it is made from changed.
    # With a spool those to remake are started now, to be made while the
    # pages are planned and rendered. When the last build left none of them
    # to reuse, all are started before working out what each is made from
    # (3 s of the build's own time at 100,000 articles, while a core waited).
    shared = fingerprint((archive.wards, archive.categories, archive.years, taskbook.organisations, taskbook.years))
    makers = whole_archive_makers(archive, config, taskbook, store)
    stream = spool is not None
    later = None

    def start_parts(parts):
        old = output.resolve() if output and output.is_dir() else None  # no site yet: nothing to compare with
        return Laters(*(functools.partial(_written, make, spool, old) for make in parts))

    if stream and not (last or {}).get("whole") and not only_errors(problems):
        later = start_parts(makers)
    try:
        parts = tuple(zip(whole_archive_keys(archive, config, taskbook, shared), makers))
        kept_whole, to_make = reusable_parts(parts, last, output)  # with nothing to reuse: every part, as started above
        if stream and to_make and later is None and not only_errors(problems):
            later = start_parts([make for _, make in to_make])
        # After the processes above are forked, not before: they need not start as big as the table.
        names = names_of(itertools.chain(archive.articles, taskbook.entries))
        pages = plan(archive, config, assets) + task_pages(archive, taskbook, config)
        settle()
        problems += collisions(pages, content_dir)
        site_theme = theme(templates_dir, store)
        problems += template_problems(site_theme)
        if only_errors(problems):
            return Outcome(tuple(problems), len(articles), 0, {}, time.perf_counter() - started, later=later)
        keep = None if store is None else packs(len(archive.articles))  # the records: not kept, kept as they are, or packed
        # While the whole-archive files are being made by processes of their own, those keep the other
        # cores busy: fingerprinting here costs a tenth of the build's CPU less than in workers that copy
        # the memory they touch and send every record back (at 10,000 articles, 12.4-12.9 s against 13.7-14.1 s).
        fingerprinted = imap_indexed(_fingerprint_job, (pages, shared, names, keep is not None), len(pages), spread=later is None)
        base = None
        if store is None:
            digests = list(fingerprinted)
        else:  # the records are kept in the base as they come, not all held at once
            base, digests = edits.base_of(archive, pages, fingerprinted, shared, parts[1][0], content_dir, keep)
        del names, fingerprinted  # a tenth of the build's memory at 100,000 articles, not to be carried into the processes forked below
        if base is not None:
            # Saved while the pages render, so that the build need not wait for it at the end. Should this
            # build not publish, no build's state names the new base's token: the next build is a full one.
            store.save_meanwhile("edit-base", functools.partial(edits.with_model, base, archive, taskbook))
        fingerprints = dict(zip((page.dest for page in pages), digests))
        del digests
        reused = unchanged_pages(fingerprints, last, output)
        files, rendering, start = render_stream(pages, archive, config, site_theme, taskbook, skip=reused)
        settle()
        if not stream:
            try:
                files.update(start())
            except TemplateFailed as failed:
                return Outcome((*problems, failed.problem), len(articles), 0, {}, time.perf_counter() - started, later=later)
            rendering, start = (), None
        reused |= frozenset(kept_whole)
        whole = dict(kept_whole)  # file -> the key of the part that made it
        if later is None:
            for key, make in to_make:
                made = dict(make())
                files.update(made)
                whole.update(dict.fromkeys(made, key))
        files.update(for_hosts(config, [page.dest for page in pages]))
        files.update({asset.dest: content_dir.joinpath(*asset.source.parts).read_bytes() for asset in assets.values()})
        fingerprints.update(whole)
    except BaseException:
        if later is not None:
            later.close()
        raise
    return Outcome(
        tuple(problems), len(articles), len(pages), files, time.perf_counter() - started, reused, fingerprints, frozenset(whole),
        min(waiting, default=None), rendering, start, later, tuple(key for key, _ in to_make) if later else (),
        base,
    )


def theme(templates_dir: Path | None, store: Store | None) -> Theme:
    """The project's templates over the default theme, compiled into the store's folder when there is one."""
    return Theme(templates_dir, store.folder / "compiled-templates" if store else None)


def whole_archive_files(
    archive: Archive, config: Config, taskbook, store: Store | None, shared: str, open_data_key: str | None = None
) -> tuple[tuple[str, Callable], ...]:
    """The parts of whole_archive_makers, each with the fingerprint of what it is made from (whole_archive_keys)."""
    return tuple(zip(whole_archive_keys(archive, config, taskbook, shared, open_data_key), whole_archive_makers(archive, config, taskbook, store)))


def whole_archive_makers(archive: Archive, config: Config, taskbook, store: Store | None) -> tuple[Callable, ...]:
    """The files made from the whole archive, in parts made side by side: the search index; the open data; the feeds.

    Each part, called, gives (output path, bytes) one file after another as
    they are taken: at 100,000 articles the open data alone is hundreds of MB.
    """
    return (
        functools.partial(_search_index, archive, config, taskbook, store),
        functools.partial(open_data, archive, config, taskbook),
        functools.partial(_feeds, archive, config),
    )


def whole_archive_keys(archive: Archive, config: Config, taskbook, shared: str, open_data_key: str | None = None) -> tuple[str, ...]:
    """The fingerprint of what each part of whole_archive_makers is made from.

    The open data shows no article's body, so an edit to a body leaves it as
    it was; the feeds show the newest articles only. open_data_key: the open
    data's key when the caller knows it (an edit build: its inputs did not change).
    """
    if open_data_key is None:
        open_data_key = fingerprint_all(itertools.chain([("open data",)], open_data_inputs(archive, taskbook)), by_value=True)
    return fingerprint(("search", shared, archive.articles)), open_data_key, fingerprint(("feeds", shared, feed_inputs(archive, config)))


def reusable_parts(parts, last: dict | None, output: Path | None) -> tuple[dict[str, str], list]:
    """({file: key} of the parts whose files the last build made from the same inputs and left as they are, [(key, make) of the others])."""
    before = (last or {}).get("fingerprints", {})
    kept, to_make = {}, []
    for key, make in parts:
        made = [name for name in (last or {}).get("whole", ()) if before.get(name) == key]
        if made and len(_as_left(made, last, output)) == len(made):
            kept.update(dict.fromkeys(made, key))
        else:
            to_make.append((key, make))
    return kept, to_make


def _search_index(archive: Archive, config: Config, taskbook, store: Store | None):
    """The search index's files; with a store, patched from the last build's index when only some articles changed in place."""
    filed = organisation_names(taskbook)
    keys = [search.article_key(a, filed) for a in archive.articles]
    facts = search.core_facts(archive)
    before = store.load("search-index") if store else None
    places = search.changed_places(before, keys)
    index = _patched_index(archive.articles, filed, keys, facts, before, places, store) if places is not None else None
    saved = index is not None and index is before
    del before  # a patch that failed used it up; and its files need not be held while new ones are made
    if index is None:
        index = _fresh_index(archive.articles, filed, keys, facts, store)
    yield from _index_files(index, store, saved)


def _index_files(index: search.Index, store: Store | None, saved: bool):
    """index's files; then, with a store, index kept there unless saved (it is as the store has it)."""
    yield from search.index_files(index)
    if store and not saved:
        store.save("search-index", index)


def _stored_entries(store: Store | None, parts) -> tuple[list[dict], dict]:
    """The parts of the store's search entry cache numbered parts, and the entries they hold by key."""
    stored = store.load_shards("search", only=parts) if store else []
    return stored, {k: v for part in stored for k, v in part.items()}


def _keep_entries(store: Store | None, indexed: dict, stored: list[dict]) -> None:
    """Keep the entries by key in the store's cache, in the parts that stored (as loaded) came from."""
    if store:
        kept = [{} for _ in range(SHARDS)]
        for entry_key, found in indexed.items():
            kept[shard_of(entry_key[1])][entry_key] = found
        store.save_shards("search", kept, stored)


def _fresh_index(articles, filed, keys, facts: dict, store: Store | None) -> search.Index:
    stored, known = _stored_entries(store, range(SHARDS))
    indexed, postings = search.entries_and_postings(articles, known, filed)
    _keep_entries(store, indexed, stored)
    del stored, known, indexed
    return search.fresh_index(articles, postings, keys, facts)


def _patched_index(articles, filed, keys, facts: dict, before: search.Index, places: list[int], store: Store) -> search.Index | None:
    """The last build's index patched for the articles changed in place (at places), or None when it cannot be.

    Only the parts of the entry cache that hold those articles are read:
    their entries as they were come out of the index, as they are go in.
    """
    if not places:
        return before if before.facts == facts else replace(before, facts=facts)
    parts = {shard_of(search.entry_key_of(key)[1]) for i in places for key in (before.keys[i], keys[i])}
    stored, known = _stored_entries(store, parts)
    indexed = search.entries([a for a in articles if shard_of(a.path) in parts], known, filed)
    _keep_entries(store, indexed, stored)
    earlier = {k: v for n in parts for k, v in stored[n].items()}
    changes = {}
    for i in places:
        was = earlier.get(search.entry_key_of(before.keys[i]))
        if was is None:
            return None
        changes[i] = (was, indexed[search.entry_key_of(keys[i])])
    return search.patched(before, articles, keys, changes, facts)


def _feeds(archive: Archive, config: Config):
    yield from feeds(archive, config).items()


def _written(part: Callable, folder: Path, old: Path | None) -> dict[str, str]:
    return write_files(part(), folder, old)


def _fingerprint_job(shared, i: int):
    """The page's fingerprint; with keep, also its record and the paths of the articles it names (see cache.record)."""
    pages, facts, names, keep = shared
    page = pages[i]
    data, named = record((page.template, page.title, page.crumbs, page.context, facts), names)
    digest = record_digest(data)
    return (digest, data, named) if keep else digest


def unchanged_pages(fingerprints: dict[str, str], last: dict | None, output: Path | None) -> frozenset[str]:
    """The pages whose inputs are those of the last build and whose file in output is as it left it."""
    before = (last or {}).get("fingerprints", {})
    return _as_left([dest for dest, fp in fingerprints.items() if before.get(dest) == fp], last, output)


def _all_as_left(last: dict, output: Path) -> bool:
    """Whether every file of the last build's site is in output as it left it."""
    return len(_as_left(last["manifest"], last, output)) == len(last["manifest"])


def _as_left(names, last: dict | None, output: Path | None) -> frozenset[str]:
    """The names whose file in output has the size and time the last build's manifest gives it."""
    if not last or output is None or last.get("output") != str(output.resolve()):
        return frozenset()
    manifest = last["manifest"]
    root = str(output)
    kept = set()
    for name in names:
        if name in manifest:
            try:
                info = os.stat(os.path.join(root, name))  # not output / name: a Path each cost half the time
            except OSError:
                continue
            if (info.st_size, info.st_mtime_ns) == manifest[name]:
                kept.add(name)
    return frozenset(kept)


def content_marks(files: dict[str, tuple[int, int]]) -> str:
    """A digest of the name, size and time of every file under the content folder (see edits.content_files)."""
    h = hashlib.blake2b(digest_size=16)
    for path, (size, mtime) in files.items():
        h.update(f"{path}\0{size}\0{mtime}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def _content_state(content_dir: Path) -> tuple[dict[str, tuple[int, int]], str]:
    """The size and time of every file under the content folder (edits.content_files), and their content_marks."""
    files = edits.content_files(content_dir)
    return files, content_marks(files)


def _identity(output: Path) -> tuple[int, int] | None:
    """The output folder's inode and time: a publish swaps in a new folder or, in place, moves its time on."""
    try:
        info = os.stat(output)
    except OSError:
        return None
    return info.st_ino, info.st_mtime_ns


def build(content_dir: Path, output: Path, config: Config, templates_dir: Path | None, cache_dir: Path | None = CACHE_DIR) -> Outcome:
    """Make the site and, only when nothing is wrong, publish it to output (see _build).

    A page that a template of the project's own fails to make stops the
    build before anything is published, as a problem at the template's line.
    """
    started = time.perf_counter()
    try:
        return _build(content_dir, output, config, templates_dir, cache_dir)
    except TemplateFailed as failed:
        return Outcome((failed.problem,), seconds=time.perf_counter() - started)


@few_collections()
def _build(content_dir: Path, output: Path, config: Config, templates_dir: Path | None, cache_dir: Path | None = CACHE_DIR) -> Outcome:
    """Make the site and, only when nothing is wrong, publish it to output.

    With a cache folder, what the last build loaded and rendered is reused
    where its inputs did not change; the output is the same either way. When
    no file under the content folder changed (name, size and time), nor
    wardsite, the templates or the configuration, no article came due and
    the output is as the last build left it, there is nothing to do.
    A build that finds another publishing, or finds that another published
    while it worked, gets Busy and publishes nothing.
    """
    why = refusal(output, content_dir, Path.cwd())
    if why:
        raise ValueError(why)
    started = time.perf_counter()
    found = _identity(output)
    store = Store(toolchain_key(config, content_dir, templates_dir), cache_dir) if cache_dir else None
    last = store.load("pages") if store else None
    due = last and last.get("release") and datetime.now(config.tz) >= last["release"]
    usable = bool(last) and not due  # the last build's state, when it still says what the site is
    files = marks = seen = None
    if usable:
        files, marks = _content_state(content_dir)
        if last.get("marks") == marks and _all_as_left(last, output):
            return Outcome(last["problems"], last["articles"], last["pages"], {}, time.perf_counter() - started, frozenset(last["manifest"]))
    with contextlib.ExitStack() as after:  # undone last to first: whole-archive work, spool, cache saving
        if store:
            after.callback(store.finish)  # the article cache and the edit base, saved meanwhile
        if store and not usable:
            # Nothing to compare them with now: what the next build compares
            # with is taken by a process of its own while this one reads the
            # articles (0.05 s of a cold build at 10,000 articles, with a core idle).
            seen = Later(functools.partial(_content_state, content_dir))
            after.callback(seen.close)
        folder = after.enter_context(spool(output))
        edit = None
        if usable:
            left = Later(functools.partial(_all_as_left, last, output))  # checked meanwhile: stats every file of the site
            after.callback(left.close)
            edit = edits.edited_site(content_dir, config, templates_dir, store, output, last, files, folder)
            if edit is not None and not left.result():
                if edit[0].later is not None:
                    edit[0].later.close()
                edit = None  # the site is not as the last build left it: a full build makes it so
        if edit is not None:
            outcome, state = edit
            if outcome.later is not None:
                after.callback(outcome.later.close)
            with _publishing(output, found):
                parts = outcome.later.each() if outcome.later is not None else []  # {name: path} of each remade part
                made = {name: key for key, part in zip(outcome.later_keys, parts) for name in part}
                ahead = {name: path for part in parts for name, path in part.items()}
                gone = set(last["whole"]) - outcome.whole - set(made)
                manifest = publish_in_place(outcome.files, output, last["manifest"], folder, ahead, gone, last=(urls.SEARCH_CORE,))
                fingerprints = {name: fp for name, fp in {**outcome.fingerprints, **made}.items() if name not in gone}
                outcome = replace(outcome, whole=outcome.whole | frozenset(made), fingerprints=fingerprints)
                _keep_state(store, output, outcome, manifest, files, marks, state)
            return replace(outcome, seconds=time.perf_counter() - started, later=None, base=None)

        outcome = make_site(content_dir, config, templates_dir, store, output, last, spool=folder)
        if outcome.later is not None:
            after.callback(outcome.later.close)
        if outcome.ok:
            with _publishing(output, found):
                manifest = publish(
                    outcome.files, output, outcome.reused, last["manifest"] if last else None, keep=config.keep,
                    streamed=(outcome.rendering, outcome.render), later=outcome.later and outcome.later.merged,
                )
                if outcome.later is not None:
                    made = {name: key for key, part in zip(outcome.later_keys, outcome.later.each()) for name in part}
                    outcome = replace(outcome, whole=outcome.whole | frozenset(made), fingerprints={**outcome.fingerprints, **made})
                if store:
                    base = outcome.base
                    files, marks = seen.result() if seen is not None else (files, marks)
                    _keep_state(store, output, outcome, manifest, files, marks, {"token": base.token, "articles": {}, "records": {}} if base else None)
    return replace(outcome, seconds=time.perf_counter() - started, later=None, base=None)


@contextlib.contextmanager
def _publishing(output: Path, found):
    """Hold the output's lock while publishing, once sure the site there is the one the build started from (found: its _identity).

    Only publishing holds the lock: the workers that parse and render are
    forked processes, and a forked copy of the lock outlives a killed build.
    """
    with locked(output):
        if _identity(output) != found:
            # What the build reused was read from a site that is no longer there.
            raise Busy(f"another build published into {output} while this one was working; run again")
        clear_leftovers(output)
        yield


def _keep_state(store: Store, output: Path, outcome: Outcome, manifest: dict, files: dict, marks: str, edit: dict | None) -> None:
    """What the next build starts from: what this one published, from what."""
    store.save("pages", {
        "output": str(output.resolve()),
        "fingerprints": outcome.fingerprints,
        "manifest": manifest,
        "whole": sorted(outcome.whole),
        "marks": marks,
        "files": files,
        "edit": edit,
        "release": outcome.release,
        "problems": outcome.problems,
        "articles": outcome.articles,
        "pages": outcome.pages,
    })
