"""Reading YAML written by people: plain values, line numbers, no surprises."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .errors import ContentError
from .text import squash_spaces


# libyaml's parser is several times faster than PyYAML's own, and gives the same marks.
_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _PlainLoader(_SafeBase):
    """SafeLoader that leaves dates as text.

    PyYAML turns `2021-02-31` into an exception deep inside the parser and
    `2021-05-13 14:48` into a naive datetime; we want to read dates ourselves
    and say plainly what is wrong with them.
    """


_PlainLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class YamlDoc:
    """A parsed YAML document and the line (1-based, in the file) of each place in it.

    A place is a tuple of keys and list indexes: ("tasks", 2) is the third task.
    """

    data: object
    lines: dict = field(default_factory=dict)

    def line_of(self, *place, default: int | None = None) -> int | None:
        return self.lines.get(tuple(place), default)


class _Alias(Exception):
    """The walk met a node it had already met: the document holds an alias."""


class _Unusual(Exception):
    """The walk met something it leaves to PyYAML's own construction."""


_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"

# Scalars whose constructor reads nothing but the node's own text; the walk calls
# the loader's own. Any other tag (merge keys, !!set, !!binary, !!python/...) is
# left to PyYAML's construction of the whole document.
_SCALAR_CONSTRUCTORS = {
    tag: _PlainLoader.yaml_constructors[tag]
    for tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null")
}


@dataclass(slots=True)
class _Walk:
    """What the walk over one document carries along."""

    loader: _PlainLoader
    first_line: int
    lines: dict = field(default_factory=dict)
    seen: set = field(default_factory=set)


def parse_yaml(text: str, path: Path, first_line: int = 1) -> tuple[YamlDoc | None, list[ContentError]]:
    """Parse YAML text that starts on line first_line of path."""
    doc = _read_plain_lines(text, first_line)
    if doc is not None:
        return doc, []
    loader = _PlainLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDoc(None), []
        walk = _Walk(loader, first_line)
        try:
            return YamlDoc(_value(node, (), walk), walk.lines), []
        except _Alias:
            return None, [_alias_error(path, first_line)]
        except Exception:
            # Whatever the walk does not take in its stride (merge keys, !!set, a list
            # as a key, a bad !!int, nesting too deep) is read again the slow way,
            # so that its value or its error is exactly PyYAML's.
            pass
        if _has_alias(node, set()):
            return None, [_alias_error(path, first_line)]
        data = loader.construct_document(node)
    except READ_ERRORS as exc:
        return None, [read_error(exc, path, first_line)]
    finally:
        loader.dispose()
    lines: dict = {}
    _record_lines(node, (), first_line, lines)
    return YamlDoc(data, lines), []


# What reading YAML can raise: PyYAML's own errors, and what it raises for
# `!!bool maybe` (KeyError) or `!!int ''` (IndexError) or nesting too deep.
READ_ERRORS = (yaml.YAMLError, ValueError, TypeError, RecursionError, KeyError, IndexError)


