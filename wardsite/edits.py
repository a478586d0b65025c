"""Rebuilding after edits to article bodies, without loading or planning the whole archive.

A full build (build.make_site) plans every page, fingerprints each from a
record of its inputs (cache.record) and notes which articles each record
names: the dependency graph from articles to the pages that list them. It
leaves that, with the archive and the task book, as the base of the edit
builds that follow.

An edit build applies when the only files that changed under the content
folder are published articles whose new text changes nothing but the body
(title, date, ward, category, tasks, summary and the rest as they were, no
links to other files, no problems). Then every page, feed and file of the
open data that does not show the article stays as it is, and the pages that
do are exactly those whose records name it: they are read back from their
records with the new article in place, rendered and written into the
published site in place, with the search index patched and the feeds
remade when they show it. Anything else is a full build, whose output an
edit build's equals byte for byte.

The base names its articles by their place in the article cache (see
build.load_all), which the same build saves: holding them as well pickled
every article twice, a third of the time it took to save the two, and at
100,000 articles the memory of that pickling made the saving the largest
process of a build. An edit build reads them back from the article cache.
"""

from __future__ import annotations

import functools
import hashlib
import os
import secrets
from dataclasses import dataclass, replace
from pathlib import Path

from . import search, urls
from .cache import RECORDS_A_BATCH, Store, kept_batch, kept_record, read_record, record, record_digest, record_in_batch, shard_of, unkept
from .model import Category, packs
from .pages import Page
from .registry import load_registry
from .render import render_stream
from .tasks import Filed
from .workers import Later, Laters, without_collections


@dataclass(frozen=True)
class Base:
    """What edit builds start from, saved by a full build."""

    token: str  # names this base in the state of the builds that use it
    content_dir: str
    articles: tuple[tuple[str, str], ...]  # the archive's articles in order, as the article cache names them: (file, digest)
    categories: dict[str, Category]  # slug → the category as the archive names it (see archive.assemble)
    model: bytes  # record of (archive, task book): articles in it by name
    records: dict[str, tuple[int, int, int]]  # page → where its record is: (batch, start, stop)
    batches: tuple[bytes, ...]  # the pages' records, as cache.kept_batch keeps them
    listed_on: dict[str, tuple[str, ...]]  # article path → the pages whose records name it
    shared: str  # the fingerprint of what every page shares
    open_data_key: str
    packed: bool  # whether the records are packed


def base_of(archive, pages, fingerprinted, shared: str, open_data_key: str, content_dir: Path, packed: bool) -> tuple[Base, list[str]]:
    """The base for edit builds and each page's fingerprint, from a full build's pages and an iterable
    of their (fingerprint, record, named paths), taken as it comes; packed: whether to pack the records."""
    digests, listed_on, records, batches, batch, size = [], {}, {}, [], [], 0
    for page, (digest, data, named) in zip(pages, fingerprinted, strict=True):
        digests.append(digest)
        for path in named:
            listed_on.setdefault(path, []).append(page.dest)
        records[page.dest] = (len(batches), size, size + len(data))
        batch.append(data)
        size += len(data)
        if len(batch) == RECORDS_A_BATCH:
            batches.append(kept_batch(batch, packed))
            batch, size = [], 0
    if batch:
        batches.append(kept_batch(batch, packed))
    base = Base(
        secrets.token_hex(8),
        str(content_dir),
        tuple((str(a.path), a.digest) for a in archive.articles),
        {c.slug: c for c in archive.categories},
        b"",  # made where the base is saved, in a process of its own (see build.make_site)
        records,
        tuple(batches),
        {path: tuple(dests) for path, dests in listed_on.items()},
        shared,
        open_data_key,
        packed,
    )
    return base, digests


def _record_data(base: Base, edit_records: dict[str, bytes], dest: str) -> bytes:
    """A page's record: as the last edit build that remade the page kept it, else as the base has it."""
    kept = edit_records.get(dest)
    if kept is not None:
        return unkept(kept, base.packed)
    batch, start, stop = base.records[dest]
    return record_in_batch(base.batches[batch], start, stop, base.packed)


def with_model(base: Base, archive, taskbook) -> Base:
    """base with its model: the archive without what it worked out for itself (cached properties), the task
    book with it: its lists by organisation, by ward and year and by task are what the pages an edit
    renders ask for, and take longer to work out again than to read."""
    for lists in ("_organisations", "by_organisation", "by_ward_year", "_of_article"):
        getattr(taskbook, lists)
    return replace(base, model=record((replace(archive), taskbook))[0])


