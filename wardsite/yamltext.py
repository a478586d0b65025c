"""Reading YAML written by people: plain values, line numbers, no surprises."""

from __future__ import annotations

from dataclasses import dataclass, field
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


def _has_alias(node, seen: set[int]) -> bool:
    # The composer hands back the very same node object for every *alias;
    # a node met twice is an alias, the stuff of "billion laughs" bombs.
    if id(node) in seen:
        return True
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        return any(_has_alias(k, seen) or _has_alias(v, seen) for k, v in node.value)
    if isinstance(node, yaml.SequenceNode):
        return any(_has_alias(item, seen) for item in node.value)
    return False


def parse_yaml(text: str, path: Path, first_line: int = 1) -> tuple[YamlDoc | None, list[ContentError]]:
    """Parse YAML text that starts on line first_line of path."""
    loader = _PlainLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDoc(None), []
        if _has_alias(node, set()):
            return None, [ContentError(path, first_line, "YAML anchors and aliases (& and *) are not allowed here; write each value out in full")]
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark else first_line
        what = exc.problem or "cannot be read"
        return None, [ContentError(path, line, f"the YAML is not valid here ({what}); check the colons, quotes and indentation")]
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        return None, [ContentError(path, first_line, f"the YAML cannot be read ({exc}); check the quotes and indentation")]
    finally:
        loader.dispose()
    lines: dict = {}
    _record_lines(node, (), first_line, lines)
    return YamlDoc(data, lines), []


def _record_lines(node, place: tuple, first_line: int, lines: dict) -> None:
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
