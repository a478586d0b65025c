"""The search index: JS files a page loads with <script> tags, so search works from file://.

No fetch, no XHR, no worker: a browser opening the site from disk refuses
them, but it runs any script a page adds. So the index is JavaScript that
hands data to `wardsearch` (theme/static/search.js), in three kinds of file:

- the core (urls.SEARCH_CORE): the wards, years and categories, each article's
  ward, year and category (for the filters), and the names of the other files;
- token shards: folded token → its spellings → article ids, one file per first
  two (or three) letters of the folded token, so a query loads only its own;
- metadata shards: title, link, date, a short text and the tasks of a run of
  consecutive articles, loaded for the results shown.

Article ids are places in archive.articles (newest first). Id lists are delta
coded as base-64 varints (see `encode_ids`); `search.js` decodes them.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass
from html.parser import HTMLParser
from functools import lru_cache
from itertools import chain

from . import urls
from .archive import Archive
from .config import Config
from .text import TONE_MARKS, fold, nfc, words, words_as_is
from .workers import map_indexed

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


# The index holds millions of small numbers: those below this are looked up, not worked out.
_SMALL = tuple(encode_number(n) for n in range(1 << 15))
_SMALL_LIMIT = len(_SMALL)


def encode_ids(ids) -> str:
    """Ascending ids as varints: the first id, then each gap less one."""
    out, previous = [], -1
    for i in ids:
        gap = i - previous - 1
        out.append(_SMALL[gap] if gap < _SMALL_LIMIT else encode_number(gap))
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


def js_json(value) -> str:
    """JSON that is safe inside a script: no `</script>`, `<!--`, `]]>` or line separators can form."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for ch, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, escaped)
    return text


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


_US, _RS = "\x1f", "\x1e"


@dataclass(frozen=True)
class Entry:
    """What the index needs of one article, worked out once and cached with it."""

    # The distinct words (as exact forms) of title, ward, category and tasks,
    # and of the body, each as one string, space-separated: a tuple of pairs
    # would take five times the memory, and an archive has 100,000 of these.
    strong: str
    body: str
    # The pieces of title, snippet, then each task's text and assignee, as one
    # string: pieces split by US, texts by RS (taken out of the text first).
    # One string pickles many times faster than thousands of small ones.
    packed: str

    @property
    def texts(self) -> list[list[str]]:
        return [text.split(_US) if text else [] for text in self.packed.split(_RS)]


def entry(article, organisations: tuple[str, ...] = ()) -> Entry:
    texts = [article.title, _cut(article.summary, SNIPPET_CHARS)]
    for t in article.tasks:
        texts += [_cut(t.text, TASK_CHARS), t.assignee or ""]
    return Entry(
        strong=_distinct_forms(strong_text(article, organisations)),
        body=_distinct_forms(_text_of(article.body_html)),
        packed=_RS.join(_US.join(pieces(text.replace(_US, " ").replace(_RS, " "))) for text in texts),
    )


class _FormsOf(dict):
    """The exact forms of the words of a run of text without spaces (`Giang,` → `giang`), worked out once a run."""

    LIMIT = 300_000  # runs kept; numbers and punctuation make an archive's runs many

    def __missing__(self, run: str) -> tuple[str, ...]:
        if len(self) >= self.LIMIT:
            self.clear()
        found = self[run] = tuple({_token(word)[1] for word in words_as_is(run.casefold())})
        return found


_forms_of = _FormsOf()


def _distinct_forms(text: str) -> str:
    """The exact forms of a text's words, each once, space-separated, in no set order.

    No word spans a space, so the words of a text are those of its
    space-separated runs; an archive repeats its runs, so each run's forms
    are looked up rather than found again (twice as fast over 10,000 articles).
    The runs are cased as written: case folding, like NFC, maps no character
    to a space or from one, and folding each new run costs less than folding
    every body whole.
    """
    runs = set(nfc(text).split())
    return " ".join(set(chain.from_iterable(map(_forms_of.__getitem__, runs))))


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


def entry_key(article, organisations: dict | None) -> tuple:
    """What an article's Entry depends on: its file, its category's name, its tasks' organisations."""
    return article.digest, article.path, article.category.name, (organisations or {}).get(article.path, ())


def _entry_job(todo, i: int) -> Entry:
    return entry(*todo[i])


def _ids() -> array:
    return array("I")  # four bytes an id: a national archive has tens of millions of postings


def postings(found: list[Entry]) -> dict[str, dict[str, tuple[array, array]]]:
    """folded → exact form → (ids matching in a strong field, ids matching in the body only)."""
    # By exact form first, one lookup a word (an archive has millions of
    # words and tens of thousands of forms), then grouped by folded form.
    strong, body = defaultdict(_ids), defaultdict(_ids)
    for i, e in enumerate(found):
        for exact in e.strong.split(" ") if e.strong else ():
            strong[exact].append(i)
        for exact in e.body.split(" ") if e.body else ():
            body[exact].append(i)
    forms_of = defaultdict(list)
    for exact in strong.keys() | body.keys():
        forms_of[fold(exact)].append(exact)
    index = {}
    for folded in sorted(forms_of):
        index[folded] = forms = {}
        for exact in sorted(forms_of[folded]):
            in_strong, in_body = strong.get(exact) or _ids(), body.get(exact) or _ids()
            if in_strong and in_body:
                taken = set(in_strong)
                in_body = array("I", [i for i in in_body if i not in taken])
            forms[exact] = (in_strong, in_body)
    return index


