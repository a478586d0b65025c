"""parse_yaml reads front matter in one walk over libyaml's nodes, and gives what PyYAML's construction gave."""

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from wardsite import yamltext
from wardsite.errors import ContentError
from wardsite.yamltext import YamlDoc, parse_yaml

PATH = Path("content/bai.md")
ALIAS = "YAML anchors and aliases (& and *) are not allowed here; write each value out in full"


def read_as_pyyaml_does(text: str, path: Path, first_line: int = 1):
    """parse_yaml as it was before the walk: refuse aliases, PyYAML's construct_document, then the lines.

    (The alias check, the line recording and the wording of errors are the
    module's own, kept for the documents the walk leaves to PyYAML.)
    """
    loader = yamltext._PlainLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDoc(None), []
        if yamltext._has_alias(node, set()):
            return None, [ContentError(path, first_line, ALIAS)]
        data = loader.construct_document(node)
    except yamltext.READ_ERRORS as exc:
        return None, [yamltext.read_error(exc, path, first_line)]
    finally:
        loader.dispose()
    lines: dict = {}
    yamltext._record_lines(node, (), first_line, lines)
    return YamlDoc(data, lines), []


def outcome(read, text: str, first_line: int = 2) -> str:
    # repr tells 1 from True from 1.0 and shows key order; a NaN equals itself there.
    try:
        return repr(read(text, PATH, first_line))
    except Exception as exc:
        return f"raises {type(exc).__name__}: {exc}"


FRONT_MATTER = """\
title: "Hội nghị sơ kết công tác sáu tháng đầu năm"
date: 2015-09-01 07:03
ward: "Bồ Đề"
category: Tin hoạt động
tasks:
  - text: "Tổ chức quán triệt công tác tuyên truyền"
    assignee: "Hội Người cao tuổi"
  - Triển khai thực hiện có hiệu quả
views: 1853
"""