def _base_articles(base: Base, stored: list[dict], changed_since: dict) -> dict | None:
    """The base's articles by path, as the archive holds them, from the parts of the article cache; None when one is not there.

    Those in changed_since (changed since the base was made) are not looked for.
    """
    loaded = {}
    for part in stored:
        if part.get("folder") == base.content_dir:
            loaded.update(part["loaded"])
    articles = {}
    for rel, digest in base.articles:
        path = rel.replace(os.sep, "/")  # as Path.as_posix gives it, without a Path for each of the archive's articles
        if path in changed_since:
            continue
        found = loaded.get((base.content_dir, rel, digest))
        category = found and found[0] is not None and base.categories.get(found[0].category.slug)
        if not category:
            return None  # saved over since, or never saved
        article = found[0]
        articles[path] = article if article.category == category else replace(article, category=category)
    return articles


def _filed(article, number: int, organisation: str) -> Filed:
    return Filed(article, number, article.tasks[number - 1], organisation)


def _same_but_body(old, new) -> bool:
    return replace(new, body=old.body, digest=old.digest) == old


def content_files(content_dir: Path) -> dict[str, tuple[int, int]]:
    """The size and modification time of every file under the content folder, by path."""
    found = {}
    for folder, subfolders, names in os.walk(content_dir, followlinks=True):
        subfolders.sort()
        for name in sorted(names):
            path = os.path.join(folder, name)
            try:
                info = os.stat(path)
            except OSError:
                continue
            found[path] = (info.st_size, info.st_mtime_ns)
    return found


def edited_site(content_dir: Path, config, templates_dir: Path | None, store: Store, output: Path, last: dict, now_files: dict, spool: Path):
    """The edit build's (outcome, state to keep), or None when a full build is needed; writes nothing but the spool.

    state holds what the next edit build needs besides the base: the
    articles and page records changed since the base was made.
    """
    from . import build as full  # the full build's parts: it imports this module

    edit = last.get("edit")
    before = last.get("files")
    if not edit or before is None or set(before) != set(now_files):
        return None
    changed = [path for path, mark in now_files.items() if before[path] != mark]
    with without_collections():
        base = store.load("edit-base")
    if not changed or not isinstance(base, Base) or base.token != edit["token"] or base.content_dir != str(content_dir) or not base.model:
        return None
    stored = store.load_shards("articles")
    articles = _base_articles(base, stored, edit["articles"])
    if articles is None:
        return None
    articles.update(edit["articles"])
    registry, problems = load_registry(content_dir)
    if problems:
        return None
    swapped, edited, key = {}, set(), str(content_dir)
    # The article cache as loaded and as it will be saved: the parts that hold the changed files are copies.
    cache_parts = list(stored)
    for n in {shard_of(os.path.relpath(path, content_dir)) for path in changed}:
        part = stored[n]
        cache_parts[n] = {**part, "loaded": dict(part["loaded"]), "seen": dict(part["seen"])} if part.get("folder") == key else {}
    for path in changed:
        rel = os.path.relpath(path, content_dir)
        name = Path(rel).as_posix()  # how the base and the page records name the article
        old = articles.get(name)
        if old is None:
            return None  # not a published article: an image, a draft, a file with problems
        try:
            raw = Path(path).read_bytes()
        except OSError:
            return None
        digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
        part = cache_parts[shard_of(rel)]
        was = part and part["loaded"].get((key, rel, old.digest))
        if not was or was[1]:
            return None
        if digest == old.digest:
            new = was[0]
        else:
            new, found = full.parse_source(content_dir, Path(rel), raw, digest, registry, config, packs(len(articles)))
            if new is None or found or new.refs or not _same_but_body(was[0], new):
                return None
        part["loaded"].pop((key, rel, old.digest))
        part["loaded"][(key, rel, digest)] = (new, [])
        part["seen"][rel] = (now_files[path], digest)
        swapped[name] = new if new.category == old.category else replace(new, category=old.category)
        if digest != old.digest:
            edited.add(name)
    articles.update(swapped)

    def article(path: str):
        return articles[path]

    def whole_archive():
        with without_collections():
            return read_record(base.model, article, _filed)

    # The search index changes with any body: its patch is started now, while the archive is read back
    # and the pages render, from the articles alone (at 10,000 articles the build ends about 0.13 s sooner).
    written = functools.partial(full._written, folder=spool, old=output.resolve())
    search_later = Later(functools.partial(written, functools.partial(_search_after_edits, store, base, articles, edited, config, output, whole_archive))) if edited else None
    later = None
    try:
        archive, taskbook = whole_archive()
        # The other whole-archive parts to remake (the open data's inputs did not change) are made
        # by processes of their own while the pages render.
        parts = full.whole_archive_files(archive, config, taskbook, store, base.shared, open_data_key=base.open_data_key)
        kept, to_make = full.reusable_parts(parts, last, output)
        remade = set(last["whole"]) - set(kept)
        search_key = parts[0][0]
        if search_later is not None and search_key not in dict(to_make):
            search_later.close()  # cannot be: the search index's key covers the articles, and one changed
            search_later = None
        if to_make:
            later = Laters(*(search_later if key == search_key and search_later else functools.partial(written, make) for key, make in to_make))
        showing = sorted({dest for name in swapped for dest in base.listed_on.get(name, ())})
        pages, fingerprints, made = [], dict(last["fingerprints"]), {}
        for dest in showing:
            template, title, crumbs, context, facts = read_record(_record_data(base, edit["records"], dest), article, _filed)
            page = Page(dest, template, context, title=title, crumbs=crumbs)
            data, _ = record((template, title, crumbs, context, facts))
            fingerprints[dest] = record_digest(data)
            made[dest] = kept_record(data, base.packed)
            pages.append(page)
        _, _, start = render_stream(pages, archive, config, full.theme(templates_dir, store), taskbook)
        files = dict(start())
    except BaseException:
        for work in (later, search_later):
            if work is not None:
                work.close()
        raise
    store.save_shards("articles", cache_parts, stored)
    outcome = full.Outcome(
        last["problems"], last["articles"], last["pages"], files, 0.0,
        frozenset(last["manifest"]) - set(files) - remade, fingerprints, frozenset(last["whole"]) - remade,
        last["release"], later=later, later_keys=tuple(key for key, _ in to_make),
    )
    state = {
        "token": base.token,
        "articles": {**edit["articles"], **swapped},
        "records": {**edit["records"], **made},
    }
    return outcome, state