def shard_key(folded: str, split: set[str]) -> str:
    """The shard a token lives in: its first two letters, or three when those two are split."""
    return folded[:3] if folded[:2] in split else folded[:2]


def _encoded(index) -> dict[str, dict[str, list[str]]]:
    return {f: {e: [encode_ids(s), encode_ids(b)] for e, (s, b) in forms.items()} for f, forms in index.items()}


def token_shards(index) -> tuple[dict[str, dict], list[str]]:
    """The encoded index grouped into shards, and the two-letter prefixes that were split."""
    encoded = _encoded(index)
    size = defaultdict(int)
    for folded, forms in encoded.items():
        size[folded[:2]] += len(folded) + sum(len(e) + len(s) + len(b) + 8 for e, (s, b) in forms.items())
    split = {prefix for prefix, n in size.items() if n > SHARD_LIMIT}
    shards = defaultdict(dict)
    for folded, forms in encoded.items():
        shards[shard_key(folded, split)][folded] = forms
    return dict(shards), sorted(split)


def _file_name(kind: str, key: str, body: str) -> str:
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()[:10]
    safe = key if re.fullmatch(r"[a-z0-9_]+", key) else "x" + "-".join(f"{ord(c):x}" for c in key)
    return f"{kind}-{safe}.{digest}.js"


# Python's \w is exactly search.js's /[\p{L}\p{N}_]/u (checked over every code point
# in the tests), so both split a text alike. Runs of word and of non-word characters,
# less each single space between two words: a run of non-word characters is passed
# over when it is one space with a word on each side.
_PIECES = re.compile(r"\w+|(?!(?<=\w) (?=\w))\W+")


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def pieces(text: str) -> list[str]:
    """A text as alternating runs of word and non-word characters, single spaces between words left out."""
    return _PIECES.findall(text)


def pack_texts(split: list[tuple[str, ...]]) -> tuple[list[str], list[str]]:
    """Texts (as their pieces) as strings of varint numbers into one word list, and that list, commonest first.

    Vietnamese repeats its syllables, so this stores a text in about a third of its size.
    """
    counts = Counter(p for ps in split for p in ps)
    vocabulary = sorted(counts, key=lambda p: (-counts[p], p))
    code = {p: _SMALL[n] if n < _SMALL_LIMIT else encode_number(n) for n, p in enumerate(vocabulary)}
    return ["".join([code[p] for p in ps]) for ps in split], vocabulary


def unpack_text(code: str, vocabulary: list[str]) -> str:
    """The inverse of pack_texts for one text (search.js does the same)."""
    out, previous_word = [], False
    for n in decode_numbers(code):
        piece = vocabulary[n]
        is_word = _is_word_char(piece[0])
        if is_word and previous_word:
            out.append(" ")
        out.append(piece)
        previous_word = is_word
    return "".join(out)


def meta_shard(articles, found: list[Entry]) -> tuple[list[str], list[list]]:
    """The word list and, per article, [title, link, date, short text, tasks as [text, assignee?]]."""
    codes, vocabulary = pack_texts([texts for e in found for texts in e.texts])
    take = iter(codes)
    docs = []
    for a in articles:
        title, snippet = next(take), next(take)
        tasks = [[text, assignee] if assignee else [text] for text, assignee in ((next(take), next(take)) for _ in a.tasks)]
        docs.append([title, urls.article(a), a.date.strftime("%d/%m/%Y"), snippet, tasks])
    return vocabulary, docs


def search_files(archive: Archive, config: Config, known: dict | None = None, organisations: dict | None = None) -> dict[str, bytes]:
    """Every file of the search index, by output path; the same archive gives the same bytes.

    known: the articles' entries by key, from `entries` (worked out here when not given).
    """
    files: dict[str, str] = {}
    folder = urls.SEARCH_DATA
    known = known if known is not None else entries(archive.articles, {}, organisations)
    found = [known[entry_key(a, organisations)] for a in archive.articles]

    shards, split = token_shards(postings(found))
    shard_names = {}
    for key in sorted(shards):
        body = f"wardsearch.tokens({js_json(key)},{js_json(shards[key])});\n"
        shard_names[key] = _file_name("t", key, body)
        files[f"{folder}/{shard_names[key]}"] = body

    meta_names = []
    for start in range(0, len(archive.articles), META_SIZE):
        vocabulary, docs = meta_shard(archive.articles[start : start + META_SIZE], found[start : start + META_SIZE])
        body = f"wardsearch.meta({start},{js_json(vocabulary)},{js_json(docs)});\n"
        meta_names.append(_file_name("m", str(start // META_SIZE), body))
        files[f"{folder}/{meta_names[-1]}"] = body

    wards = {w.slug: n for n, w in enumerate(archive.wards)}
    categories = {c.slug: n for n, c in enumerate(archive.categories)}
    years = sorted(archive.years)
    packed = "".join(
        encode_number(wards[a.ward]) + encode_number(categories[a.category.slug]) + encode_number(years.index(a.year)) for a in archive.articles
    )
    core = {
        "count": len(archive.articles),
        "wards": [[w.slug, w.name] for w in archive.wards],
        "categories": [[c.slug, c.name] for c in archive.categories],
        "years": years,
        "articles": packed,  # ward, category and year of each article, as three varints
        "split": split,
        "shards": shard_names,
        "metaSize": META_SIZE,
        "meta": meta_names,
    }
    files[urls.SEARCH_CORE] = f"wardsearch.core({js_json(core)});\n"
    return {path: text.encode("utf-8") for path, text in files.items()}
