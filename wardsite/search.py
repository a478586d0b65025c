"""The search index: JS files a page loads with <script> tags, so search works from file://.

No fetch, no XHR, no worker: a browser opening the site from disk refuses
them, but it runs any script a page adds. So the index is JavaScript that
hands data to `wardsearch` (theme/static/search.js), in three kinds of file:

- the core (urls.SEARCH_CORE): the wards, years and categories, each article's
  ward, year and category (for the filters), and the names of the other files;
- token shards: folded token → its spellings → article ids, one file per first
  two (or three) letters of the folded token, so a query loads only its own;
- metadata shards: title, link, date, a short text and the tasks of a run of
  consecutive articles, as plain JSON, loaded for the results shown.

Article ids are places in archive.articles (newest first). Id lists are delta
coded as base-64 varints (see `encode_ids`); `search.js` decodes them.

The build keeps the finished files in its cache (`Index`). When articles
change in place (an edit keeps every id), the files are patched, not made
again: each changed article's id goes out of the lists of the forms it lost
and into those of the forms it gained, in the shards that hold them, and the
metadata shards holding it are made again from the articles. Anything else starts over.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata
from array import array
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from html.parser import HTMLParser
from functools import lru_cache
from itertools import accumulate, chain
from pathlib import Path

import orjson

from . import urls
from .archive import Archive
from .config import Config
from .listing import date_short
from .text import TONE_MARKS, fold, nfc, words, words_as_is
from .workers import map_indexed, spreads

META_SIZE = 40  # articles per metadata shard: few bytes per result shown
SHARD_LIMIT = 60_000  # a two-letter shard bigger than this is split by three letters
SNIPPET_CHARS = 160  # stored text per article, for the result's snippet
TASK_CHARS = 140  # stored text per task

# 64 characters that need no escaping in JSON, HTML or a file name.
DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def exact_form(word: str) -> str:
    """A word as spelt, with its tone mark moved to the end: `thụy` and `thuỵ` are one form."""
    decomposed = unicodedata.normalize("NFD", word)
    base = "".join(c for c in decomposed if c not in TONE_MARKS)
    tone = "".join(c for c in decomposed if c in TONE_MARKS)
    return unicodedata.normalize("NFC", base) + tone


@lru_cache(maxsize=1 << 16)
def _token(word: str) -> tuple[str, str]:
    # An archive has a few thousand distinct syllables and millions of words.
    return fold(word), exact_form(word)


def tokens(text: str) -> list[tuple[str, str]]:
    """(folded, exact form) for each word of a text."""
    return [_token(w) for w in words(text)]


def encode_number(n: int) -> str:
    """A varint in DIGITS: five bits a character, low bits first; 32 and up means more follow."""
    out = []
    while True:
        low, n = n & 31, n >> 5
        out.append(DIGITS[low + (32 if n else 0)])
        if not n:
            return "".join(out)


@lru_cache(maxsize=None)
def _small_numbers() -> tuple[str, ...]:
    """encode_number(n) for every n below _SMALL_LIMIT, made a digit at a time: calling it 32,768 times took 40 ms.

    Made when first asked for, not on import: it took 11 ms of every command's start, a twenty-fifth of a rebuild with nothing changed.
    """
    last, more = DIGITS[:32], DIGITS[32:]  # the characters that end a varint, and those that say more follow
    two = [more[low] + last[high] for high in range(1, 32) for low in range(32)]
    three = [more[low] + more[mid] + last[high] for high in range(1, 32) for mid in range(32) for low in range(32)]
    return (*last, *two, *three)


# The index holds millions of small numbers: those below this are looked up, not worked out.
_SMALL_LIMIT = 1 << 15


def _varint(n: int) -> str:
    return _small_numbers()[n] if n < _SMALL_LIMIT else encode_number(n)


def encode_ids(ids) -> str:
    """Ascending ids as varints: the first id, then each gap less one."""
    small, out, previous = _small_numbers(), [], -1
    for i in ids:
        gap = i - previous - 1
        out.append(small[gap] if gap < _SMALL_LIMIT else encode_number(gap))
        previous = i
    return "".join(out)


def decode_numbers(code: str) -> list[int]:
    """The numbers of a string of varints (search.js does the same)."""
    numbers, value, shift = [], 0, 0
    for ch in code:
        d = DIGITS.index(ch)
        value |= (d & 31) << shift
        shift += 5
        if d < 32:
            numbers.append(value)
            value, shift = 0, 0
    return numbers


def decode_ids(code: str) -> list[int]:
    """The inverse of encode_ids."""
    ids, previous = [], -1
    for gap in decode_numbers(code):
        previous += gap + 1
        ids.append(previous)
    return ids


# One varint: characters worth 32 and up (more follow), then one worth less.
_VARINT = re.compile(r"[g-z0-9_-]*[A-Za-f]")


@lru_cache(maxsize=None)
def _steps() -> dict[str, int]:
    """Each small varint's gap plus one: how far it moves the id."""
    return {code: n + 1 for n, code in enumerate(_small_numbers())}


