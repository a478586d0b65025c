"""What a build keeps between runs, in .wardsite-cache/: loaded articles and page fingerprints.

Everything here is an optimisation: deleting the folder gives a cold build
with the same output. Every entry is filed under a toolchain key that
changes with wardsite's own code, the configuration, the registries and the
templates, so a change to any of them starts from scratch.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import tempfile
import zlib
from pathlib import Path

from .model import pack, unpack
from .workers import Later

CACHE_DIR = Path(".wardsite-cache")
FORMAT = 1
SHARDS = 32  # parts of a per-article cache: an edit rewrites one, not the whole archive's


def shard_of(path) -> int:
    """The part of a per-article cache an article's entries go in, by its path."""
    return zlib.crc32(str(path).encode("utf-8", "surrogateescape")) % SHARDS


def _files_digest(h, folder: Path | None) -> None:
    if folder is None or not folder.is_dir():
        return
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")


def toolchain_key(config, content_dir: Path, templates_dir: Path | None) -> str:
    """A digest of everything besides the articles that shapes the output."""
    h = hashlib.sha256(f"{FORMAT}:{config!r}".encode())
    _files_digest(h, Path(__file__).parent)  # wardsite itself, its theme included
    _files_digest(h, templates_dir)
    for name in ("wards.yaml", "organisations.yaml"):
        registry = content_dir / name
        h.update(name.encode() + (registry.read_bytes() if registry.is_file() else b"-"))
    return h.hexdigest()[:32]


class _Fingerprinter(pickle.Pickler):
    # An article stands for itself by its file: the digest of its bytes, its
    # path (the slug may come from the file name) and the category name the
    # archive settled on. Hashing its whole body on every page that lists it
    # would cost more than rendering the page. A filed task stands for itself
    # by its article, its place there and the organisation it was filed
    # under: its text is the article's; pickling it field by field made the
    # task pages nine tenths of all fingerprinting.
    #
    # reducer_override is not asked about strings, numbers, tuples, lists or
    # dicts, the most of what a page holds (persistent_id is asked about
    # every object); and the names of a build's articles and tasks are
    # worked out once, in names_of, not on every page that lists them.
    # The paths of the articles named are noted in `named`.
    def __init__(self, file, names: dict, by_value: bool):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.fast = by_value  # no memo: see fingerprint
        self._names = names
        self.named: set[str] = set()

    def reducer_override(self, obj):
        known = self._names.get(id(obj))
        if known is not None and known[0] is obj:
            reduced = known[1]
        else:
            reduced = _reduced(obj)
            if reduced is None:
                return NotImplemented
        self.named.add(reduced[1][1])
        return reduced


def _article_named(digest: str, path: str, category: str):
    return (digest, path, category)  # what a fingerprint holds for an article: its name (see read_record for the article)


def _filed_named(digest: str, path: str, category: str, number: int, organisation: str):
    return (digest, path, category, number, organisation)  # and for a filed task


def _reduced(obj):
    """An article or a filed task as the reduction to its name; None for anything else."""
    kind = type(obj).__name__
    if kind == "Article" and getattr(obj, "digest", ""):
        return _article_named, (obj.digest, obj.path.as_posix(), obj.category.name)
    if kind == "Filed" and getattr(obj.article, "digest", ""):
        return _filed_named, (*_reduced(obj.article)[1], obj.number, obj.organisation)
    return None


def names_of(objects) -> dict:
    """The fingerprint names of articles and filed tasks, worked out once for many fingerprints of pages that list them.

    Keyed by id, each with its object: a name is used only for that very object.
    """
    table = {}
    for obj in objects:
        known = table.get(id(getattr(obj, "article", None)))  # a filed task after its article: that name is made
        if known is not None and type(obj).__name__ == "Filed" and known[0] is obj.article:
            table[id(obj)] = (obj, (_filed_named, (*known[1][1], obj.number, obj.organisation)))
            continue
        reduced = _reduced(obj)
        if reduced is not None:
            table[id(obj)] = (obj, reduced)
    return table


def record(value, names: dict | None = None, by_value: bool = False) -> tuple[bytes, frozenset[str]]:
    """value pickled with each article and filed task by its name (names: see names_of), and the paths of the articles named.

    A page's record is what its fingerprint is the digest of, and what an
    edit build reads the page back from (read_record) without planning the site.
    """
    buffer = io.BytesIO()
    pickler = _Fingerprinter(buffer, names or {}, by_value)
    pickler.dump(value)
    return buffer.getvalue(), frozenset(pickler.named)


def record_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class _RecordReader(pickle.Unpickler):
    def __init__(self, file, article, filed):
        super().__init__(file)
        self._article, self._filed = article, filed

    def find_class(self, module, name):
        if module == __name__ and name == "_article_named":
            return lambda digest, path, category: self._article(path)
        if module == __name__ and name == "_filed_named":
            return lambda digest, path, category, number, organisation: self._filed(self._article(path), number, organisation)
        return super().find_class(module, name)


