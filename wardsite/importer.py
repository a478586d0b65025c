"""Importing articles scraped from ward websites into article files.

A raw article is plain text: a category line, the title, a byline
`Ngày đăng DD/MM/YYYY | HH:MM | Lượt xem: N`, the body (paragraphs, photo
captions, task lists), an optional `(Nguồn: ...)` line and, at times, the
website's own trailing boilerplate.

`parse_raw` turns that text into front matter and a Markdown body and never
touches the disk; `import_files` is the one function that reads and writes.

Tasks and assignees
-------------------
The items of a list are tasks when the paragraph just before the list sets
out tasks (it says `nhiệm vụ sau`, `kết luận`, `cụ thể`, `đề nghị`, `yêu
cầu`, `nội dung sau`, `như sau`, `chỉ đạo` ...). A list that follows a task
list directly, or is nested under one of its items, holds tasks too. An
item that ends with `:` takes the paragraph under it (`1. Đối với MTTQ
phường:`, a blank line, then what MTTQ is to do) or the list under it.

An item is addressed to an organisation when it starts, after an optional
`Giao`, `Giao cho`, `Đề nghị`, `Yêu cầu` or `Đối với`, with the name of an
organisation in one of its known forms (MTTQ, Hội CCB, Hội Liên hiệp Phụ
nữ, Đoàn thanh niên, Công đoàn, UBND, Đảng ủy, Khối dân vận, các đoàn thể
...). The assignee is then:

* every organisation named at the start, as the article writes them, with
  the separators between them (`MTTQ và các đoàn thể`, `UBND, Công an, các
  nhà trường`), the first letter in upper case;
* without a trailing `phường` or `phường <Name>`: the article is about that
  ward already, so `Hội CCB phường` is `Hội CCB` and `Đảng ủy phường Ngọc
  Thụy` is `Đảng ủy` (`UBND quận` keeps `quận`: that is another body).

The task text is the item without its list marker, kept whole (`MTTQ thực
hiện tốt ...`), except that a leading label `Đối với Hội CCB phường:` is
taken off (`Tập trung tổ chức ...`), since the assignee now says it. An
item that starts with anything else (a verb: `Tập trung tuyên truyền ...`)
has no assignee.

Re-importing
------------
Each imported file ends with a Markdown comment (invisible on the site) that
records a short hash of the raw article and of the text as imported:
`<!-- wardsite import: source 1a2b..., text 3c4d... -->`. With it a later
run tells apart "this is my article, untouched" (rewritten only when the
importer's output has changed), "this is my article, edited since"
(refused unless force) and "this is another article that took the path"
(the import goes to `-2`, `-3` ...). A file without the comment is treated
as the same article when its date and title are the ones being imported,
and as another article otherwise.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .content import decode, dump, split
from .errors import ContentError
from .registry import Registry, Ward
from .text import fold, nfc, sentence_case, slugify, squash_spaces
from .yamltext import parse_yaml

MAX_RAW_BYTES = 10 * 1024 * 1024
MAX_SLUG_LENGTH = 80

# ---------------------------------------------------------------------------
# Lines: normalised text, boilerplate, byline, source


_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufeff]")

# Folded lines that are the ward website's chrome, not the article.
_BOILERPLATE = {"hien thi media", "tieu de", "thong ke truy cap", "thong ke", "lien ket website"}
_COUNTER = re.compile(r"(?:dang online|tong so truy cap|luot truy cap|truy cap hom nay|hom nay|tong truy cap)\s*:?\s*[\d., ]{1,20}")

_SOURCE = re.compile(r"\(?\s*ngu[oồ]n\s*:\s*([^()]{1,200}?)\s*\)?\s*\.?", re.IGNORECASE)

_BYLINE_LABEL = re.compile(r"(?:ngay dang|ngay cap nhat|dang ngay)\b")
_BYLINE_DATE_FIRST = re.compile(r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}\b")
_DATE = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})")
_TIME = re.compile(r"(\d{1,2})\s*[:h]\s*(\d{2})\b")
_VIEWS = re.compile(r"(?:luot xem|luot doc|view count|views?)\s*:?\s*(\d[\d.,]{0,15})")
MAX_BYLINE = 300


def normalise(text: str) -> str:
    """NFC text with LF line ends, without a BOM or control characters."""
    text = _LINE_BREAKS.sub("\n", text)
    return nfc(_CONTROL.sub("", text))


def _is_boilerplate(line: str) -> bool:
    if len(line) > 60:
        return False
    folded = fold(line).strip(" .:")
    return folded in _BOILERPLATE or bool(_COUNTER.fullmatch(folded))


@dataclass(frozen=True)
class Byline:
    date: str  # "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS+07:00"
    views: int | None


def _is_byline(line: str) -> bool:
    if len(line) > MAX_BYLINE:
        return False
    folded = fold(line)
    return bool(_BYLINE_LABEL.match(folded)) or (
        bool(_BYLINE_DATE_FIRST.match(folded)) and len(folded) <= 60 and ("|" in folded or _VIEWS.search(folded) is not None or _TIME.search(folded) is not None)
    )


def parse_byline(line: str) -> tuple[Byline | None, str | None]:
    """The date (with its time when given) and the view count of a byline, or why not."""
    folded = fold(line)
    shown = squash_spaces(line)
    m = _DATE.search(folded)
    if not m:
        return None, f"the date line `{shown}` has no date; write it as `Ngày đăng DD/MM/YYYY | HH:MM`"
    day, month, year = (int(g) for g in m.groups())
    try:
        day_value = date(year, month, day)
    except ValueError:
        return None, f"the date {day:02d}/{month:02d}/{year} in `{shown}` does not exist; correct the day or month (DD/MM/YYYY)"
    if not 1900 <= year <= 2200:
        return None, f"the year {year} in `{shown}` is out of range; write the date as DD/MM/YYYY"
    rest = folded[m.end():]
    views_match = _VIEWS.search(rest)
    time_part = rest[: views_match.start()] if views_match else rest
    value = day_value.isoformat()
    t = _TIME.search(time_part)
    if t:
        hour, minute = int(t.group(1)), int(t.group(2))
        if hour > 23 or minute > 59:
            return None, f"the time {t.group(0)} in `{shown}` does not exist; write it as HH:MM, 00:00 to 23:59"
        value = f"{value} {hour:02d}:{minute:02d}:00+07:00"
    views = None
    if views_match:
        # `1.204` and `1,204` are thousands, as the sites print them.
        digits = re.sub(r"[.,]", "", views_match.group(1))
        views = int(digits) if digits else None
    return Byline(value, views), None


def _source(line: str) -> str | None:
    m = _SOURCE.fullmatch(line)
    if not m:
        return None
    # `(Nguồn: VPĐU)` needs both brackets or neither.
    if line.startswith("(") != line.rstrip(".").endswith(")"):
        return None
    return squash_spaces(m.group(1)) or None


# ---------------------------------------------------------------------------
# Blocks: paragraphs and lists

_BULLETS = "-+•●▪◦*–·"
_MARKER = re.compile(
    r"(?:(?P<bullet>[-+•●▪◦*–·])|(?P<num>\d{1,3})[.)]|(?P<letter>[a-zđ])[.)])"
    r"(?:\s+|(?=[A-ZÀ-ỸĐ]))(?P<text>\S.*)"
)


@dataclass
class Item:
    number: int
    text: str
    children: list["Item"] = field(default_factory=list)
    children_kind: str | None = None


@dataclass
class Block:
    kind: str  # "p" for a paragraph, or a list's marker kind: "-", "+", "•" ..., "num", "letter"
    text: str = ""
    items: list[Item] = field(default_factory=list)
    tasks: bool = False


def _marker(line: str) -> tuple[str, int, str] | None:
    """(kind, number, text) of a list item line, or None for any other line."""
    m = _MARKER.fullmatch(line)
    if not m:
        return None
    if m.group("bullet"):
        bullet = m.group("bullet")
        # `-Giao MTTQ` is an item; `-5 độ`, `*Ghi chú` and `**đậm**` are not.
        if bullet not in "•●▪◦·" and not line[1:2].isspace() and (bullet not in "-–" or not m.group("text")[:1].isupper()):
            return None
        return ("-" if bullet in "-–" else bullet), 0, m.group("text")
    if m.group("num"):
        return "num", int(m.group("num")), m.group("text")
    return "letter", ord(m.group("letter")) - ord("a") + 1, m.group("text")


def _joined(lines: list[str]) -> list[str]:
    """Lines with a wrapped paragraph or item joined into one; "" between blocks."""
    joined: list[str] = []
    pending: list[str] = []
    for line in [*lines, ""]:
        if line and pending and _marker(line) is None:
            pending.append(line)  # a wrapped line goes on with the one above
            continue
        if pending:
            joined.append(" ".join(pending))
        pending = [line] if line else []
        if not line:
            joined.append("")
    return joined


def blocks_of(lines: list[str]) -> list[Block]:
    """Paragraphs and lists: wrapped lines joined, list items kept together across blank lines.

    An item that ends with `:` and is followed by items with another marker
    holds those as a nested list (`1. Đối với MTTQ:` then `- ...` lines).
    """
    blocks: list[Block] = []
    for line in _joined(lines):
        if not line:
            continue
        marker = _marker(line)
        last = blocks[-1] if blocks else None
        parent = last.items[-1] if last is not None and last.items else None
        if marker is None:
            if parent is not None and not parent.children and parent.text.endswith(":"):
                # `1. Đối với MTTQ phường:`, a blank line, then what MTTQ is to do.
                parent.text += " " + line
            else:
                blocks.append(Block("p", text=line))
            continue
        kind, number, text = marker
        item = Item(number, text)
        if last is not None and last.kind == kind:
            last.items.append(item)
        elif parent is not None and parent.children_kind == kind:
            parent.children.append(item)
        elif parent is not None and not parent.children and parent.text.endswith(":"):
            parent.children.append(item)
            parent.children_kind = kind
        else:
            blocks.append(Block(kind, items=[item]))
    return blocks


# ---------------------------------------------------------------------------
# Which lists set out tasks

_TASK_INTRO = re.compile(
    r"\b(?:nhiem vu sau|noi dung sau|nhu sau|cu the|ket luan|de nghi|yeu cau|chi dao|giao nhiem vu|giao cho"
    r"|phan cong|nhan manh|phuong huong|nhiem vu trong tam|tap trung thuc hien|can tap trung|(?:nhiem vu|noi dung|viec|cong viec|giai phap|bien phap|van de)(?: \w+){0,4} sau)\b"
)


def _ends(text: str, size: int = 2000) -> str:
    """The start and the end of a long text: where an introduction says what follows."""
    return text if len(text) <= 2 * size else f"{text[:size]} … {text[-size:]}"


def mark_task_lists(blocks: list[Block]) -> None:
    """Mark the lists whose items are tasks: introduced by a paragraph that sets out tasks."""
    previous: Block | None = None
    for block in blocks:
        if block.kind != "p":
            if previous is None:
                block.tasks = False
            elif previous.kind == "p":
                block.tasks = bool(_TASK_INTRO.search(fold(_ends(previous.text))))
            else:
                block.tasks = previous.tasks
        previous = block


# ---------------------------------------------------------------------------
# Organisations and assignees

# Known forms of the organisations a task goes to. A word in capitals (MTTQ,
# CCB) must match exactly; any other word matches in any case and with or
# without its marks (`Đảng ủy`, `Đảng uỷ`, `đảng ủy`).
_ORGANISATIONS = """
văn phòng đảng ủy | VPĐU | ban thường vụ đảng ủy | ban thường vụ | BTV đảng ủy | BTV | thường trực đảng ủy
thường vụ đảng ủy | ban chấp hành | BCH | ủy ban kiểm tra đảng ủy | ủy ban kiểm tra | UBKT | đảng ủy | ĐU | ĐUP
đảng bộ | cấp ủy | các cấp ủy | chi bộ | các chi bộ | các chi bộ trực thuộc | bí thư chi bộ | các bí thư chi bộ | chính quyền
ủy ban mặt trận tổ quốc việt nam | ủy ban mặt trận tổ quốc | ban thường trực ủy ban mặt trận tổ quốc
UBMTTQ | MTTQ | MTTQVN | UBMT | ủy ban MTTQ | mặt trận tổ quốc việt nam | mặt trận tổ quốc | mặt trận | ban công tác mặt trận | các ban công tác mặt trận
hội cựu chiến binh | hội CCB | CCB | hội liên hiệp phụ nữ | hội LHPN | LHPN | hội phụ nữ
đoàn thanh niên cộng sản hồ chí minh | đoàn TNCS hồ chí minh | đoàn TNCS HCM | đoàn thanh niên | đoàn TN | ĐTN | đoàn phường | chi đoàn | các chi đoàn
công đoàn cơ sở | công đoàn | CĐCS | hội nông dân | hội ND | hội người cao tuổi | hội NCT | hội khuyến học | hội chữ thập đỏ | hội CTĐ | chữ thập đỏ
ủy ban nhân dân | UBND | hội đồng nhân dân | HĐND | thường trực HĐND | thường trực hội đồng nhân dân
khối dân vận | ban dân vận | các tổ dân vận | tổ dân vận | khối đảng | khối MTTQ | văn phòng
công an | CA | ban chỉ huy quân sự | ban CHQS | ban chỉ đạo | các ban chỉ đạo | các nhà trường | nhà trường | trạm y tế
các đoàn thể | các ngành đoàn thể | các ban ngành đoàn thể | các ban ngành | các ban, ngành | đoàn thể
các tổ chức chính trị - xã hội | các tổ chức chính trị xã hội | các tổ chức hội | các tổ chức cơ sở đảng | các hội | các chi hội | chi hội
các tổ dân phố | tổ dân phố | TDP | các TDP | tổ trưởng dân phố | các tổ trưởng dân phố | các khu dân cư | ban điều hành tổ dân phố | các ban điều hành | bí thư chi bộ | các bí thư chi bộ
"""
_QUALIFIERS = "chính trị - xã hội | chính trị xã hội | chính trị-xã hội | CTXH"
_ROLES = "thành viên | lãnh đạo | cán bộ | các đồng chí | toàn thể"
_LEADS = "giao cho | giao | đề nghị | yêu cầu | đối với"
_JOINS = {"va", "cung", "cung voi"}


def _patterns(spec: str) -> dict[str, list[tuple[str, ...]]]:
    """The forms of a spec, by their first word, the longest form first."""
    forms = [squash_spaces(p) for p in spec.replace("\n", "|").split("|") if p.strip()]
    patterns = {tuple(w if _is_abbreviation(w) else fold(w) for w in form.split(" ")) for form in forms}
    index: dict[str, list[tuple[str, ...]]] = {}
    for pattern in sorted(patterns, key=len, reverse=True):
        index.setdefault(pattern[0], []).append(pattern)
    return index


def _is_abbreviation(word: str) -> bool:
    return len(word) >= 2 and word.isupper()


_ORG_PATTERNS = _patterns(_ORGANISATIONS)
_QUALIFIER_PATTERNS = _patterns(_QUALIFIERS)
_ROLE_PATTERNS = _patterns(_ROLES)
_LEAD_PATTERNS = _patterns(_LEADS)
_TRAILING = ",.;:!?)…"


@dataclass(frozen=True)
class Token:
    start: int
    end: int  # without trailing punctuation
    word: str  # as written, without trailing punctuation
    folded: str
    punct: str  # the trailing punctuation, e.g. "," or ":"


def tokens_of(text: str) -> list[Token]:
    tokens = []
    for m in re.finditer(r"\S+", text):
        raw = m.group(0)
        word = raw.rstrip(_TRAILING)
        if word in ("–", "—"):
            word = "-"
        tokens.append(Token(m.start(), m.start() + len(word), word, fold(word), raw[len(word):]))
    return tokens


def _match(tokens: list[Token], i: int, patterns: dict[str, list[tuple[str, ...]]]) -> int | None:
    """The index after the longest pattern that matches at token i (punctuation only at its end)."""
    if i >= len(tokens):
        return None
    candidates = patterns.get(tokens[i].folded, []) + patterns.get(tokens[i].word, [])
    for pattern in sorted(candidates, key=len, reverse=True):
        end = i + len(pattern)
        if end > len(tokens):
            continue
        if all(
            (tokens[i + k].word == p if _is_abbreviation(p) else tokens[i + k].folded == p)
            and (k == len(pattern) - 1 or not tokens[i + k].punct)
            for k, p in enumerate(pattern)
        ):
            return end
    return None


def _organisation(tokens: list[Token], i: int) -> tuple[int, int] | None:
    """(end of the name, end including a trailing `phường X`) of an organisation at token i."""
    j = i
    role = _match(tokens, j, _ROLE_PATTERNS)
    if role is not None and not tokens[role - 1].punct:
        j = role
    end = _match(tokens, j, _ORG_PATTERNS)
    if end is None:
        return None
    # Compound names: `Khối dân vận Đảng ủy`, `Ban chấp hành các tổ chức Hội`.
    while not tokens[end - 1].punct:
        more = _match(tokens, end, _QUALIFIER_PATTERNS) or _match(tokens, end, _ORG_PATTERNS)
        if more is None:
            break
        end = more
    # `UBND quận`, `Công an thành phố`: a body above the ward's, named in full.
    level = _level(tokens, end) if not tokens[end - 1].punct else None
    if level is not None:
        end = _capitalised_words(tokens, level)
    full = end
    if not tokens[end - 1].punct and end < len(tokens) and nfc(tokens[end].word).casefold() == "phường":
        # `phường Ngọc Thụy`: the ward's name in capitals, at most three words.
        full = _capitalised_words(tokens, end + 1)
    return end, full


_LEVELS = {("quận",), ("huyện",), ("thành", "phố"), ("thị", "xã")}


def _level(tokens: list[Token], i: int) -> int | None:
    """The index after `quận`, `huyện`, `thành phố` or `thị xã` at token i."""
    for level in _LEVELS:
        words = tuple(nfc(t.word).casefold() for t in tokens[i : i + len(level)])
        if words == level and not any(t.punct for t in tokens[i : i + len(level) - 1]):
            return i + len(level)
    return None


def _capitalised_words(tokens: list[Token], i: int, most: int = 3) -> int:
    """The index after up to `most` capitalised words from token i (a place's name)."""
    end = i
    while end < len(tokens) and end - i < most and not tokens[end - 1].punct and tokens[end].word[:1].isupper():
        end += 1
    return end


MAX_ADDRESS = 400


@dataclass(frozen=True)
class Addressee:
    assignee: str
    rest: str  # the item's text after a `Đối với X:` label, or the whole item


def addressee(text: str) -> Addressee | None:
    """Who an item is addressed to, when it starts with organisations; None otherwise."""
    # The organisations come first: a few dozen words are all there is to read.
    head = text if len(text) <= MAX_ADDRESS else text[:MAX_ADDRESS].rsplit(" ", 1)[0]
    tokens = tokens_of(head)
    i = 0
    lead = _match(tokens, 0, _LEAD_PATTERNS)
    if lead is not None and not tokens[lead - 1].punct:
        i = lead
    parts: list[str] = []
    last_full = None
    while True:
        found = _organisation(tokens, i)
        if found is None:
            break
        end, full = found
        parts.append(text[tokens[i].start : tokens[end - 1].end])
        last_full = full
        punct = tokens[full - 1].punct
        if punct.startswith(","):
            separator, nxt = ", ", full
        elif not punct and full < len(tokens) and tokens[full].folded in _JOINS:
            separator, nxt = f" {tokens[full].word} ", full + 1
        elif not punct and full + 1 < len(tokens) and f"{tokens[full].folded} {tokens[full + 1].folded}" in _JOINS:
            separator, nxt = f" {tokens[full].word} {tokens[full + 1].word} ", full + 2
        else:
            break
        if _organisation(tokens, nxt) is None:
            break
        parts.append(separator)
        i = nxt
    if last_full is None:
        return None
    assignee = "".join(parts)
    assignee = assignee[:1].upper() + assignee[1:]
    rest = text
    label_end = tokens[last_full - 1]
    if label_end.punct.startswith(":"):
        # `Đối với Hội CCB phường: Tập trung ...`: the label is the assignee.
        rest = text[label_end.end + len(label_end.punct) :].strip()
    return Addressee(assignee, rest)


# ---------------------------------------------------------------------------
# The ward an article names


_PHUONG = re.compile(r"(?<!\w)phường(?!\w)", re.IGNORECASE)
MAX_MENTIONS = 200


def _is_ward_word(token: Token) -> bool:
    return nfc(token.word).casefold() == "phường" and not token.punct


def find_ward(text: str, registry: Registry) -> Ward | None:
    """The first ward named as `phường <Name>` in text, as the registry names it.

    With a registry, the one to three words after `phường` must be a spelling
    it knows (any case, either tone placement); with an open registry (no
    wards.yaml) the capitalised words after `phường` are the name.
    """
    for n, mention in enumerate(_PHUONG.finditer(text)):
        if n >= MAX_MENTIONS:
            break
        # The words after `phường`, and nothing more, are the ward's name.
        window = text[mention.start() : mention.start() + 120]
        tokens = tokens_of(window)
        i = 0
        if not tokens or not _is_ward_word(tokens[0]):
            continue
        if registry.open:
            end = i + 1
            while end < len(tokens) and end - i <= 3 and (tokens[end].word[:1].isupper() or tokens[end].word.isdigit()):
                if _is_abbreviation(tokens[end].word) and not tokens[end].word.isdigit():
                    break
                end += 1
                if tokens[end - 1].punct:
                    break
            if end > i + 1:
                return registry.find(window[tokens[i + 1].start : tokens[end - 1].end])
            continue
        ends = []
        for end in range(i + 2, min(i + 5, len(tokens) + 1)):
            ends.append(end)
            if tokens[end - 1].punct:
                break
        for end in reversed(ends):
            ward = registry.find(window[tokens[i + 1].start : tokens[end - 1].end])
            if ward is not None and ward.recorded:
                return ward
    return None


def _unknown_ward(name: str, registry: Registry) -> str:
    near = registry.suggest(name)
    hint = f"did you mean `{near}`?" if near else f"the wards are: {', '.join(w.name for w in registry.wards)}"
    return f"--ward `{squash_spaces(name)}` is not a ward the registry knows; {hint}"


def _no_ward(registry: Registry, texts: list[str]) -> str:
    unrecorded = next((w.name for w in registry.wards if not w.recorded), None)
    example = unrecorded or (registry.wards[0].name if registry.wards else "Đức Giang")
    unknown = next((w for w in (find_ward(t, Registry()) for t in texts if t) if w is not None), None)
    if unknown is not None:
        near = registry.suggest(unknown.name)
        hint = f" (did you mean `{near}`?)" if near else ""
        return (
            f"the article names phường {unknown.name}, which {registry.path.name if registry.path else 'the ward registry'} "
            f"does not list{hint}; add the ward there, or give one with --ward"
        )
    return (
        "the article names no ward (no `phường <Name>` in the title or the text); "
        f"give one with --ward, e.g. --ward \"{example}\""
    )


# ---------------------------------------------------------------------------
# Markdown


_INLINE = re.compile(r"[\\`*_\[\]{}]")
_TAG_LIKE = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY_LIKE = re.compile(r"&(?=#?\w{1,32};)")
_ORDERED_START = re.compile(r"(\d+)\.(?=\s|$)")


def escape_markdown(text: str) -> str:
    """Text that Markdown shows as written: no emphasis, links, HTML, headings or lists."""
    text = _INLINE.sub(lambda m: "\\" + m.group(0), text)
    text = _TAG_LIKE.sub("&lt;", _ENTITY_LIKE.sub("&amp;", text))
    if text[:1] in "#>+-=|~":
        text = "\\" + text if text[:1] in "#>+-|" else text
    elif text[:1] == ":":
        text = "&#58;" + text[1:]  # a definition list otherwise
    else:
        text = _ORDERED_START.sub(r"\1\\.", text, count=1) if _ORDERED_START.match(text) else text
    return text


def _render_list(items: list[Item], kind: str, indent: str = "") -> list[str]:
    lines = []
    for n, item in enumerate(items, 1):
        # `1)` and `a)` are not lists in Markdown: number them `1.`, `2.` ...
        marker = f"{item.number}." if kind == "num" else f"{n}." if kind == "letter" else "-"
        lines.append(f"{indent}{marker} {escape_markdown(item.text)}")
        if item.children:
            lines += _render_list(item.children, item.children_kind or "-", indent + "    ")
    return lines


def render_markdown(blocks: list[Block]) -> str:
    parts = []
    for block in blocks:
        if block.kind == "p":
            parts.append(escape_markdown(block.text))
        else:
            parts.append("\n".join(_render_list(block.items, block.kind)))
    return "\n\n".join(parts)


# ---------------------------------------------------------------------------
# Tasks


def _end_mark(text: str) -> str:
    """`vững mạnh./.` → `vững mạnh.`: `/.` closes an official text, it is not part of it."""
    return text[:-2] if text.endswith("./.") else text


def _tasks_of(item: Item, inherited: str | None) -> list:
    found = addressee(item.text)
    assignee = found.assignee if found else inherited
    rest = _end_mark(found.rest if found else item.text)
    tasks = []
    if rest and not (item.children and rest.endswith(":")):
        tasks.append({"text": rest, "assignee": assignee} if assignee else rest)
    for child in item.children:
        tasks += _tasks_of(child, assignee)
    return tasks


def tasks_of(blocks: list[Block]) -> list:
    tasks = []
    for block in blocks:
        if block.kind != "p" and block.tasks:
            for item in block.items:
                tasks += _tasks_of(item, None)
    return tasks


# ---------------------------------------------------------------------------
# One raw article


MAX_HEADER_LINES = 6


def parse_raw(text: str, registry: Registry, ward: str | None = None) -> tuple[dict | None, str, str | None]:
    """(front matter, Markdown body, None) for a raw article, or (None, "", why it cannot be imported)."""
    text = normalise(text)
    if not text.strip():
        return None, "", "the file is empty; there is no article to import"
    given = None
    if ward is not None:
        given = registry.find(ward)
        if given is None:
            return None, "", _unknown_ward(ward, registry)
    lines = [squash_spaces(line) for line in text.split("\n")]
    filled = [i for i, line in enumerate(lines) if line]
    header = filled[:MAX_HEADER_LINES]
    byline_at = next((i for i in header if _is_byline(lines[i])), None)
    example = "`Ngày đăng 13/05/2021 | 14:48 | Lượt xem: 256`"
    if byline_at is None:
        return None, "", f"there is no date line under the title; the third line should read like {example}"
    before = [lines[i] for i in filled if i < byline_at]
    if len(before) < 2:
        return None, "", f"the category line and the title must come before the date line {example}"
    byline, problem = parse_byline(lines[byline_at])
    if problem:
        return None, "", problem
    category, title = sentence_case(before[0]), squash_spaces(" ".join(before[1:]))

    body_lines = [line for line in lines[byline_at + 1 :] if not _is_boilerplate(line)]
    source = None
    for i in range(len(body_lines) - 1, -1, -1):
        if body_lines[i] and len(body_lines[i]) <= MAX_BYLINE and (source := _source(body_lines[i])):
            del body_lines[i]
            break

    found = find_ward(title, registry)
    for line in body_lines:
        if found is not None:
            break
        found = find_ward(line, registry) if line else None
    chosen = found or given
    if chosen is None:
        return None, "", _no_ward(registry, [title, *body_lines])

    blocks = blocks_of(body_lines)
    if blocks:
        last = blocks[-1]
        if last.kind == "p":
            last.text = _end_mark(last.text)
        else:
            tail = last.items[-1].children[-1] if last.items[-1].children else last.items[-1]
            tail.text = _end_mark(tail.text)
    mark_task_lists(blocks)

    meta: dict = {"title": title, "date": byline.date, "ward": chosen.name, "category": category, "tasks": tasks_of(blocks)}
    if source:
        meta["source"] = source
    if byline.views is not None:
        meta["views"] = byline.views
    return meta, render_markdown(blocks), None


# ---------------------------------------------------------------------------
# Files: the one place that reads raw articles and writes article files

_STAMP = re.compile(r"<!-- wardsite import: source ([0-9a-f]{16}), text ([0-9a-f]{16}) -->")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _stamp(source_id: str, content: str) -> str:
    return f"<!-- wardsite import: source {source_id}, text {_digest(content)} -->"


def title_slug(title: str, limit: int = MAX_SLUG_LENGTH) -> str:
    """The file name of an article: its title as a slug."""
    return slugify(title, max_length=limit) or "bai-viet"


def read_raw(raw: bytes) -> str:
    """The text of a raw article file, or raise ValueError with a plain reason."""
    if len(raw) > MAX_RAW_BYTES:
        raise ValueError(f"the file is larger than {MAX_RAW_BYTES // (1024 * 1024)} MB; a raw article is one page of text")
    return decode(raw, if_empty="there is no article to import")


def _claim(target: Path, source_id: str, meta: dict) -> str:
    """Who holds target: "free", "mine" (untouched), "edited" (mine, changed since) or "other"."""
    if not target.exists():
        return "free"
    try:
        text = target.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return "other"
    stamp = _STAMP.search(text)
    if stamp:
        if stamp.group(1) != source_id:
            return "other"
        content = text[: stamp.start()]
        untouched = text[stamp.end() :] == "\n" and content.endswith("\n\n") and _digest(content[:-1]) == stamp.group(2)
        return "mine" if untouched else "edited"
    # No stamp: a file written by hand, or one whose stamp an editor removed.
    parts = split(text)
    if isinstance(parts, str):
        return "other"
    doc, _ = parse_yaml(parts.front_matter, target)
    data = doc.data if doc is not None and isinstance(doc.data, dict) else {}
    same = str(data.get("date", "")).strip() == meta["date"] and squash_spaces(str(data.get("title", ""))) == meta["title"]
    return "edited" if same else "other"


def _write(target: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder, so a reader never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".import-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def import_files(
    paths: list[Path], out_dir: Path, registry: Registry, ward: str | None = None, force: bool = False
) -> tuple[list[Path], list[ContentError]]:
    """Import raw articles into OUT/<ward>/<year>/<slug>.md; (files written, problems).

    A file already holding the same import is left as it is (and not listed);
    one an editor has changed since is refused unless force. Two articles
    whose titles give the same path get `-2`, `-3` ... in the order of their
    raw file names, in one run as across runs.
    """
    if ward is not None and registry.find(ward) is None:
        return [], [ContentError(Path("--ward"), None, _unknown_ward(ward, registry))]
    out_dir = Path(out_dir)
    errors: list[ContentError] = []
    plan: list[tuple[Path, bytes]] = []
    taken: dict[Path, str] = {}  # path -> source of the article it holds in this run
    for raw_path in sorted(dict.fromkeys(Path(p) for p in paths), key=str):
        try:
            text = normalise(read_raw(raw_path.read_bytes()))
        except OSError as exc:
            errors.append(ContentError(raw_path, None, f"cannot be read ({exc.strerror or exc})"))
            continue
        except ValueError as exc:
            errors.append(ContentError(raw_path, None, str(exc)))
            continue
        meta, body, refusal = parse_raw(text, registry, ward)
        if refusal:
            errors.append(ContentError(raw_path, None, refusal))
            continue
        source_id = _digest(text)
        content = dump(meta, body)
        data = f"{content}\n{_stamp(source_id, content)}\n".encode("utf-8")
        folder = out_dir / registry.find(meta["ward"]).slug / meta["date"][:4]
        slug = title_slug(meta["title"])
        n = 1
        while True:
            target = folder / (f"{slug}.md" if n == 1 else f"{slug}-{n}.md")
            n += 1
            if target in taken:
                if taken[target] == source_id:
                    break  # the same article twice in one run
                continue
            holder = _claim(target, source_id, meta)
            if holder == "other":
                continue
            taken[target] = source_id
            if holder == "edited" and not force:
                errors.append(
                    ContentError(
                        raw_path,
                        None,
                        f"{target} has been edited since it was imported; it is left as it is "
                        "(import with --force to overwrite it, or delete it first)",
                    )
                )
            elif holder != "mine" or target.read_bytes() != data:
                plan.append((target, data))
            break
    written = []
    for target, data in plan:
        try:
            _write(target, data)
        except OSError as exc:
            errors.append(ContentError(target, None, f"cannot be written ({exc.strerror or exc})"))
        else:
            written.append(target)
    return written, errors