def with_id(code: str, i: int, present: bool) -> str:
    """Ids as encode_ids gives them, with id i in (present) or out; only the varints beside it are made again."""
    numbers = _VARINT.findall(code)
    step = _steps().get
    steps = list(map(step, numbers))
    if None in steps:  # a gap too big for the table
        steps = [step(n) or decode_numbers(n)[0] + 1 for n in numbers]
    ends = [0, *accumulate(steps)]  # each id plus one, after 0 for "none yet"
    at = bisect_left(ends, i + 1, 1) - 1  # how many ids are below i
    there = at < len(numbers) and ends[at + 1] == i + 1
    if there == present:
        return code
    if present:  # i goes in before the id at `at`, whose gap now counts from i
        gaps = [i - ends[at]] + ([ends[at + 1] - i - 2] if at < len(numbers) else [])
        rest = at + 1
    else:  # i goes out: the id after it counts from the one before it
        gaps = [ends[at + 2] - ends[at] - 1] if at + 1 < len(numbers) else []
        rest = at + 2
    return "".join(numbers[:at]) + "".join(map(_varint, gaps)) + "".join(numbers[rest:])


# What must not stand as it is in a script, in UTF-8, and how JSON writes it instead.
_SCRIPT_ESCAPES = tuple((ch.encode("utf-8"), f"\\u{ord(ch):04x}".encode("ascii")) for ch in "<>&\u2028\u2029")


def js_json(value) -> bytes:
    """JSON in UTF-8 that is safe inside a script: no `</script>`, `<!--`, `]]>` or line separators can form.

    Keys sorted, no spaces: what json.dumps(value, ensure_ascii=False,
    sort_keys=True, separators=(",", ":")) writes, written by orjson in a
    third of the time (the index's metadata is every article's title,
    summary and tasks).
    """
    data = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    for raw, escaped in _SCRIPT_ESCAPES:
        data = data.replace(raw, escaped)
    return data


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.parts.append(" ")

    def handle_endtag(self, tag):
        self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)


# A start or end tag written plainly: a name of letters and digits, attributes
# whose quoted values hold no `<`, `>` or other quote. HTMLParser reads each
# such tag as a tag, ending at its `>`; anything else (comments, CDATA, a `>`
# in quotes, and the elements whose text is not read as HTML: script and style,
# and those newer Pythons read as text too) is left to it.
_PLAIN_TAG = re.compile(
    r"""<(?!(?i:script|style|textarea|title|xmp|iframe|noembed|noframes|noscript|plaintext)[\s/>])[a-zA-Z][a-zA-Z0-9]*"""
    r"""(?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:\s*=\s*(?:"[^"<>]*"|'[^'<>]*'|[^\s"'=<>`]+))?)*\s*/?>"""
    r"""|</[a-zA-Z][a-zA-Z0-9]*\s*>"""
)


def _text_of(body_html: str) -> str:
    """The text of an HTML body, each tag as a space, character references resolved.

    Split at spaces, it gives the words of plain_text; HTMLParser takes five
    times as long over the tags and text that Markdown makes, so it reads
    only bodies with something else in them.
    """
    text = _PLAIN_TAG.sub(" ", body_html)
    if "<" in text:
        parser = _Text()
        parser.feed(body_html)
        parser.close()
        return "".join(parser.parts)
    # No character reference spans a space, so resolving them across what were
    # tags gives what HTMLParser gives resolving them between tags.
    return html.unescape(text) if "&" in text else text


