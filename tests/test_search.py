"""The search index as Python builds it: folding, tokens, the files' contents, determinism, escaping."""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import article, write_archive
from wardsite import search, urls, workers
from wardsite.archive import assemble
from wardsite.build import make_site
from wardsite.config import Config
from wardsite.content import BodyRenderer
from wardsite.model import Article, Category, Task, pack
from wardsite.registry import Registry
from wardsite.text import fold, nfc, words_as_is

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵĐĂÂÊÔƠƯ"


def index_files(content) -> dict[str, str]:
    outcome = make_site(content, Config(), None)
    assert outcome.ok, outcome.problems
    return {path: data.decode("utf-8") for path, data in outcome.files.items() if path.startswith(urls.SEARCH_DATA + "/")}


def call_arguments(js: str, name: str) -> list:
    """The arguments of the one `wardsearch.name(...)` call an index file makes."""
    m = re.fullmatch(rf"wardsearch\.{name}\((.*)\);\n", js, re.S)
    assert m, js[:80]
    return json.loads(f"[{m.group(1)}]")


def core_of(files):
    return call_arguments(files[urls.SEARCH_CORE], "core")[0]


def token_shards(files) -> dict:
    shards = {}
    for path, js in files.items():
        if path.rsplit("/", 1)[1].startswith("t-"):
            key, data = call_arguments(js, "tokens")
            shards[key] = data
    return shards


def postings_of(files, folded) -> dict[str, tuple[list[int], list[int]]]:
    core = core_of(files)
    data = token_shards(files)[search.shard_key(folded, set(core["split"]))]
    return {exact: (search.decode_ids(s), search.decode_ids(b)) for exact, (s, b) in data[folded].items()}


def metadata(files) -> list:
    docs = []
    for name in core_of(files)["meta"]:
        start, chunk = call_arguments(files[f"{urls.SEARCH_DATA}/{name}"], "meta")
        assert start == len(docs)
        for title, link, date, snippet, tasks in chunk:
            docs.append({"title": title, "link": link, "date": date, "snippet": snippet, "tasks": tasks})
    return docs


def test_a_ward_typed_with_or_without_marks_or_in_capitals_folds_alike():
    assert fold("Đức Giang") == fold("duc giang") == fold("DUC GIANG") == fold("ĐỨC GIANG") == "duc giang"
    assert fold("Thượng Thanh") == "thuong thanh"


def test_the_two_tone_placements_are_one_exact_form_but_different_tones_are_not():
    assert search.exact_form("thụy") == search.exact_form("thuỵ")
    assert search.exact_form("dương") != search.exact_form("đường")
    assert fold("dương") == fold("đường") == "duong"


def test_tokens_are_syllables_with_their_folded_and_exact_forms():
    assert [f for f, _ in search.tokens("Hội CCB, Đoàn TN (2021)")] == ["hoi", "ccb", "doan", "tn", "2021"]


@given(st.text(alphabet=VIETNAMESE + "ĐÂƯİǰß \u00a0\u2003\t\n,.;:–-()\"'0123456789_", max_size=200))
def test_an_entry_holds_each_run_of_a_text_once_and_they_give_each_exact_form_of_its_words(text):
    runs = " ".join(search._distinct_runs(text))  # as an Entry holds them
    assert sorted(runs.split(" ") if runs else []) == sorted(set(nfc(text).split()))
    assert search.forms_of_runs(runs) == {exact for _, exact in search.tokens(text)}


def test_the_postings_of_a_form_list_each_article_once_whichever_of_its_runs_have_it():
    found = [
        search.Entry(strong="", body="Giang, giang"),
        search.Entry(strong="Giang", body="Giang."),
        search.Entry(strong="", body="Đức"),
        search.Entry(strong="(giang)", body="giang!"),
    ]
    strong, body = search.raw_postings(found)
    assert list(body["giang"]) == [0, 1, 3] and list(strong["giang"]) == [1, 3]
    duc = search.exact_form("đức")
    assert list(body[duc]) == [2] and duc not in strong


def test_case_folding_makes_no_space_and_takes_none_away():
    # An entry splits a text into runs at spaces before their case is folded.
    for code in range(sys.maxunicode + 1):
        c = chr(code)
        assert c.casefold().split() == ([c.casefold()] if not c.isspace() else []), hex(code)