DOCUMENTS = {
    "an article's front matter": FRONT_MATTER,
    "nested maps and lists": "a:\n  b:\n    - [1, [2, {c: d}]]\n    - {e: [f, g], h: {i: j}}\n  k: []\n  l: {}\n",
    "ints": "a: 1\nb: -3\nc: 0x1f\nd: 017\ne: 1_000\nf: 1:30\ng: +5\nh: 0b101\ni: 0\n",
    "floats": "a: 1.5\nb: .inf\nc: -.Inf\nd: .nan\ne: 6.8523015e+5\nf: 190:20:30.15\ng: 1_000.5\n",
    "bools": "a: yes\nb: No\nc: on\nd: OFF\ne: true\nf: False\n",
    "nulls": "a: ~\nb: null\nc:\nd: Null\n",
    "quoted strings": "a: '1'\nb: \"yes\"\nc: 'it''s'\nd: \"\\u1ea1\\tx\"\ne: '~'\nf: \"\"\n",
    "block scalars": "a: |\n  một\n  hai\nb: >\n  ba\n  bốn\nc: |-\n  năm\nd: >+\n  sáu\n\ne: x\n",
    "dates stay text": "a: 2021-05-13\nb: 2021-05-13 14:48\nc: 2021-02-31\nd: 2021-05-13T07:48:00Z\n",
    "keys of other kinds": "1: a\nyes: b\n~: c\n1.5: d\n'2': e\n",
    "a key written twice": "a: 1\nb: x\na: 2\n",
    "a list written twice": "tasks:\n  - x\ntasks:\n  - y\n  - z\n",
    "a map written twice": "m:\n  a: 1\n  b: 2\nm:\n  b: 3\n",
    "a merge key": "m:\n  <<: {x: 1, y: 2}\n  y: 3\n",
    "merge keys from a list": "m:\n  <<: [{a: 1}, {a: 2, b: 3}]\n  c: 4\n",
    "a merge key of a scalar": "m:\n  <<: 1\n",
    "a merge key of a list of scalars": "m:\n  <<: [1]\n",
    "an = key": "=: a\nb: c\n",
    "an = value": "a: =\n",
    "a set": "s: !!set {a, b}\n",
    "a set written with ?": "s: !!set\n  ? a\n  ? b\n",
    "an omap": "o: !!omap [{a: 1}, {b: 2}]\n",
    "pairs": "p: !!pairs [{a: 1}, {a: 2}]\n",
    "a bad omap": "o: !!omap [a]\n",
    "binary": "b: !!binary aGVsbG8=\n",
    "bad binary": "b: !!binary '@@@'\n",
    "an explicit timestamp": "d: !!timestamp 2021-05-13\n",
    "an impossible timestamp": "d: !!timestamp 2021-02-31\n",
    "python objects": "x: !!python/object/apply:os.system [ls]\n",
    "a python name": "x: !!python/name:os.system\n",
    "an unknown tag": "x: !ward Bồ Đề\n",
    "explicit plain tags": "a: !!str 12\nb: !!int '12'\nc: !!float '1'\nd: !!bool 'yes'\ne: !!null x\nf: ! 12\ng: !!map {a: 1}\nh: !!seq [1]\n",
    "a bad !!int": "a: !!int abc\n",
    "an !!int of nothing but _": "a: 0x_\n",
    "a bad !!float": "a: !!float x\n",
    "a map tagged as text": "a: !!str {b: 1}\n",
    "a list tagged as a map": "a: !!map [b]\n",
    "a map tagged as a list": "a: !!seq {b: 1}\n",
    "an alias of a scalar": "a: &x 1\nb: *x\n",
    "an alias of a map": "a: &x {b: 1}\nc: *x\n",
    "an alias as a key": "a: &x k\n*x : 1\n",
    "an alias after a bad !!int": "a: !!int x\nb: &y 1\nc: *y\n",
    "an alias after a merge key": "m:\n  <<: {x: 1}\nb: &y 1\nc: *y\n",
    "an anchor without an alias": "a: &x 1\nb: 2\n",
    "a list as a key": "? [a, b]\n: 1\n",
    "a flow list as a key": "{[a]: 1}\n",
    "a map as a key": "? {a: 1}\n: 2\n",
    "a list as a key holding a bad !!int": "? [!!int x]\n: 1\n",
    "a list as a key after an alias": "a: &x 1\nb: *x\n? [c]\n: 2\n",
    "a list": "- a\n- 1\n- [b]\n",
    "text alone": "just text\n",
    "a number alone": "42\n",
    "nothing": "",
    "a comment alone": "# nothing here\n",
    "an unclosed list": "a: [b\n",
    "a colon too many": "a: b: c\n",
    "a tab for indentation": "a:\n\t- b\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "a bad escape": 'a: "\\q"\n',
}


@pytest.mark.parametrize("text", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_every_document_reads_as_pyyaml_construct_document_reads_it(text):
    assert outcome(parse_yaml, text) == outcome(read_as_pyyaml_does, text)


YAMLISH = st.lists(
    st.sampled_from(
        ["a", "b", "1", "0x_", "yes", "~", ".nan", "=", "<<", ": ", "- ", "? ", "\n", "  ", "[", "]", "{", "}", ", ", "'", '"', "|", "#"]
        + ["&x ", "*x", "!!int ", "!!bool ", "!!set ", "!!str ", "!!map ", "!!omap ", "!!binary ", "!!python/name:os.system ", "!x "]
    ),
    max_size=40,
).map("".join)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4) | st.integers(), inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(YAMLISH, VALUES.map(yaml.safe_dump), VALUES.map(lambda value: yaml.safe_dump(value, default_flow_style=True))))
def test_any_text_reads_as_pyyaml_construct_document_reads_it(text):
    assert outcome(parse_yaml, text) == outcome(read_as_pyyaml_does, text)


KEYS = ["title", "tasks", "text", "assignee", "views", "_a", "yes", "On", "null", "y", "a" * 201, "a" * 1100]
PLAIN_SCALARS = [  # values written plainly enough to be read a line at a time
    '"Hội nghị sơ kết"', '""', '"a # b: c"', "'it''s'", "''", "'a\\b'", "Đức Giang", "2021-05-13 14:48", "1853",
    "0755", "1_000", "0x1F", "1:30", ".5", "+5", "yes", "No", "~", "null", ".nan", "http://x.vn/a?b=c", "a#c",
    "a:b", "a   b", 'Hội "A"', "a,b]",
]
NEAR_MISSES = [  # values that look plain and are not
    "a #c", "a:", "a: b", "- a", "-", "-5", "? a", "[a, b]", "{a: 1}", "&x a", "*x", "!!int 5", "|", ">", "%a", "@a", "`a",
    "=", "<<", "# c", '"a\\"b"', '"a\\nb"', "'a'b'", '"a" b', "'a' b", '"a', "a\tb", "a\u00a0b", "a\u2028b",
    "a\x85b", "\ufeffa", "a\x07", "a" * 1100,
]
INDENTS = ["", " ", "  ", "    "]