def plain_text(body_html: str) -> str:
    """The words of an article's HTML body, tags taken out."""
    return " ".join(_text_of(body_html).split())  # str.split() and \s split on the same spaces


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def strong_text(article, organisations: tuple[str, ...] = ()) -> str:
    """The fields whose matches rank first: title, ward, category, tasks, their assignees as
    written and the registry's names of the organisations they were filed under."""
    tasks = " ".join(f"{t.text} {t.assignee or ''}" for t in article.tasks)
    return f"{article.title} {article.ward_name} {article.category.name} {tasks} {' '.join(organisations)}"


@dataclass(frozen=True)
class Entry:
    """What the index needs of one article, worked out once and cached with it."""

    # The distinct runs of text between spaces (`Giang,`), in NFC and cased
    # as written, of title, ward, category and tasks, and of the body, each
    # as one string, space-separated: a tuple would take five times the
    # memory, and an archive has 100,000 of these. Runs, not the exact forms
    # of their words: an archive repeats its runs, so their forms are looked
    # up once a run for the whole archive (see raw_postings), not once an
    # article: at 10,000 articles, entries and postings took 1.6 s to 1.9 s
    # instead of 1.9 s to 2.3 s.
    strong: str
    body: str


def entry(article, organisations: tuple[str, ...] = ()) -> Entry:
    strong, body = _runs_of(article, organisations)
    return Entry(strong=" ".join(strong), body=" ".join(body))


def _runs_of(article, organisations: tuple[str, ...]) -> tuple[set[str], set[str]]:
    """The distinct runs of an article's strong fields and of its body, as an Entry joins them."""
    return _distinct_runs(strong_text(article, organisations)), _distinct_runs(_text_of(article.body_html))


def _distinct_runs(text: str) -> set[str]:
    """The runs of a text between spaces, each once."""
    return set(nfc(text).split())


def _runs(joined: str):
    """The runs an Entry's field holds."""
    return joined.split(" ") if joined else ()


class _FormsOf(dict):
    """The exact forms of the words of a run of text without spaces (`Giang,` → `giang`), worked out once a run."""

    LIMIT = 300_000  # runs kept; numbers and punctuation make an archive's runs many

    def __missing__(self, run: str) -> tuple[str, ...]:
        if len(self) >= self.LIMIT:
            self.clear()
        found = self[run] = tuple({_token(word)[1] for word in words_as_is(run.casefold())})
        return found


_forms_of = _FormsOf()


def forms_of_runs(runs: str) -> set[str]:
    """The exact forms of the words of an Entry's runs.

    No word spans a space, so the words of a text are those of its runs.
    Case folding, like NFC, maps no character to a space or from one, so
    the runs are cased as written and each new one folded alone.
    """
    return set(chain.from_iterable(map(_forms_of.__getitem__, runs.split(" ")))) if runs else set()


def entries(articles, known: dict, organisations: dict | None = None) -> dict:
    """Each article's Entry by its cache key, taking those in known as they are.

    organisations: the names of the organisations each article's tasks were
    filed under, by article path, so that `Hội Liên hiệp Phụ nữ` finds a task
    given to `Hội Phụ nữ`.
    """
    keyed = {entry_key(a, organisations): a for a in articles}
    todo = [(a, key[3]) for key, a in keyed.items() if key not in known]
    made = dict(zip((key for key in keyed if key not in known), map_indexed(_entry_job, todo, len(todo), "indexing for search")))
    return {key: known.get(key) or made[key] for key in keyed}