def test_the_forms_of_a_text_are_the_same_once_the_lookup_of_runs_was_emptied(monkeypatch):
    monkeypatch.setattr(search._FormsOf, "LIMIT", 3)
    text = "Đoàn TN, Hội CCB (2021) Thụy Thuỵ đoàn"
    runs = " ".join(search._distinct_runs(text))  # as an Entry holds them
    before = search.forms_of_runs(runs)
    assert before == {exact for _, exact in search.tokens(text)}
    assert search.forms_of_runs(runs) == before and len(search._forms_of) <= 3

def test_the_table_of_small_numbers_holds_each_ones_encoding():
    small = search._small_numbers()
    assert len(small) == search._SMALL_LIMIT == 1 << 15
    assert all(small[n] == search.encode_number(n) for n in range(1 << 15))
    assert all(search.decode_numbers(small[n]) == [n] for n in (0, 31, 32, 1023, 1024, 32767))


@given(st.lists(st.integers(min_value=0, max_value=2_000_000), unique=True))
def test_article_ids_survive_their_encoding(ids):
    ids = sorted(ids)
    code = search.encode_ids(ids)
    assert set(code) <= set(search.DIGITS)
    assert search.decode_ids(code) == ids


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.text(st.characters(blacklist_categories=("Cs",))),
    lambda inner: st.lists(inner) | st.dictionaries(st.text(st.characters(blacklist_categories=("Cs",))), inner),
    max_leaves=25,
)


@settings(max_examples=400)
@given(JSON_VALUES)
def test_the_index_json_is_what_the_json_module_writes_with_what_would_break_a_script_escaped(value):
    expected = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for ch in "<>&\u2028\u2029":
        expected = expected.replace(ch, f"\\u{ord(ch):04x}")
    assert search.js_json(value) == expected.encode("utf-8")


def test_the_index_splits_words_on_every_character_as_search_js_does():
    # search.js splits on /[\p{L}\p{N}_]/u: letters, numbers and the underscore.
    for code in range(sys.maxunicode + 1):
        c = chr(code)
        js_word = c == "_" or unicodedata.category(c)[0] in "LN"
        assert (words_as_is(f"a{c}b") == [f"a{c}b"]) == js_word, hex(code)


def test_a_word_in_the_title_or_a_task_ranks_apart_from_a_word_only_in_the_body(tmp_path):
    content = write_archive(
        tmp_path,
        {
            "a.md": article(title="Giao ban tháng 5", body="Tuyên truyền phòng chống dịch.", extra="tasks:\n  - text: Kiểm tra an toàn thực phẩm\n    assignee: Hội Cựu chiến binh\n"),
            "b.md": article(title="Hội nghị", date="2020-01-01", ward="Ngọc Thuỵ", body="Kiểm tra cuối năm."),
        },
    )
    files = index_files(content)
    assert postings_of(files, "kiem")[search.exact_form("kiểm")] == ([0], [1])  # a.md is newer, so id 0
    assert postings_of(files, "truyen")[search.exact_form("truyền")] == ([], [0])
    assert postings_of(files, "binh")["binh"] == ([0], [])  # an assignee is a strong field
    assert postings_of(files, "thuy")[search.exact_form("thụy")] == ([1], [])  # the ward, as the registry spells it
    assert postings_of(files, "duc")[search.exact_form("đức")] == ([0], [])


def test_each_article_has_its_title_link_date_short_text_and_tasks_in_the_metadata(archive_dir):
    files = index_files(archive_dir)
    docs = metadata(files)
    assert [d["title"] for d in docs] == ["Giao ban tháng 5", "Làm việc với MTTQ", "Hội nghị tổng kết"]
    assert docs[0]["link"] == "phuong/duc-giang/2021/giao-ban.html"
    assert docs[0]["date"] == "13/05/2021"
    assert docs[0]["snippet"] == "Nội dung bài viết."
    assert docs[0]["tasks"] == [["Tuyên truyền phòng chống dịch", "MTTQ"], ["Thực hiện tốt chức năng giám sát"]]


def test_the_core_names_every_filter_value_and_every_other_index_file(archive_dir):
    files = index_files(archive_dir)
    core = core_of(files)
    assert core["count"] == 3
    assert [w[1] for w in core["wards"]][:2] == ["An Bình", "Ân Thi"]
    assert core["years"] == [2020, 2021]
    numbers = search.decode_numbers(core["articles"])
    wards = [core["wards"][numbers[3 * i]][0] for i in range(3)]
    years = [core["years"][numbers[3 * i + 2]] for i in range(3)]
    assert wards == ["duc-giang", "ngoc-thuy", "duc-giang"] and years == [2021, 2021, 2020]
    named = {f"{urls.SEARCH_DATA}/{n}" for n in [*core["shards"].values(), *core["meta"]]}
    assert named | {urls.SEARCH_CORE} == set(files)