def read_error(exc: BaseException, path: Path, first_line: int) -> ContentError:
    """One of READ_ERRORS said plainly, on its line where the parser knows it."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark else first_line
        what = exc.problem or "cannot be read"
        return ContentError(path, line, f"the YAML is not valid here ({what}); check the colons, quotes and indentation")
    if isinstance(exc, (KeyError, IndexError)):
        return ContentError(path, first_line, "a value marked with a `!!` tag cannot be read; remove the tag or write the value plainly")
    return ContentError(path, first_line, f"the YAML cannot be read ({exc}); check the quotes and indentation")


def _alias_error(path: Path, first_line: int) -> ContentError:
    return ContentError(path, first_line, "YAML anchors and aliases (& and *) are not allowed here; write each value out in full")


# The walk below gives what PyYAML's construct_document gives, and the lines that
# _record_lines records, in one pass and without PyYAML's per-node bookkeeping.
# Front matter is a few levels deep. Anything deeper than _DEEP levels is left to
# the slow way, where _has_alias turns front matter nested thousands deep into a
# clear error once it meets Python's recursion limit; the walk spends fewer frames
# a level, so on its own it would read some front matter that _has_alias refuses.
_DEEP = 100


def _value(node, place: tuple, walk: _Walk):
    """The Python value of node; the line of each place inside it goes into walk.lines."""
    # The composer hands back the very same node object for every *alias;
    # a node met twice is an alias, the stuff of "billion laughs" bombs.
    if id(node) in walk.seen:
        raise _Alias
    walk.seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _STR:
            return node.value
        if node.tag not in _SCALAR_CONSTRUCTORS:
            raise _Unusual
        return _SCALAR_CONSTRUCTORS[node.tag](walk.loader, node)
    if len(place) > _DEEP:
        raise _Unusual
    if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
        return _mapping(node, place, walk)
    if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
        return _sequence(node, place, walk)
    raise _Unusual


def _mapping(node, place: tuple, walk: _Walk) -> dict:
    mapping = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _Unusual  # PyYAML's "found unhashable key"
        key = _value(key_node, place, walk)
        here = place + (key_node.value,)
        # A key written twice keeps the line of its first place and the value of its last.
        walk.lines.setdefault(here, walk.first_line + key_node.start_mark.line)
        mapping[key] = _value(value_node, here, walk)
    return mapping


def _sequence(node, place: tuple, walk: _Walk) -> list:
    items = []
    for index, item in enumerate(node.value):
        here = place + (index,)
        walk.lines[here] = walk.first_line + item.start_mark.line
        items.append(_value(item, here, walk))
    return items


# Front matter as editors and the importer write it: `key: value` lines, and
# under a `key:` line a list of `- value` or `- key: value` items, each value
# on one line, plain or quoted without escapes. Read a line at a time, it
# gives what libyaml and the walk give in less than half the time (libyaml
# makes two marks and a resolver call a node); a document with any other line
# (a comment, a value over two lines, a tab, an escape, an anchor, a tag, a
# flow list, a nested map) is read by libyaml.

_LINE_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]{0,200}):(?: +(\S(?:.*\S)?))? *")
_LINE_ITEM = re.compile(r"( *)- +(?:([A-Za-z_][A-Za-z0-9_]{0,200}): +(\S(?:.*\S)?)|(\S(?:.*\S)?)) *")
_LINE_ITEM_KEY = re.compile(r"( *)([A-Za-z_][A-Za-z0-9_]{0,200}): +(\S(?:.*\S)?) *")
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_NOT_PLAIN = object()
_SCALARS = _PlainLoader("")  # resolves and constructs plain scalars, as the walk's loader does
# The characters a plain scalar of some type other than text can start with
# (true, null, 12, 1.5, ~ ...): a value starting otherwise is text. None if
# some resolver looks at every value, as none of PyYAML's own does.
_RESOLVED_FIRST = None if None in _PlainLoader.yaml_implicit_resolvers else frozenset(first for first in _PlainLoader.yaml_implicit_resolvers if first)


def _scalar(raw: str):
    """The value of a scalar written on one line, or _NOT_PLAIN when libyaml must read it."""
    # Printable to Python is printable to libyaml, and neither a tab nor a
    # line break (YAML 1.1 also breaks lines at NEL, LS and PS).
    if not raw.isprintable():
        return _NOT_PLAIN
    first = raw[0]
    if first == '"':
        inner = raw[1:-1]
        return inner if len(raw) > 1 and raw[-1] == '"' and '"' not in inner and "\\" not in inner else _NOT_PLAIN
    if first == "'":
        inner = raw[1:-1]
        return inner.replace("''", "'") if len(raw) > 1 and raw[-1] == "'" and "'" not in inner.replace("''", "") else _NOT_PLAIN
    if first in _INDICATORS or ": " in raw or " #" in raw or raw[-1] == ":":
        return _NOT_PLAIN
    if _RESOLVED_FIRST is not None and first not in _RESOLVED_FIRST:
        return raw  # no implicit type starts so: text, as resolving would say in more time
    tag = _SCALARS.resolve(yaml.ScalarNode, raw, (True, False))
    if tag == _STR:
        return raw
    if tag not in _SCALAR_CONSTRUCTORS:
        return _NOT_PLAIN
    try:
        return _SCALAR_CONSTRUCTORS[tag](_SCALARS, yaml.ScalarNode(tag, raw))
    except Exception:
        return _NOT_PLAIN  # libyaml's reading says what is wrong


@lru_cache(maxsize=1024)
def _is_text_key(raw: str) -> bool:
    # A key like `yes` or `null` is not text to YAML 1.1.
    return _SCALARS.resolve(yaml.ScalarNode, raw, (True, False)) == _STR


def _read_plain_lines(text: str, first_line: int) -> YamlDoc | None:
    """The document as parse_yaml reads it, when every line is one of front matter's plain lines; else None."""
    data, lines = {}, {}
    rows = [(number, row) for number, row in enumerate(text.split("\n"), first_line) if row]  # blank lines say nothing here
    n, i = len(rows), 0
    while i < n:
        number, row = rows[i]
        m = _LINE_KEY.fullmatch(row)
        if not m or not _is_text_key(m.group(1)):
            return None
        key = m.group(1)
        lines.setdefault((key,), number)
        i += 1
        if m.group(2) is not None:
            value = _scalar(m.group(2))
            if value is _NOT_PLAIN:
                return None
            data[key] = value
            continue
        item = _LINE_ITEM.fullmatch(rows[i][1]) if i < n else None
        if item is None:
            data[key] = None  # `key:` with nothing under it
            continue
        # A list under the key, its items all as far in as the first.
        items, indent = [], item.group(1)
        while i < n:
            number, row = rows[i]
            item = _LINE_ITEM.fullmatch(row)
            if item is None:
                break
            if item.group(1) != indent:
                return None
            place = (key, len(items))
            lines[place] = number
            if item.group(4) is not None:
                value = _scalar(item.group(4))
                if value is _NOT_PLAIN:
                    return None
                items.append(value)
                i += 1
                continue
            # A map in the item: its first key after `- `, the others below it, as far in.
            column = item.start(2)
            found, name, raw = {}, item.group(2), item.group(3)
            while True:
                value = _scalar(raw)
                if value is _NOT_PLAIN or not _is_text_key(name):
                    return None
                lines.setdefault(place + (name,), rows[i][0])
                found[name] = value
                i += 1
                more = _LINE_ITEM_KEY.fullmatch(rows[i][1]) if i < n else None
                if more is None or len(more.group(1)) != column:
                    break
                name, raw = more.group(2), more.group(3)
            items.append(found)
        data[key] = items
    return YamlDoc(data, lines) if data else None


# The slow way, for what the walk leaves to PyYAML.


def _has_alias(node, seen: set[int]) -> bool:
    # The walk's test for a node met twice, over the whole document before PyYAML constructs it.
    if id(node) in seen:
        return True
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        return any(_has_alias(k, seen) or _has_alias(v, seen) for k, v in node.value)
    if isinstance(node, yaml.SequenceNode):
        return any(_has_alias(item, seen) for item in node.value)
    return False


def _record_lines(node, place: tuple, first_line: int, lines: dict) -> None:
    # Runs after construct_document, which has already spliced merge keys (<<) into node.value.
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                here = place + (key_node.value,)
                lines.setdefault(here, first_line + key_node.start_mark.line)
                _record_lines(value_node, here, first_line, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[place + (index,)] = first_line + item.start_mark.line
            _record_lines(item, place + (index,), first_line, lines)


def string_list(value) -> tuple[str, ...] | None:
    """A YAML value that should be one name or a list of names, as a tuple; None when it is not."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (squash_spaces(value),)
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        return tuple(squash_spaces(v) for v in value)
    return None


def dump_yaml(data) -> str:
    """YAML for people: keys in the given order, Unicode as is, block style."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=10_000)