def entries_and_postings(articles, known: dict, organisations: dict | None = None) -> tuple[dict, tuple[dict, dict]]:
    """entries(articles, known, organisations), and the raw_postings of those entries in the articles' order.

    Where the entries to make are spread over the cores, their runs are split
    out of them again for the postings. In one process (a build makes the
    index in a process of its own, beside the pages), each new entry's runs
    go into the postings as they are found, their hashes worked out already:
    at 10,000 articles, entries and postings took 1.31 s to 1.38 s instead of 1.42 s to 1.48 s.
    """
    keys = [entry_key(a, organisations) for a in articles]
    if spreads(sum(key not in known for key in keys)):
        made = entries(articles, known, organisations)
        return made, raw_postings([made[key] for key in keys])
    made, strong, body = {}, defaultdict(_ids), defaultdict(_ids)
    for i, (a, key) in enumerate(zip(articles, keys)):
        found = made.get(key) or known.get(key)
        if found is None:
            strong_runs, body_runs = _runs_of(a, key[3])
            found = Entry(strong=" ".join(strong_runs), body=" ".join(body_runs))
        else:
            strong_runs, body_runs = _runs(found.strong), _runs(found.body)
        made[key] = found
        for run in strong_runs:
            strong[run].append(i)
        for run in body_runs:
            body[run].append(i)
    return made, (_by_form(strong), _by_form(body))


def entry_key(article, organisations: dict | None) -> tuple:
    """What an article's Entry depends on: its file, its category's name, its tasks' organisations."""
    return article.digest, article.path, article.category.name, (organisations or {}).get(article.path, ())


def _entry_job(todo, i: int) -> Entry:
    return entry(*todo[i])


def _ids() -> array:
    return array("I")  # four bytes an id: a national archive has tens of millions of postings


def raw_postings(found: list[Entry]) -> tuple[dict[str, array], dict[str, array]]:
    """exact form → ids with it in a strong field, and → ids with it in the body (strong ones not taken out)."""
    return _by_form(_by_run(e.strong for e in found)), _by_form(_by_run(e.body for e in found))


def _by_run(runs_of_each) -> dict[str, array]:
    """run → the ids whose runs (as an Entry holds them) have it, ascending."""
    ids = defaultdict(_ids)
    for i, runs in enumerate(runs_of_each):
        for run in _runs(runs):
            ids[run].append(i)
    return ids


def _by_form(by_run: dict[str, array]) -> dict[str, array]:
    """exact form → the ids with a run that has it: the runs' ids, merged where a form has several (`giang`, `Giang,`)."""
    lists = defaultdict(list)
    for run, ids in by_run.items():
        for exact in _forms_of[run]:
            lists[exact].append(ids)
    return {exact: found[0] if len(found) == 1 else array("I", sorted(set(chain.from_iterable(found)))) for exact, found in lists.items()}


def _body_only(in_strong, in_body):
    if in_strong and in_body:
        taken = set(in_strong)
        return array("I", [i for i in in_body if i not in taken])
    return in_body


def _forms_by_folded(strong: dict, body: dict) -> dict[str, list[str]]:
    forms_of = defaultdict(list)
    for exact in strong.keys() | body.keys():
        forms_of[fold(exact)].append(exact)
    return forms_of


def shard_key(folded: str, split: set[str]) -> str:
    """The shard a token lives in: its first two letters, or three when those two are split."""
    return folded[:3] if folded[:2] in split else folded[:2]


def _encoded_form(in_strong, in_body) -> list[str]:
    """An exact form's two id lists as they stand in its shard: strong ids, and body ids less those."""
    return [encode_ids(in_strong or ()), encode_ids(_body_only(in_strong, in_body) or ())]


def _size(folded: str, forms: dict[str, list[str]]) -> int:
    """What a token counts for in its two-letter prefix's size (nothing when it has no forms)."""
    return len(folded) + sum(len(e) + len(s) + len(b) + 8 for e, (s, b) in forms.items()) if forms else 0


def _split(size: dict[str, int]) -> set[str]:
    return {prefix for prefix, n in size.items() if n > SHARD_LIMIT}


def token_shards(encoded: dict[str, dict[str, list[str]]]) -> tuple[dict[str, dict], list[str], dict[str, int]]:
    """The encoded tokens grouped into shards, the two-letter prefixes that were split, and each prefix's size."""
    size = defaultdict(int)
    for folded, forms in encoded.items():
        size[folded[:2]] += _size(folded, forms)
    split = _split(size)
    shards = defaultdict(dict)
    for folded, forms in encoded.items():
        shards[shard_key(folded, split)][folded] = forms
    return dict(shards), sorted(split), dict(size)


def _file_name(kind: str, key: str, body: bytes) -> str:
    digest = hashlib.sha256(body).hexdigest()[:10]
    safe = key if re.fullmatch(r"[a-z0-9_]+", key) else "x" + "-".join(f"{ord(c):x}" for c in key)
    return f"{kind}-{safe}.{digest}.js"