def test_the_same_archive_gives_byte_identical_index_files(archive_dir):
    assert index_files(archive_dir) == index_files(archive_dir)


def test_a_big_two_letter_shard_is_split_by_three_letters(archive_dir, monkeypatch):
    monkeypatch.setattr(search, "SHARD_LIMIT", 10)
    files = index_files(archive_dir)
    core = core_of(files)
    assert "gi" in core["split"]
    assert "gia" in core["shards"] and "gi" not in core["shards"]
    assert postings_of(files, "giang")["giang"][0] == [0, 2]


def test_article_text_cannot_break_out_of_the_index_scripts(tmp_path):
    nasty = "</script><script>alert(1)</script> <!-- ]]> \"trích dẫn\" & 'nháy' \u2028 \u2029 \\"
    content = write_archive(
        tmp_path,
        {"a.md": article(title=json.dumps(nasty), body=nasty.replace("\\", ""), extra=f"tasks:\n  - {json.dumps(nasty)}\n")},
    )
    files = index_files(content)
    for js in files.values():
        assert not re.search(r"[<>&\u2028\u2029]", js)
    docs = metadata(files)
    assert docs[0]["title"] == nasty
    assert docs[0]["tasks"] == [[nasty]]


def test_the_search_page_points_at_the_core_and_the_site_root(archive_dir):
    outcome = make_site(archive_dir, Config(), None)
    page = outcome.files[urls.SEARCH].decode("utf-8")
    assert 'data-core="chi-muc/core.js"' in page
    assert 'data-root="../index.html"' in page
    assert re.search(r'<script src="\.\./static/search\.[0-9a-f]{10}\.js" defer></script>', page)


def test_a_task_is_found_by_the_registry_name_of_its_organisation(tmp_path):
    content = write_archive(tmp_path, {"a.md": article(extra="tasks:\n  - text: Vận động hội viên\n    assignee: Hội Phụ nữ\n  - Việc chung\n")})
    (content / "organisations.yaml").write_text(
        "organisations:\n  - name: Hội Liên hiệp Phụ nữ\n    aliases: [Hội Phụ nữ, Hội LHPN]\n", encoding="utf-8"
    )
    files = make_site(content, Config(), None).files
    shards = "".join(data.decode("utf-8") for name, data in files.items() if name.startswith(urls.SEARCH_DATA + "/t-"))
    assert '"hiep":{' in shards and '"lien":{' in shards  # only the registry's name has these words
    assert "ghi" not in re.findall(r'"(\w+)":\{', shards)  # an unassigned task files under no searchable name


# Patching the index after an edit: the same files as making it from scratch.

SYLLABLES = ["thụy", "thuỵ", "dương", "đường", "giang", "Giang", "hội", "hoi", "của", "phòng", "chống", "cháy", "nổ", "2021", "a", "ă", "â", "đ", "xyz"]
# Words, and the spaces and marks between them that the metadata keeps as written.
TEXTS = st.lists(st.sampled_from(SYLLABLES) | st.sampled_from([" ", "  ", ", ", "(", ")", "–", "\n", "_", "<&>", "\u2028", "'"]), max_size=10).map(" ".join)