def _search_after_edits(store: Store, base: Base, articles: dict, edited: set, config, output: Path, whole_archive):
    """The search index's files after edits to the bodies of articles: the last build's index patched
    for them; or, when it cannot be, made as a full build makes it, from whole_archive() (the archive
    and the task book).

    articles: the base's articles by path, as they are now; edited: the paths of those whose file
    changed. Nothing the index holds of the archive but the edited articles' words changed, so the
    patch needs neither the archive nor the task book: what it takes from them, the organisations
    each article's tasks were filed under, it reads in the index's keys. That index is patched only
    when it is the one published (see _is_published): a build that saved its index and did not
    publish leaves one that is not.
    """
    from . import build as full

    before = store.load("search-index")
    names = [rel for rel, _ in base.articles]
    posix = [rel.replace(os.sep, "/") for rel in names]
    order = [articles[name] for name in posix]
    index = None
    if isinstance(before, search.Index) and len(before.keys) == len(order) and _is_published(before, output):
        at = [i for i, name in enumerate(posix) if name in edited]
        parts = {shard_of(names[i]) for i in at}
        filed = {order[i].path: key[3] for i, key in enumerate(before.keys) if key[3] and shard_of(names[i]) in parts}
        keys = list(before.keys)
        for i in at:
            keys[i] = search.article_key(order[i], filed)
        places = search.changed_places(before, keys)
        if places is not None:
            index = full._patched_index(order, filed, keys, before.facts, before, places, store)
    del before
    if index is None:
        archive, taskbook = whole_archive()
        yield from full._search_index(archive, config, taskbook, store)
    else:
        yield from full._index_files(index, store, saved=False)


def _is_published(index: search.Index, output: Path) -> bool:
    """Whether index's files are those of the site in output.

    Its core file names every other file by a digest of its bytes, and says
    which ward, category and year each article has: an index whose core file
    is the site's holds what the site's search finds for every article, and
    its keys say what each article's part of it was made from.
    """
    try:
        with open(output / urls.SEARCH_CORE, "rb") as file:
            return file.read() == search.core_file(index)
    except OSError:
        return False