def _shown(article) -> list:
    """What a result shows of an article, as its metadata shard holds it: [title, link, date, short text, tasks as [text, assignee?]]."""
    tasks = [[_cut(t.text, TASK_CHARS), t.assignee] if t.assignee else [_cut(t.text, TASK_CHARS)] for t in article.tasks]
    return [article.title, urls.article(article), date_short(article.date), _cut(article.summary, SNIPPET_CHARS), tasks]


def article_key(article, organisations: dict | None) -> tuple:
    """What an article's part of the index depends on: its Entry's key (the path as text), its link and its day."""
    digest, path, category, filed = entry_key(article, organisations)
    return digest, path.as_posix(), category, filed, urls.article(article), article.date.toordinal()


def entry_key_of(key: tuple) -> tuple:
    """The entry_key within an article_key."""
    return key[0], Path(key[1]), key[2], key[3]


@dataclass(frozen=True)
class Index:
    """The search index's files, and what it takes to remake them after an edit without starting over.

    Kept in the build cache. At 10,000 articles, making the index from the
    articles' entries takes seconds; patching it for an edited article takes
    a few hundredths (see `patched`): the ids of the forms it gained or lost
    are changed in their shard's file as it stands.
    """

    keys: list[tuple]  # each article's article_key, in archive order (so by id)
    size: dict[str, int]  # two-letter prefix → size of its tokens (see token_shards)
    split: list[str]  # the split prefixes
    tokens: dict[str, tuple[str, bytes]]  # shard key → its file's name and bytes
    meta: list[tuple[str, bytes]]  # each metadata shard's file name and bytes
    facts: dict  # what the core file says of the archive (core_facts)
    limits: tuple[int, int] = (SHARD_LIMIT, META_SIZE)  # what it was made with


def core_facts(archive: Archive) -> dict:
    """What the index's core file says of the archive: its wards, categories and years, and which of them each article has."""
    wards = {w.slug: n for n, w in enumerate(archive.wards)}
    categories = {c.slug: n for n, c in enumerate(archive.categories)}
    years = sorted(archive.years)
    year_number = {y: n for n, y in enumerate(years)}
    packed = "".join([_varint(wards[a.ward]) + _varint(categories[a.category.slug]) + _varint(year_number[a.year]) for a in archive.articles])
    return {
        "count": len(archive.articles),
        "wards": [[w.slug, w.name] for w in archive.wards],
        "categories": [[c.slug, c.name] for c in archive.categories],
        "years": years,
        "articles": packed,  # ward, category and year of each article, as three varints
    }


def fresh_index(articles, postings: tuple[dict, dict], keys: list[tuple], facts: dict) -> Index:
    """The index of articles (newest first), given the raw_postings of their entries, each one's article_key, and the archive's core_facts."""
    strong, body = postings
    encoded = {folded: {e: _encoded_form(strong.get(e), body.get(e)) for e in exacts} for folded, exacts in _forms_by_folded(strong, body).items()}
    del strong, body
    shards, split, size = token_shards(encoded)
    del encoded
    tokens = {key: _token_file(key, shards.pop(key)) for key in sorted(shards)}
    meta = [_meta_file(start, articles[start : start + META_SIZE]) for start in range(0, len(articles), META_SIZE)]
    return Index(list(keys), size, split, tokens, meta, facts, (SHARD_LIMIT, META_SIZE))


PATCH_LIMIT = 50  # articles changed in place that are always patched, however small the archive