def made_article(n: int, title: str, body: str, task: str = "", ward: str = "Đức Giang") -> Article:
    """Article n of a made-up archive: one a day, newest first, so that n is its id."""
    date = datetime(2021, 6, 1, 8, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")) - timedelta(days=n)
    return Article(
        path=Path(f"bai-{n}.md"), slug=f"bai-{n}", title=title, date=date, has_time=True, ward=fold(ward).replace(" ", "-"), ward_name=ward,
        category=Category("Công tác đảng", "cong-tac-dang"), tasks=(Task(task, "MTTQ"),) if task else (), body=pack(f"<p>{body}</p>".encode()),
        summary=body, digest=f"{title}|{body}|{task}",
    )


def made_archive(articles):
    return assemble(articles, Registry())


def patch(index, archive, edited):
    """index patched to archive, whose articles at the places edited changed in place; None when it cannot be."""
    keys = [search.article_key(a, None) for a in archive.articles]
    places = search.changed_places(index, keys)
    assert places == sorted(edited)
    changes = {i: (search.entry(article), search.entry(archive.articles[i])) for i, article in edited.items()}
    return search.patched(index, archive.articles, keys, changes, search.core_facts(archive))


def fresh(archive):
    found = [search.entry(a) for a in archive.articles]
    return search.fresh_index(archive.articles, search.raw_postings(found), [search.article_key(a, None) for a in archive.articles], search.core_facts(archive))


EDITS = st.lists(st.tuples(st.integers(0, 44), TEXTS, TEXTS, TEXTS), min_size=1, max_size=6)


def apart(articles, known, organisations):
    """entries, then the raw_postings split out of them: what entries_and_postings gives, worked out the long way."""
    made = search.entries(articles, known, organisations)
    return made, search.raw_postings([made[search.entry_key(a, organisations)] for a in articles])


def in_one_process(work):
    was, workers._alone = workers._alone, True
    try:
        return work()
    finally:
        workers._alone = was


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(TEXTS, TEXTS, TEXTS), min_size=1, max_size=30), st.data())
def test_entries_and_their_postings_worked_out_together_are_those_worked_out_apart(texts, data):
    archive = made_archive([made_article(n, *text) for n, text in enumerate(texts)])
    organisations = {a.path: ("Hội Liên hiệp Phụ nữ",) for a in archive.articles[::3]}
    cached = data.draw(st.sets(st.sampled_from(archive.articles)))  # some entries known from the cache
    known = {search.entry_key(a, organisations): search.entry(a, organisations.get(a.path, ())) for a in cached}
    together = in_one_process(lambda: search.entries_and_postings(archive.articles, known, organisations))
    assert together == in_one_process(lambda: apart(archive.articles, known, organisations))


def test_entries_spread_over_the_cores_give_the_postings_made_in_one_process():
    archive = made_archive([made_article(n, f"{SYLLABLES[n % 19]} {n}", f"{SYLLABLES[n % 7]} {SYLLABLES[n % 11]}, {n % 13}") for n in range(300)])
    assert workers.spreads(len(archive.articles))  # this machine has two cores or more: else the two are one
    spread = search.entries_and_postings(archive.articles, {}, None)
    assert spread == in_one_process(lambda: search.entries_and_postings(archive.articles, {}, None))
    assert list(spread[1][1]["giang"]) == [n for n in range(300) if n % 7 in (4, 5) or n % 11 in (4, 5)]  # giang, Giang


@settings(max_examples=60, deadline=None)
@given(first=st.lists(st.tuples(TEXTS, TEXTS), min_size=45, max_size=45), edits=EDITS)
def test_an_index_patched_for_edits_in_place_has_the_files_of_one_made_from_scratch(first, edits):
    articles = [made_article(n, title, body) for n, (title, body) in enumerate(first)]
    archive = made_archive(articles)
    index = fresh(archive)
    for place, title, body, task in edits:
        edited = {place: archive.articles[place]}
        changed = made_article(place, title, body, task)
        if search.article_key(changed, None) == search.article_key(edited[place], None):
            continue
        archive = made_archive(archive.articles[:place] + (changed,) + archive.articles[place + 1 :])
        index = patch(index, archive, edited)
        assert index is not None
        assert dict(search.index_files(index)) == search.search_files(archive, Config())


def test_an_edit_that_would_split_a_shard_is_not_patched_but_made_from_scratch(monkeypatch):
    archive = made_archive([made_article(n, "Hội nghị", "giang") for n in range(3)])
    monkeypatch.setattr(search, "SHARD_LIMIT", 45)
    index = fresh(archive)
    assert index.split == []
    edited = {1: archive.articles[1]}
    grown = made_archive([archive.articles[0], made_article(1, "Hội nghị", "giang giảng giãng giáng giạng giàng"), archive.articles[2]])
    assert patch(index, grown, edited) is None
    assert fresh(grown).split == ["gi"]