@st.composite
def front_matter(draw, keys, values, slips=True):
    """Front matter of `key: value` lines and lists under `key:` lines; with slips, some rows out of line."""
    rows = []
    for _ in range(draw(st.integers(1, 4))):
        key = draw(keys)
        if draw(st.booleans()):
            rows.append(f"{key}: {draw(values)}" + draw(st.sampled_from(["", "  "])))
            continue
        rows.append(f"{key}:")
        indent = draw(st.sampled_from(INDENTS))
        for _ in range(draw(st.integers(0, 3))):
            here = draw(st.sampled_from(INDENTS)) if slips and draw(st.integers(0, 4)) == 0 else indent
            if draw(st.booleans()):
                rows.append(f"{here}- {draw(values)}")
            else:
                first, *more = draw(st.lists(keys, min_size=1, max_size=3))
                gap = draw(st.sampled_from([" ", "  "]))
                rows.append(f"{here}-{gap}{first}: {draw(values)}")
                for k in more:
                    column = " " * (len(here) + 1 + len(gap))
                    if slips and draw(st.integers(0, 4)) == 0:
                        column = draw(st.sampled_from(INDENTS + ["   ", "     "]))
                    rows.append(f"{column}{k}: {draw(values)}")
            if draw(st.integers(0, 3)) == 0:
                rows.append(draw(st.sampled_from(["", "  ", "# c", "  more", "- x", "\t- x", "..."])) if slips else "")
    return "\n".join(rows) + "\n"


@pytest.mark.parametrize("value", PLAIN_SCALARS + NEAR_MISSES)
@pytest.mark.parametrize("form", ["title: {}\n", "tasks:\n  - {}\n", "tasks:\n- text: {}\n  assignee: {}\n"])
def test_a_value_in_each_place_a_line_can_hold_it_reads_as_pyyaml_reads_it(form, value):
    text = form.format(value, value)
    assert outcome(parse_yaml, text) == outcome(read_as_pyyaml_does, text)


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("form", ["{}: a\n", "{}:\n  - a\n", "tasks:\n- text: a\n  {}: b\n", "tasks:\n  - {}: a\n"])
def test_a_key_in_each_place_a_line_can_hold_it_reads_as_pyyaml_reads_it(form, key):
    text = form.format(key)
    assert outcome(parse_yaml, text) == outcome(read_as_pyyaml_does, text)


@settings(max_examples=1000, deadline=None)
@given(front_matter(st.sampled_from(KEYS), st.sampled_from(PLAIN_SCALARS) | st.sampled_from(NEAR_MISSES)))
def test_front_matter_read_a_line_at_a_time_reads_as_pyyaml_reads_it(text):
    assert outcome(parse_yaml, text) == outcome(read_as_pyyaml_does, text)


@settings(max_examples=100, deadline=None)
@given(front_matter(st.sampled_from(KEYS[:6]), st.sampled_from(PLAIN_SCALARS), slips=False))
def test_plain_front_matter_is_read_a_line_at_a_time(text):
    assert yamltext._read_plain_lines(text, 2) is not None
    assert outcome(parse_yaml, text) == outcome(read_as_pyyaml_does, text)


@pytest.mark.parametrize("text", [FRONT_MATTER, yaml.safe_dump(yaml.safe_load(FRONT_MATTER), allow_unicode=True, sort_keys=False, width=10_000)])
def test_front_matter_as_editors_and_the_importer_write_it_is_read_without_libyaml(monkeypatch, text):
    expected = outcome(read_as_pyyaml_does, text)

    def refuse(*_):
        raise AssertionError("libyaml was asked to read it")

    monkeypatch.setattr(yamltext._PlainLoader, "get_single_node", refuse)
    assert outcome(parse_yaml, text) == expected