def changed_places(index, keys: list[tuple]) -> list[int] | None:
    """The ids whose article changed in place since index was made, or None when index cannot be patched to keys.

    Only changes that keep every article's id can be patched: the same
    number of articles, and only some of them changed (past a tenth,
    starting over costs less).
    """
    if not isinstance(index, Index) or index.limits != (SHARD_LIMIT, META_SIZE) or len(index.keys) != len(keys):
        return None
    places = [i for i, (was, now) in enumerate(zip(index.keys, keys)) if was != now]
    return places if len(places) <= max(PATCH_LIMIT, len(keys) // 10) else None


def _places(e: Entry) -> dict[str, tuple[bool, bool]]:
    """Where an article stands in the lists of each exact form it has: (in the strong ids, in the body-only ids)."""
    strong, body = forms_of_runs(e.strong), forms_of_runs(e.body)
    return {**dict.fromkeys(body - strong, (False, True)), **dict.fromkeys(strong, (True, False))}


def patched(index: Index, articles, keys: list[tuple], changes: dict[int, tuple[Entry, Entry]], facts: dict) -> Index | None:
    """index remade for articles whose entries changed in place (id → (Entry before, Entry now)), in an
    archive of those core_facts; or None when that would split a two-letter shard or join one (then only
    starting over gives what a cold build gives).

    Uses up index.
    """
    split, size, tokens = set(index.split), index.size, dict(index.tokens)
    shards = {}  # shard key → its tokens as its file has them, for each shard touched
    nowhere = (False, False)
    for i, (was, now) in changes.items():
        before, after = _places(was), _places(now)
        for exact in before.keys() | after.keys():
            place = after.get(exact, nowhere)
            if before.get(exact, nowhere) == place:
                continue
            folded = fold(exact)
            key, prefix = shard_key(folded, split), folded[:2]
            if key not in shards:
                shards[key] = _token_data(key, tokens[key][1]) if key in tokens else {}
            forms = shards[key].setdefault(folded, {})
            size[prefix] = size.get(prefix, 0) - _size(folded, forms)
            lists = [with_id(code, i, there) for code, there in zip(forms.get(exact, ("", "")), place)]
            if any(lists):
                forms[exact] = lists
            else:
                forms.pop(exact, None)  # no article has it any more
            size[prefix] += _size(folded, forms)
            if not forms:
                del shards[key][folded]
            if not size[prefix]:
                del size[prefix]
    if _split(size) != split:
        return None
    for key, data in shards.items():
        if data:
            tokens[key] = _token_file(key, data)
        else:
            del tokens[key]

    meta = list(index.meta)
    for number in sorted({i // META_SIZE for i in changes}):
        start = number * META_SIZE
        meta[number] = _meta_file(start, articles[start : start + META_SIZE])
    return Index(list(keys), size, index.split, dict(sorted(tokens.items())), meta, facts, index.limits)


def _token_head(key: str) -> bytes:
    return b"wardsearch.tokens(" + js_json(key) + b","


def _token_file(key: str, data: dict) -> tuple[str, bytes]:
    body = _token_head(key) + js_json(data) + b");\n"
    return _file_name("t", key, body), body


def _token_data(key: str, body: bytes) -> dict:
    """The tokens of a shard's file (the inverse of _token_file)."""
    return json.loads(body[len(_token_head(key)) : -3])


def _meta_file(start: int, articles) -> tuple[str, bytes]:
    body = b"wardsearch.meta(%d," % start + js_json([_shown(a) for a in articles]) + b");\n"
    return _file_name("m", str(start // META_SIZE), body), body


def index_files(index: Index):
    """Every file of the search index, as (output path, bytes), one after another."""
    folder = urls.SEARCH_DATA
    for name, body in index.tokens.values():
        yield f"{folder}/{name}", body
    for name, body in index.meta:
        yield f"{folder}/{name}", body
    yield urls.SEARCH_CORE, core_file(index)


def core_file(index: Index) -> bytes:
    """The index's core file: what it says of the archive, and the names of the other files, which name their bytes (_file_name)."""
    core = {
        **index.facts,
        "split": index.split,
        "shards": {key: name for key, (name, _) in index.tokens.items()},
        "metaSize": META_SIZE,
        "meta": [name for name, _ in index.meta],
    }
    return b"wardsearch.core(" + js_json(core) + b");\n"


def search_files(archive: Archive, config: Config, known: dict | None = None, organisations: dict | None = None) -> dict[str, bytes]:
    """Every file of the search index, by output path; the same archive gives the same bytes.

    known: the articles' entries by key, from `entries` (worked out here when not given).
    """
    _, postings = entries_and_postings(archive.articles, known or {}, organisations)
    keys = [article_key(a, organisations) for a in archive.articles]
    return dict(index_files(fresh_index(archive.articles, postings, keys, core_facts(archive))))
