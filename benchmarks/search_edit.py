"""The search index's part of an edit build: `python benchmarks/search_edit.py CONTENT [--code DIR]`.

Loads the archive in CONTENT as a build does (with a copy of ./.wardsite-cache
when there is one, so the cache is left as it was), makes the search index
once as the build before the edit would, then three times over with one
article's body edited in turn, as the edit build's process does
(build._search_index, cache included), and prints the wall and CPU time of
each. --code: the folder holding the wardsite package to time (another
checkout, to compare), by default this one. Not a test: it prints lines.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument("content", type=Path)
parser.add_argument("--code", type=Path, default=Path(__file__).resolve().parents[1])
args = parser.parse_args()
sys.path.insert(0, str(args.code.resolve()))

from wardsite.archive import assemble  # noqa: E402
from wardsite.build import _search_index, discover, load_all, published  # noqa: E402
from wardsite.cache import CACHE_DIR, Store, toolchain_key  # noqa: E402
from wardsite.config import Config  # noqa: E402
from wardsite.model import pack_html  # noqa: E402
from wardsite.organisations import load_organisations  # noqa: E402
from wardsite.registry import load_registry  # noqa: E402
from wardsite.tasks import assign_tasks  # noqa: E402
from wardsite.workers import few_collections, settle  # noqa: E402

EDITED = 9  # the article edited: its id stays the same


def main() -> None:
    config, content = Config(), args.content
    with tempfile.TemporaryDirectory() as work, few_collections():
        cache = Path(work) / "cache"
        if CACHE_DIR.is_dir():
            shutil.copytree(CACHE_DIR, cache)
        store = Store(toolchain_key(config, content, None), cache)
        registry, _ = load_registry(content)
        articles, _ = load_all(content, discover(content), registry, config, store)
        store.finish()
        archive = assemble(published(articles, config, datetime.now(config.tz)), registry)
        taskbook = assign_tasks(archive, load_organisations(content)[0])
        settle()
        print(f"wardsite from {args.code}, {len(archive.articles)} articles")
        timed("before the edit", archive, config, taskbook, store)
        for n in range(3):
            timed(f"edit {n + 1}", edited(archive, n), config, taskbook, store)


def edited(archive, n: int):
    a = archive.articles[EDITED]
    body = a.body_html + f"<p>Câu thêm vào lần {n} để thử.</p>"
    b = replace(a, body=pack_html(body), digest=hashlib.blake2b(body.encode(), digest_size=16).hexdigest())
    return replace(archive, articles=(*archive.articles[:EDITED], b, *archive.articles[EDITED + 1 :]))


def timed(label: str, archive, config, taskbook, store) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    files = sum(1 for _ in _search_index(archive, config, taskbook, store))
    print(f"{label}: {time.perf_counter() - wall:.3f} s, {time.process_time() - cpu:.3f} s of CPU, {files} files")


if __name__ == "__main__":
    main()