def test_a_key_written_twice_keeps_its_last_value_and_the_line_of_its_first():
    doc, errors = parse_yaml("tasks:\n  - x\nward: Bồ Đề\ntasks:\n  - y\n  - z\n", PATH, 2)
    assert errors == []
    assert doc.data == {"tasks": ["y", "z"], "ward": "Bồ Đề"}
    assert doc.line_of("tasks") == 2
    assert doc.line_of("tasks", 0) == 6 and doc.line_of("tasks", 1) == 7


def test_values_keep_their_yaml_types_and_dates_stay_text():
    doc, _ = parse_yaml("views: 1_853\nshown: yes\nnote: ~\nscore: 1.5\ndate: 2021-05-13\ncode: '007'\n", PATH)
    assert [(key, type(value).__name__, value) for key, value in doc.data.items()] == [
        ("views", "int", 1853), ("shown", "bool", True), ("note", "NoneType", None),
        ("score", "float", 1.5), ("date", "str", "2021-05-13"), ("code", "str", "007"),
    ]


def test_an_alias_is_refused_wherever_it_hides():
    for text in ("a: &x 1\nb: *x\n", "a: [&x {b: 1}, [[*x]]]\n", "? &k a\n: 1\n*k : 2\n"):
        assert parse_yaml(text, PATH, 3) == (None, [ContentError(PATH, 3, ALIAS)])


def test_a_list_as_a_key_is_pyyaml_s_unhashable_key_error_on_its_line():
    assert parse_yaml("title: x\n? [a, b]\n: 1\n", PATH, 2) == (None, [ContentError(
        PATH, 3, "the YAML is not valid here (found unhashable key); check the colons, quotes and indentation")])


def test_plain_front_matter_is_read_without_pyyaml_s_generic_construction(monkeypatch):
    expected = outcome(read_as_pyyaml_does, FRONT_MATTER)

    def refuse(*_):
        raise AssertionError("construct_document was called")

    monkeypatch.setattr(yamltext._PlainLoader, "construct_document", refuse)
    assert outcome(parse_yaml, FRONT_MATTER) == expected


@pytest.mark.parametrize("text", ["m:\n  <<: {x: 1}\n", "s: !!set {a}\n", "? [a]\n: 1\n", "a: !!int x\n"])
def test_merge_keys_sets_list_keys_and_bad_tags_are_left_to_pyyaml_s_construction(monkeypatch, text):
    calls = []
    construct = yamltext._PlainLoader.construct_document

    def counted(loader, node):
        calls.append(node)
        return construct(loader, node)

    monkeypatch.setattr(yamltext._PlainLoader, "construct_document", counted)
    parse_yaml(text, PATH)
    assert len(calls) == 1


def nested(depth: int, kind: str) -> str:
    if kind == "lists":
        return "title: " + "[" * depth + "]" * depth + "\n"
    return "".join("  " * level + f"k{level}:\n" for level in range(depth)) + "  " * depth + "v: 1\n"


def first_depth_refused(kind: str) -> int:
    low, high = 1, 5000  # read at low, refused at high
    while high - low > 1:
        middle = (low + high) // 2
        if "recursion" in outcome(read_as_pyyaml_does, nested(middle, kind)):
            high = middle
        else:
            low = middle
    return high


@pytest.mark.parametrize("kind", ["lists", "maps"])
def test_front_matter_nested_too_deep_is_refused_from_the_same_depth_as_before(kind):
    refused = first_depth_refused(kind)
    assert "maximum recursion depth" in outcome(read_as_pyyaml_does, nested(5000, kind))
    deep = yamltext._DEEP
    for depth in [1, 2, 3, deep - 1, deep, deep + 1, deep + 2, *range(refused - 3, refused + 3), 5000]:
        assert outcome(parse_yaml, nested(depth, kind)) == outcome(read_as_pyyaml_does, nested(depth, kind)), depth


@pytest.mark.parametrize("text", ["title: x\ndraft: !!bool maybe\n", "title: x\nviews: !!int ''\n"])
def test_a_value_its_tag_cannot_read_is_a_plain_error_not_a_crash(text):
    # PyYAML itself breaks on these (KeyError, IndexError) instead of raising a YAML error.
    doc, [error] = parse_yaml(text, PATH, 2)
    assert doc is None and error.line == 2 and "a value marked with a `!!` tag cannot be read" in error.message
