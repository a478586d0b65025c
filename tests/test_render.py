import pickle
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from jinja2 import DictLoader, Environment, FileSystemBytecodeCache, UndefinedError, pass_context
from markupsafe import Markup, escape

from wardsite.errors import ContentError
from wardsite.render import TemplateFailed, Theme, _Template, date_vi, datetime_vi, number_vi


def render(source: str, **values) -> str:
    return Theme(None).environment().from_string(source).render(**values)


def test_functions_and_methods_a_template_calls_get_their_arguments_in_and_out_of_loops():
    def join(*parts, sep="-"):
        return sep.join(parts)

    source = "{{ join('a', 'b') }} {% for x in xs %}{% set y = x.upper() %}{{ join(x, y, sep='+') }} {% endfor %}"
    assert render(source, join=join, xs=["c", "d"]) == "a-b c+C d+D "


def test_a_pass_context_function_in_a_loop_still_sees_the_loops_variables():
    @pass_context
    def seen(ctx, name):
        return ctx[name]

    assert render("{% for x in [1, 2] %}{% set y = x * 10 %}{{ seen('y') }} {% endfor %}", seen=seen) == "10 20 "


def test_calls_nested_in_the_arguments_of_calls_each_call_their_own_callable():
    class Marked:
        @pass_context
        def __call__(self, ctx, x):
            return f"{ctx['tag']}{x}"

    def pair(a, b="", *more, **named):
        return f"<{a},{b},{'.'.join(map(str, more))},{','.join(f'{k}={v}' for k, v in sorted(named.items()))}>"

    source = (
        "{% macro m(x) %}m{{ x }}{% endmacro %}"
        "{{ pair(pair('a', 'b'), marked(pair('c')), *[1, 2], z=m(pair('d', b='e')), y='x'.upper()) }}"
        "{% for i in range(2) %} {{ pair(i, marked(pair(i))) }}{% endfor %}"
    )
    values = dict(pair=pair, marked=Marked(), tag="#")
    expected = "&lt;&lt;a,b,,&gt;,#&lt;c,,,&gt;,1.2,y=X,z=m&amp;lt;d,e,,&amp;gt;&gt; &lt;0,#&lt;0,,,&gt;,,&gt; &lt;1,#&lt;1,,,&gt;,,&gt;"
    assert render(source, **values) == expected
    assert Environment(autoescape=True).from_string(source).render(**values) == expected  # as Jinja's own code has it


def test_a_call_that_begins_a_line_of_the_compiled_template_is_called_there():
    env = Theme(None).environment()
    env.add_extension("jinja2.ext.do")  # {% do %}: a call as a statement of its own
    source = "{% set seen = [] %}{% do seen.append(str(1)) %}\n{% do seen.append(str(2)) %}{{ seen|join(',') }}"
    assert env.from_string(source).render(str=str) == "1,2"


def test_templates_compiled_into_the_cache_by_other_code_are_compiled_again(tmp_path):
    source = "{% for x in xs %}{{ f(x) }}{% endfor %}"
    plain = Environment(loader=DictLoader({"t.html": source}), bytecode_cache=FileSystemBytecodeCache(str(tmp_path)))
    plain.get_template("t.html")  # Jinja's own code for this very source, kept in the folder
    (kept,) = tmp_path.iterdir()
    assert b"_ws_plain" not in kept.read_bytes()

    ours = Theme(None, compiled_dir=tmp_path).environment()
    ours.loader = DictLoader({"t.html": source})
    assert ours.get_template("t.html").render(f=str.upper, xs="ab") == "AB"
    (kept,) = tmp_path.iterdir()
    assert b"_ws_plain" in kept.read_bytes()


def test_calling_a_name_the_template_was_not_given_is_an_error():
    with pytest.raises(UndefinedError):
        render("{{ missing('x') }}")


def test_vietnamese_dates_read_as_babel_formats_them_with_the_themes_patterns():
    zone = timezone(timedelta(hours=7))
    start = datetime(1999, 12, 25, tzinfo=zone)
    for n in range(366 * 30):  # every weekday and month many times, leap days, every hour and minute
        moment = start + timedelta(days=n, minutes=97 * n)
        expected = format_date(moment, "EEEE, 'ngày' d MMMM 'năm' y", locale="vi")
        assert date_vi(moment) == expected
        assert datetime_vi(moment) == expected + format_datetime(moment, ", HH:mm", locale="vi", tzinfo=zone)
        assert datetime_vi(moment, has_time=False) == expected


def test_vietnamese_numbers_read_as_babel_formats_them():
    for n in [0, 7, 999, 1000, 1204, 99999, 100000, 1234567, 10**12 + 5, -1, -1234, 2.5, -1234.75]:
        assert number_vi(n) == format_decimal(n, locale="vi")


class _Shown:
    def __html__(self):
        return "<b>as it shows itself</b>"


class _Text(str):
    pass


PRINTED = [
    "", "plain", "Đức Giang", "<script>alert('x')</script>", 'a "quoted" & <b>bold</b> \'one\'', "&amp; already",
    0, 1204, -2.5, None, True, Markup("<em>safe</em>"), _Shown(), _Text("<i>a str of another kind</i>"), ["<li>"],
]


def test_every_value_a_page_prints_is_escaped_exactly_as_markupsafe_escapes_it():
    for value in PRINTED:
        assert render("{{ v }}", v=value) == str(escape(value)), value


def test_what_a_set_block_a_filter_block_or_a_call_collects_is_printed_again_without_escaping_it_twice():
    template = (
        "{% macro framed() %}({{ caller() }}){% endmacro %}"
        "{% set kept %}{{ v }}{% endset %}{{ kept }}|{% filter upper %}{{ v }}{% endfilter %}|{% call framed() %}{{ v }}{% endcall %}"
    )
    for value in PRINTED:
        once = str(escape(value))
        assert render(template, v=value) == f"{once}|{once.upper()}|({once})", value


def test_values_printed_in_blocks_macros_and_loops_of_extended_templates_are_escaped_too():
    env = Theme(None).environment()
    env.loader = DictLoader({
        "base.html": "[{% block main %}{% endblock %}]",
        "page.html": '{% extends "base.html" %}{% macro item(v) %}<{{ v }}>{% endmacro %}'
                     "{% block main %}{% for v in values %}{{ item(v) }}{{ v }}{% endfor %}{% endblock %}",
    })
    page = env.get_template("page.html")
    assert isinstance(page, _Template)
    expected = "[" + "".join(f"<{escape(v)}>{escape(v)}" for v in PRINTED) + "]"
    assert page.render(values=PRINTED) == expected


def test_a_page_a_template_of_ones_own_failed_on_comes_back_from_a_worker_process_with_its_place():
    problem = ContentError(Path("templates/article.html"), 3, "'x' is undefined (making a.html)")
    back = pickle.loads(pickle.dumps(TemplateFailed(problem)))
    assert isinstance(back, TemplateFailed) and back.problem == problem
