"""The ward registry (wards.yaml): which wards exist, their spellings and their history."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .errors import ContentError
from .text import fold, identity_key, slugify, squash_spaces
from .yamltext import parse_yaml, string_list

REGISTRY_FILE = "wards.yaml"


@dataclass(frozen=True)
class HistoryEvent:
    """Something that happened to a ward: founded, divided, merged."""

    date: str  # ISO date, as precise as known ("2025", "2025-07-01")
    text: str
    became: tuple[str, ...] = ()  # the units it went to, in whole or in part


@dataclass(frozen=True)
class Ward:
    name: str
    slug: str
    aliases: tuple[str, ...] = ()
    district: str = ""
    city: str = ""
    history: tuple[HistoryEvent, ...] = ()
    note: str = ""
    recorded: bool = True  # False for the entry that files articles naming no ward

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Registry:
    """Wards by every spelling. An open registry (no wards.yaml) accepts any ward as written."""

    wards: tuple[Ward, ...] = ()
    open: bool = True
    path: Path | None = None

    @cached_property
    def _by_spelling(self) -> dict[str, Ward]:
        index = {}
        for ward in self.wards:
            for spelling in ward.spellings:
                index.setdefault(identity_key(spelling), ward)
            index.setdefault(ward.slug, ward)
        return index

    def find(self, name: str) -> Ward | None:
        """The ward a name (any known spelling, or the slug) stands for."""
        name = squash_spaces(name)
        found = self._by_spelling.get(identity_key(name)) or self._by_spelling.get(name)
        if found is None and self.open and name:
            return Ward(name=name, slug=slugify(name))
        return found

    def suggest(self, name: str) -> str | None:
        """The registry's nearest ward name to a misspelt one, if any is near."""
        by_folded = {fold(s): w.name for w in self.wards for s in w.spellings}
        close = difflib.get_close_matches(fold(name), list(by_folded), n=1, cutoff=0.6)
        return by_folded[close[0]] if close else None


def _history(entries, doc, index, path) -> tuple[tuple[HistoryEvent, ...], list[ContentError]]:
    events, errors = [], []
    for n, entry in enumerate(entries or []):
        line = doc.line_of("wards", index, "history", n)
        if not isinstance(entry, dict) or not isinstance(entry.get("text"), str):
            errors.append(ContentError(path, line, "a history entry needs `date:` and `text:`"))
            continue
        became = string_list(entry.get("became"))
        if became is None:
            errors.append(ContentError(path, line, "`became:` must be a list of ward names"))
            continue
        events.append(HistoryEvent(date=str(entry.get("date", "")), text=squash_spaces(entry["text"]), became=became))
    return tuple(events), errors


def parse_registry(text: str, path: Path) -> tuple[Registry, list[ContentError]]:
    """A closed registry from the text of a wards.yaml."""
    doc, errors = parse_yaml(text, path)
    if doc is None:
        return Registry(open=False, path=path), errors
    data = doc.data if isinstance(doc.data, dict) else {}
    entries = data.get("wards")
    if not isinstance(entries, list):
        return Registry(open=False, path=path), [ContentError(path, 1, "wards.yaml needs a `wards:` list, one entry per ward with at least `name:`")]
    defaults = {key: squash_spaces(str(data.get(key) or "")) for key in ("district", "city")}
    wards: list[Ward] = []
    seen: dict[str, str] = {}
    for i, entry in enumerate(entries):
        line = doc.line_of("wards", i)
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
            errors.append(ContentError(path, line, "each ward needs a `name:`"))
            continue
        name = squash_spaces(entry["name"])
        aliases = string_list(entry.get("aliases"))
        if aliases is None:
            errors.append(ContentError(path, doc.line_of("wards", i, "aliases", default=line), f"the aliases of {name} must be a list of names"))
            continue
        history, history_errors = _history(entry.get("history"), doc, i, path)
        errors += history_errors
        ward = Ward(
            name=name,
            slug=slugify(str(entry.get("slug") or name)),
            aliases=aliases,
            district=squash_spaces(str(entry.get("district", defaults["district"]) or "")),
            city=squash_spaces(str(entry.get("city", defaults["city"]) or "")),
            history=history,
            note=squash_spaces(str(entry.get("note") or "")),
            recorded=entry.get("recorded", True) is not False,
        )
        keys = sorted({identity_key(s) for s in ward.spellings} | {ward.slug})
        clash = next((key for key in keys if key in seen), None)
        if clash:
            errors.append(ContentError(path, line, f"{name} and {seen[clash]} share the spelling or slug `{clash}`; give each ward its own"))
        seen.update({key: name for key in keys})
        wards.append(ward)
    return Registry(wards=tuple(wards), open=False, path=path), errors


def load_registry(content_dir: Path) -> tuple[Registry, list[ContentError]]:
    """The registry of a content folder: its wards.yaml, or an open one when there is none."""
    path = content_dir / REGISTRY_FILE
    if not path.is_file():
        return Registry(), []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return Registry(open=False, path=path), [ContentError(path, None, f"cannot be read as UTF-8 text ({exc})")]
    return parse_registry(text, path)
