"""The organisation registry (organisations.yaml): who a task's `assignee:` names.

Matching rules, in order, for an assignee as an article writes it:

1. The whole assignee, compared by `match_key` (case, Unicode form, where the
   tone mark sits, punctuation and spacing do not count), against every
   organisation's name, short form and aliases.
2. The same without a trailing `phường` or `phường <ward>` (at most
   MAX_WARD_WORDS words, no `và`/`,` in them): `Hội CCB phường Đức Giang`
   is `Hội CCB`. `Đoàn phường`, itself an alias, is tried before `Đoàn`.
3. An assignee that names several organisations (`UBND, MTTQ`,
   `Công đoàn và Đoàn thanh niên`) and is not itself in the registry goes
   to the first one it names, when the registry knows that one: reports
   name the lead organisation first. A standing joint formula such as
   `MTTQ và các đoàn thể` is its own entry in the shipped registry, so its
   tasks are not credited to the Front alone.
4. Anything else is kept as written: an organisation of its own (its own
   page), which `wardsite check` warns about so an editor can add it.

Without an organisations.yaml every assignee is taken as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .errors import ContentError
from .text import identity_key, nfc, slugify, squash_spaces
from .yamltext import parse_yaml, string_list

ORGANISATIONS_FILE = "organisations.yaml"
KEYS = ("name", "short", "slug", "aliases", "note")
MAX_WARD_WORDS = 4
UNASSIGNED_SLUG = "khong-ghi-to-chuc"

# Punctuation that does not change which organisation is meant:
# `chính trị - xã hội` and `chính trị xã hội`, `MTTQ phường:` and `MTTQ phường`.
_PUNCTUATION = re.compile(r"[-‐–—.,:;!?()\[\]\"'“”‘’/]+")
# What joins several organisations in one assignee.
_JOINERS = re.compile(r"\s*(?:[,;&+]|\b(?:và|cùng|với)\b)\s*", re.IGNORECASE)
_PHUONG = identity_key("phường")
_JOINER_WORDS = {identity_key(w) for w in ("và", "cùng", "với")}


def match_key(name: str) -> str:
    """The key two spellings of one organisation share."""
    return identity_key(_PUNCTUATION.sub(" ", nfc(name)))


@dataclass(frozen=True)
class Organisation:
    name: str  # the full name, as pages show it
    slug: str
    short: str = ""  # the short form tables and charts use, e.g. `Hội CCB`
    aliases: tuple[str, ...] = ()
    note: str = ""
    registered: bool = True  # False for an assignee the registry does not know, kept as written

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.name, *((self.short,) if self.short else ()), *self.aliases)

    @property
    def unassigned(self) -> bool:
        """The entry that files tasks given to no one (UNASSIGNED, or a copy of it read back from a cache)."""
        return self.slug == UNASSIGNED_SLUG and not self.registered

    @property
    def as_written(self) -> bool:
        """An assignee the registry does not know, kept as the article wrote it."""
        return not self.registered and self.slug != UNASSIGNED_SLUG

    @property
    def label(self) -> str:
        """The shortest sensible name, for table rows and chart bars."""
        return self.short or self.name


# Where the tasks that name no organisation are filed.
UNASSIGNED = Organisation(name="Không ghi tổ chức", slug=UNASSIGNED_SLUG, registered=False,
                          note="Nhiệm vụ mà bài viết không ghi tổ chức được giao.")


@dataclass(frozen=True)
class Organisations:
    """Organisations by every spelling. An open registry (no organisations.yaml) knows none."""

    organisations: tuple[Organisation, ...] = ()
    open: bool = True
    path: Path | None = None

    @cached_property
    def _by_key(self) -> dict[str, Organisation]:
        index = {}
        for organisation in self.organisations:
            for spelling in organisation.spellings:
                index.setdefault(match_key(spelling), organisation)
        return index

    def _lookup(self, assignee: str) -> Organisation | None:
        words = match_key(assignee).split(" ")
        for n in _candidate_lengths(words):
            found = self._by_key.get(" ".join(words[:n]))
            if found is not None:
                return found
        return None

    def find(self, assignee: str) -> Organisation | None:
        """The registry's organisation an assignee names (rules 1-3), or None."""
        found = self._lookup(assignee)
        if found is None:
            parts = [p for p in _JOINERS.split(squash_spaces(assignee)) if p.strip()]
            if len(parts) > 1:
                found = self._lookup(parts[0])
        return found