def test_an_edit_within_a_split_shard_is_patched_in_place(monkeypatch):
    monkeypatch.setattr(search, "SHARD_LIMIT", 45)
    archive = made_archive([made_article(n, "Hội nghị", "giang giảng giãng giáng giạng giàng") for n in range(3)])
    index = fresh(archive)
    assert index.split == ["gi"]
    edited = {2: archive.articles[2]}
    archive = made_archive([*archive.articles[:2], made_article(2, "Hội nghị", "giang giảng giãng giáng giạng giàng ghi")])
    index = patch(index, archive, edited)
    assert index is not None and index.split == ["gi"]
    assert dict(search.index_files(index)) == search.search_files(archive, Config())


def test_an_index_made_with_other_limits_or_for_another_number_of_articles_is_not_patched(monkeypatch):
    archive = made_archive([made_article(n, "Hội nghị", "giang") for n in range(3)])
    index = fresh(archive)
    keys = [search.article_key(a, None) for a in archive.articles]
    assert search.changed_places(index, keys) == []
    assert search.changed_places(index, keys[:2]) is None
    assert search.changed_places("an old cache", keys) is None
    monkeypatch.setattr(search, "META_SIZE", 10)
    assert search.changed_places(index, keys) is None


@given(st.lists(st.integers(min_value=0, max_value=100_000), unique=True), st.integers(min_value=0, max_value=100_001), st.booleans())
def test_an_id_put_into_or_taken_out_of_encoded_ids_gives_the_encoding_of_the_new_ids(ids, i, present):
    ids = sorted(ids)
    now = sorted(set(ids) | {i}) if present else [n for n in ids if n != i]
    assert search.with_id(search.encode_ids(ids), i, present) == search.encode_ids(now)


def reference_plain_text(body_html: str) -> str:
    """The plain definition of an article's text: HTMLParser's data, each tag a space (the fast path's fallback)."""
    parser = search._Text()
    parser.feed(body_html)
    parser.close()
    return " ".join("".join(parser.parts).split())


HTML_BITS = [
    "<p>", "</p>", "<P>", "</P >", "<br>", "<br/>", "<br />", "<hr/ >", "<h2>", "</h2>", "<li>", "</li>",
    '<a href="../2020/bai.md#ket-luan" rel="noopener noreferrer">', "</a>", "<a href=bai.md>", "<a href='x'>",
    '<img src="anh/hoi-nghi.jpg" alt="Hội nghị">', '<a title="a>b">', "<a title='<p>'>", '<a b="c"d>',
    '<td align="center">', "<a\x00>", "<a\n href='x'\n>", "<a/b>", "<a =b>", "<a b=>", "<a href=x/>",
    "< p>", "</ p>", "</>", "<>", "<3", "a<b", "<!-- <p> -->", "<!--", "-->", "<![CDATA[<p>&amp;]]>",
    "<!DOCTYPE html>", "<?php echo 1 ?>", "<script>", "</script>", "<script type='a'>x<p>&amp;", "<style>",
    "</style>", "<SCRIPT>", "<scripts>", "<textarea>", "<title>", "<xmp>", "<plaintext>",
    "&amp;", "&amp", "&ampx", "&lt;", "&gt;", "&nbsp;", "&#65;", "&#x41;", "&#X1F600;", "&#0;", "&#xD800;",
    "&#1114112;", "&bogus;", "&", "&#", "&#x;", "&notin;", "&notit;", "&AElig", "&quot;", "&#39;",
]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(HTML_BITS), st.text(alphabet=VIETNAMESE[:20] + " \n\t\u00a0<>/&;#=\"'!-ax0", max_size=12)), max_size=24))
def test_an_articles_text_is_what_htmlparser_reads_in_it(bits):
    body = "".join(bits)
    assert search.plain_text(body) == reference_plain_text(body)


def test_the_text_of_html_made_from_markdown_is_read_without_htmlparser(monkeypatch):
    markdown = (
        "# Hội nghị\n\nĐoàn **TN** & *Hội CCB* <b>dự</b> [bài trước](../2020/bai.md \"Bài\") ![ảnh](anh/a.jpg)\n\n"
        "- một\n- hai `a < b`\n\n| A | B |\n|---|:-:|\n| 1 | 2 |\n\n> trích &copy; 2021 &nbsp;hết\n\n---\nhttps://example.org\n"
    )
    body = BodyRenderer().utf8(markdown).decode()
    expected = reference_plain_text(body)
    monkeypatch.setattr(search, "_Text", None)  # the fast reading alone, or a TypeError
    assert search.plain_text(body) == expected
    assert "Hội CCB dự bài trước" in expected and "a < b" in expected and "© 2021" in expected