def read_record(data: bytes, article, filed):
    """The value of a record, each article named in it given by article(path), and each filed task by filed(article, number, organisation)."""
    return _RecordReader(io.BytesIO(data), article, filed).load()


def kept_record(data: bytes, packed: bool) -> bytes:
    """A page's record as kept for edit builds: packed (model.pack) or as it is (see unkept)."""
    return pack(data) if packed else data


def unkept(kept: bytes, packed: bool) -> bytes:
    """What kept_record kept, as it was given."""
    return unpack(kept) if packed else kept


# A full build keeps its page records this many to a batch: packed one by one,
# each cost 9.5 µs and kept half its size; packed 32 together (pages planned
# next to each other list the same articles), they cost a third of that and
# keep a fifth. At 100,000 articles (142,000 pages) that is some 0.9 s of the
# build's own time, and the edit base's file went from 194 MB to 112 MB.
RECORDS_A_BATCH = 32


def kept_batch(records: list[bytes], packed: bool) -> bytes:
    """Page records as kept together: one after another, packed or not (see record_in_batch)."""
    return kept_record(b"".join(records), packed)


def record_in_batch(batch: bytes, start: int, stop: int, packed: bool) -> bytes:
    """The record kept at start:stop of a batch made by kept_batch."""
    return unkept(batch, packed)[start:stop]


def fingerprint(value, names: dict | None = None, by_value: bool = False) -> str:
    """A digest of a page's inputs; an article counts by the digest of its file (names: see names_of).

    Pickled with its memo, a value that holds one object twice gives other
    bytes than an equal value holding two equal objects: an article loaded
    from the cache shares fewer strings than one just parsed. For a page
    that costs at most a render; by_value gives equal values equal digests
    whatever objects they share, for values without cycles (two to three
    times slower on values that repeat large objects, as pages do).
    """
    return record_digest(record(value, names, by_value)[0])


def fingerprint_all(items, by_value: bool = False) -> str:
    """A digest of items taken one at a time, so that they need not all be held at once:
    at 100,000 articles a tuple of what the open data is made from is a hundred MB,
    and the processes forked after it would start that much bigger."""
    digest = hashlib.blake2b(digest_size=16)
    # One pickler for them all, writing into the digest: a pickler, a buffer and a
    # digest for each of 10,000 items took as long again as pickling them.
    pickler = _Fingerprinter(_Feeding(digest), {}, by_value)
    for item in items:
        pickler.dump(item)  # each pickle ends with its STOP: items cannot run into each other
        pickler.clear_memo()  # nor refer to each other
    return digest.hexdigest()


class _Feeding:
    """A file for a pickler that feeds what it writes to a digest."""

    def __init__(self, digest):
        self.write = digest.update


class Store:
    """One pickled value per name under the cache folder, tied to a toolchain key."""

    def __init__(self, key: str, folder: Path = CACHE_DIR):
        self.key = key
        self.folder = folder
        self._saving: list = []  # Laters saving meanwhile

    def load(self, name: str):
        try:
            with open(self.folder / f"{name}.pickle", "rb") as file:
                stored_key, value = pickle.load(file)
        except Exception:  # a missing, old or damaged cache is simply a cold build
            return None
        return value if stored_key == self.key else None

    def load_shards(self, name: str, only=range(SHARDS)) -> list[dict]:
        """The SHARDS parts saved by save_shards; {} for each part missing, or not among the numbers only."""
        return [(self.load(f"{name}-{n}") or {}) if n in only else {} for n in range(SHARDS)]

    def save_shards(self, name: str, parts: list[dict], before: list[dict], meanwhile: bool = False) -> None:
        """Save the parts that differ from those loaded before (an unchanged entry is the very object loaded, so compares at once).

        meanwhile: saved as save_meanwhile saves.
        """
        changed = [(n, part) for n, part in enumerate(parts) if part != (before[n] if n < len(before) else None)]
        if not changed:
            return
        if meanwhile:
            self._saving.append(Later(lambda: [self.save(f"{name}-{n}", part) for n, part in changed]))
        else:
            for n, part in changed:
                self.save(f"{name}-{n}", part)

    def save_meanwhile(self, name: str, make) -> None:
        """Save make() under name from a process of its own, started now, while the caller goes on; finish() waits for it."""
        self._saving.append(Later(lambda: self.save(name, make())))

    def finish(self) -> None:
        """Wait for the saves made meanwhile (a save that failed costs speed next time, nothing else)."""
        while self._saving:
            try:
                self._saving.pop().result()
            except Exception:
                pass

    def save(self, name: str, value) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self.folder, prefix=f".{name}.")
            with os.fdopen(fd, "wb") as file:
                pickle.dump((self.key, value), file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, self.folder / f"{name}.pickle")
        except OSError:
            pass  # a cache that cannot be written costs speed, not correctness