def _candidate_lengths(words: list[str]):
    """How many leading words to try: all, then each cut at a trailing `phường [ward]`."""
    yield len(words)
    for i in range(len(words) - 1, 0, -1):
        ward = words[i + 1 :]
        if words[i] == _PHUONG and len(ward) <= MAX_WARD_WORDS and not _JOINER_WORDS & set(ward):
            if ward:
                yield i + 1  # `đoàn phường đức giang` → `đoàn phường`
            yield i  # → `đoàn`


def parse_organisations(text: str, path: Path) -> tuple[Organisations, list[ContentError]]:
    """A closed registry from the text of an organisations.yaml."""
    doc, errors = parse_yaml(text, path)
    if doc is None:
        return Organisations(open=False, path=path), errors
    data = doc.data if isinstance(doc.data, dict) else {}
    entries = data.get("organisations")
    if not isinstance(entries, list):
        return Organisations(open=False, path=path), [
            ContentError(path, 1, "organisations.yaml needs an `organisations:` list, one entry per organisation with at least `name:`")
        ]
    found: list[Organisation] = []
    seen: dict[str, str] = {UNASSIGNED.slug: UNASSIGNED.name}
    for i, entry in enumerate(entries):
        line = doc.line_of("organisations", i)
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
            errors.append(ContentError(path, line, "each organisation needs a `name:`, e.g. `name: Hội Cựu chiến binh`"))
            continue
        name = squash_spaces(entry["name"])
        unknown = [str(k) for k in entry if k not in KEYS]
        for key in unknown:
            errors.append(ContentError(path, doc.line_of("organisations", i, key, default=line), f"unknown key `{key}` for {name}; the keys are {', '.join(KEYS)}"))
        aliases = string_list(entry.get("aliases"))
        if aliases is None:
            errors.append(ContentError(path, doc.line_of("organisations", i, "aliases", default=line), f"the aliases of {name} must be a list of names, e.g. `aliases: [Hội CCB, CCB]`"))
            continue
        short = entry.get("short")
        if short is not None and not (isinstance(short, str) and short.strip()):
            errors.append(ContentError(path, doc.line_of("organisations", i, "short", default=line), f"the `short:` form of {name} must be text, e.g. `short: Hội CCB`"))
            continue
        slug = slugify(str(entry.get("slug") or name))
        if not slug:
            errors.append(ContentError(path, line, f"{name} needs a slug with letters or digits; set `slug:`"))
            continue
        organisation = Organisation(
            name=name,
            slug=slug,
            short=squash_spaces(short) if short else "",
            aliases=aliases,
            note=squash_spaces(str(entry.get("note") or "")),
        )
        for key in {match_key(s) for s in organisation.spellings} | {slug}:
            if key in seen and seen[key] != name:
                errors.append(ContentError(path, line, f"{name} and {seen[key]} share the spelling or slug `{key}`; give each organisation its own"))
            seen[key] = name
        found.append(organisation)
    return Organisations(tuple(found), open=False, path=path), errors


def load_organisations(content_dir: Path) -> tuple[Organisations, list[ContentError]]:
    """The organisation registry of a content folder, or an open one when it has none."""
    path = content_dir / ORGANISATIONS_FILE
    if not path.is_file():
        return Organisations(), []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return Organisations(open=False, path=path), [ContentError(path, None, f"cannot be read as UTF-8 text ({exc})")]
    return parse_organisations(text, path)
