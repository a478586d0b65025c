"""Page fingerprints: what makes a page be rendered again, and what does not."""

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from wardsite.cache import fingerprint, names_of
from wardsite.model import Article, Category, Task, pack
from wardsite.tasks import Filed

VN = timezone(timedelta(hours=7))


def an_article(n: int, digest: str = "abc") -> Article:
    return Article(
        path=Path(f"bo-de/bai-{n}.md"), slug=f"bai-{n}", title=f"Bài {n}", date=datetime(2021, 5, n + 1, tzinfo=VN), has_time=False,
        ward="bo-de", ward_name="Bồ Đề", category=Category("Công tác đảng", "cong-tac-dang"), tasks=(Task("Tuyên truyền", "MTTQ"),),
        body=pack(f"<p>Nội dung {n}.</p>".encode()), summary=f"Nội dung {n}.", digest=f"{digest}{n}",
    )


def a_page(articles, filed) -> tuple:
    return ("ward.html", "Bồ Đề", (("Trang chủ", "index.html"),), {"articles": tuple(articles), "entries": tuple(filed), "count": len(articles)})


def test_the_names_worked_out_once_give_the_fingerprints_worked_out_on_the_spot():
    articles = [an_article(n) for n in range(5)]
    filed = [Filed(a, 1, a.tasks[0], "mttq") for a in articles]
    page = a_page(articles, filed)
    assert fingerprint(page, names_of(articles + filed)) == fingerprint(page)


def test_an_article_counts_by_its_file_not_by_its_body():
    article = an_article(1)
    same_file_other_body = replace(article, body=pack("<p>Khác.</p>".encode()))
    other_file = replace(article, digest="def1")
    assert fingerprint(a_page([article], [])) == fingerprint(a_page([same_file_other_body], []))
    assert fingerprint(a_page([article], [])) != fingerprint(a_page([other_file], []))


def test_a_filed_task_counts_by_its_article_place_and_organisation():
    article = an_article(1)
    base = fingerprint(a_page([], [Filed(article, 1, article.tasks[0], "mttq")]))
    assert base != fingerprint(a_page([], [Filed(article, 2, article.tasks[0], "mttq")]))
    assert base != fingerprint(a_page([], [Filed(article, 1, article.tasks[0], "doan-thanh-nien")]))
    assert base != fingerprint(a_page([], [Filed(replace(article, digest="zzz"), 1, article.tasks[0], "mttq")]))


def test_a_name_is_used_only_for_the_very_object_it_was_worked_out_for():
    first, second = an_article(1), an_article(2)
    # A table whose entry for second's id holds another object: second must not take first's name.
    misleading = {id(second): (first, names_of([first])[id(first)][1])}
    assert fingerprint(a_page([second], []), misleading) == fingerprint(a_page([second], []))
    assert fingerprint(a_page([second], []), misleading) != fingerprint(a_page([first], []))


def test_by_value_equal_values_have_equal_fingerprints_whether_or_not_they_share_objects():
    word = "".join(["Bồ", " Đề"])
    shared = (word, word, [word])
    apart = ("".join(["Bồ", " Đề"]), "".join(["Bồ Đề"]), ["".join(["Bồ ", "Đề"])])
    assert shared == apart and shared[0] is shared[1] and apart[0] is not apart[1]
    assert fingerprint(shared, by_value=True) == fingerprint(apart, by_value=True)


def test_a_sequence_fingerprinted_item_by_item_tells_its_items_apart():
    from wardsite.cache import fingerprint_all

    items = [("bai-1.md", "Bồ Đề", (("Tuyên truyền", "MTTQ"),)), ("bai-2.md", None, ())]
    assert fingerprint_all(iter(items)) == fingerprint_all(list(items))
    assert fingerprint_all(items) != fingerprint_all(items[::-1])
    assert fingerprint_all([("a", "b")]) != fingerprint_all([("a",), ("b",)])
    word = "".join(["Bồ", " Đề"])
    assert fingerprint_all([(word, word)], by_value=True) == fingerprint_all([("Bồ Đề", "".join(["Bồ ", "Đề"]))], by_value=True)
    # No item refers to an earlier one: the same string in two items counts as two equal strings.
    assert fingerprint_all([(word,), (word,)]) == fingerprint_all([(word,), ("".join(["Bồ ", "Đề"]),)])
