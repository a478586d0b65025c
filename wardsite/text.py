"""Vietnamese text: normalisation, identity keys, slugs, folding and collation."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from slugify import slugify as _slugify

# The five Vietnamese tone marks as combining characters: grave (huyền),
# acute (sắc), tilde (ngã), hook above (hỏi), dot below (nặng).
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_TONE_RANK = {"": 0, "\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

# Runs of blanks that are not already one plain space: most texts have none,
# and a pattern that also met every single space would copy the text to
# put each back.
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]{2,}|[\t\u00a0\u2000-\u200b\u202f\u3000]")
_WORD = re.compile(r"\w+", re.UNICODE)


def nfc(text: str) -> str:
    """Text in NFC, the one form every comparison and every output uses."""
    return unicodedata.normalize("NFC", text)


def squash_spaces(text: str) -> str:
    """NFC, runs of blanks (including no-break spaces) as one space, trimmed."""
    text = nfc(text)
    # Every blank _SPACES takes but the plain space is unprintable to Python:
    # a printable text without two spaces in a row has nothing for it to do,
    # and most front-matter values are such (a fifth of the cost of the pattern).
    if "  " not in text and text.isprintable():
        return text.strip()
    return _SPACES.sub(" ", text).strip()


def _split_tone(syllable: str) -> tuple[str, str]:
    """A syllable without its tone mark, and the tone mark ('' for ngang)."""
    decomposed = unicodedata.normalize("NFD", syllable)
    tone = "".join(c for c in decomposed if c in TONE_MARKS)
    base = "".join(c for c in decomposed if c not in TONE_MARKS)
    return unicodedata.normalize("NFC", base), tone


@lru_cache(maxsize=65536)
def identity_key(name: str) -> str:
    """A key under which spelling variants of one name are equal.

    Case, spacing, Unicode form and where the tone mark sits (`Thụy` and
    `Thuỵ` differ even in NFC) do not count; the tone itself does.
    """
    parts = []
    for syllable in squash_spaces(name).casefold().split(" "):
        base, tone = _split_tone(syllable)
        parts.append(base + tone)
    return " ".join(parts)


def fold(text: str) -> str:
    """Lower case without any marks, `đ` as `d`: what a reader types without diacritics."""
    lowered = nfc(text).casefold().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The words (syllables) of a text, in NFC, lower case."""
    return _WORD.findall(nfc(text).casefold())


def words_as_is(text: str) -> list[str]:
    """The words of a text already in NFC and lower case (as words() makes it)."""
    return _WORD.findall(text)


_PLAIN_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@lru_cache(maxsize=65536)
def slugify(text: str, max_length: int = 80) -> str:
    """An ASCII slug: `Đức Giang` → `duc-giang`, cut after the last whole word that fits.

    python-slugify's own cut skips a word that does not fit and goes on with
    shorter ones after it, so the whole slug is made first and cut here.
    """
    if (not max_length or len(text) <= max_length) and _PLAIN_SLUG.fullmatch(text):
        return text  # as python-slugify gives it back, in a tenth of the time: most file names are slugs
    slug = _slugify(nfc(text).replace("đ", "d").replace("Đ", "D"))
    if max_length and len(slug) > max_length:
        slug = (slug[: max_length + 1].rsplit("-", 1)[0] if "-" in slug[:max_length] else slug[:max_length]).strip("-")
    return slug


def sentence_case(text: str) -> str:
    """`CÔNG TÁC ĐẢNG` → `Công tác đảng`."""
    text = squash_spaces(text).lower()
    return text[:1].upper() + text[1:]


# Vietnamese alphabetical order (CLDR `vi`): the letters with a breve, a
# circumflex or a horn, and đ, are letters of their own.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET)}


def _syllable_key(syllable: str) -> tuple[tuple[int, ...], int]:
    base, tone = _split_tone(syllable)
    primary = tuple(_LETTER_RANK.get(c, 100 + ord(c)) for c in base)
    return primary, _TONE_RANK.get(tone[:1], 0)


@lru_cache(maxsize=65536)
def sort_key(text: str) -> tuple:
    """Key for Vietnamese alphabetical order, compared syllable by syllable.

    Within a syllable the letters decide first and the tone second
    (ngang < huyền < hỏi < ngã < sắc < nặng), so `Ân` sorts after `An`,
    and `Đức` after `Dương` but before `Em`.
    """
    return tuple(_syllable_key(s) for s in words(text))


def vi_sorted(items, key=lambda item: item):
    """Items sorted in Vietnamese alphabetical order of key(item)."""
    return sorted(items, key=lambda item: (sort_key(key(item)), nfc(key(item))))
