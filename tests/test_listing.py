"""The theme's lists, written in Python by listing.py, are what a Jinja loop over the rows wrote, byte for byte."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from wardsite import listing, urls
from wardsite.archive import assemble
from wardsite.model import Article, Category, Task
from wardsite.organisations import Organisation, Organisations
from wardsite.registry import Registry
from wardsite.render import Theme
from wardsite.tasks import assign_tasks

# The theme's own loops before listing.py wrote the items, as they stood in macros.html, tasks_macros.html and article.html.
JINJA_LOOPS = """\
{% macro article_items(articles, show_ward=true, level=3) %}
{% for r in article_rows(articles) %}
<li class="article-item">
  <h{{ level }} class="article-item-title"><a href="{{ href(r.link) }}">{{ r.title }}</a></h{{ level }}>
  <p class="meta">
    <time datetime="{{ r.iso }}">{{ r.date|date_short }}</time>
    {% if show_ward %}· <a href="{{ href(r.ward) }}">{{ r.ward_name }}</a>{% endif %}
    · <a href="{{ href(r.category) }}">{{ r.category_name }}</a>
    {% if r.tasks %}· {{ r.tasks }} nhiệm vụ{% endif %}
  </p>
  {% if r.summary %}<p class="summary">{{ r.summary }}</p>{% endif %}
</li>
{% endfor %}
{% endmacro %}
{% macro task_items(entries, show_ward=true) %}
{% for r in task_rows(entries) %}
<li class="task-item">
  <p class="task-text">{{ r.text }}</p>
  <p class="meta">
    <time datetime="{{ r.iso }}">{{ r.date|date_short }}</time>
    {% if show_ward %}· <a href="{{ href(r.ward) }}">{{ r.ward_name }}</a>{% endif %}
    {% if r.written %}· bài ghi: “{{ r.written }}”{% endif %}
    · trong bài <a href="{{ href(r.link) }}">{{ r.title }}</a>
  </p>
</li>
{% endfor %}
{% endmacro %}
{% macro article_tasks(article) %}
    {% for task in article.tasks %}
      {% set organisation = taskbook.organisation_of(article, loop.index) %}
      <li id="nhiem-vu-{{ loop.index }}">{% if task.assignee %}<strong class="assignee"><a href="{{ href(urls.organisation(organisation.slug)) }}">{{ task.assignee }}</a>:</strong> {% endif %}{{ task.text }}</li>
    {% endfor %}
{% endmacro %}
"""

HO_CHI_MINH = ZoneInfo("Asia/Ho_Chi_Minh")
# Text an editor might write, with every character HTML escapes.
WORDS = st.text(alphabet="aăđêôơưĐỨạ ấ<>&\"'/#–", min_size=1, max_size=24).filter(str.strip)
NAMES = st.sampled_from(["Hội Liên hiệp Phụ nữ", "Hội Phụ nữ", "Hội <PN> & co", "Đoàn Thanh niên", "Hội Cựu chiến binh", "MTTQ", "Ban <Dân vận> & \"Tuyên giáo\""])
TASK = st.builds(Task, WORDS, st.one_of(st.none(), NAMES, WORDS))
ARTICLE = st.fixed_dictionaries(
    {
        "title": WORDS,
        "ward": st.sampled_from(["Đức Giang", "Ngọc Thụy", "Bồ Đề & <Cũ>"]),
        "category": st.sampled_from(["Tin tức", "Công tác đảng", "Mặt trận - Đoàn thể"]),
        "summary": st.one_of(st.just(""), WORDS),
        "tasks": st.lists(TASK, max_size=4),
        "days": st.integers(min_value=0, max_value=4000),
    }
)
PAGES = st.sampled_from(["index.html", "phuong/duc-giang/index.html", "nhiem-vu/to-chuc/mttq/trang/2/index.html", urls.NOT_FOUND])


def archive_of(drafts: list[dict]):
    articles = []
    for n, d in enumerate(drafts):
        category = Category(d["category"], f"c{sorted(['Tin tức', 'Công tác đảng', 'Mặt trận - Đoàn thể']).index(d['category'])}")
        articles.append(
            Article(
                path=Path(f"bai-{n}.md"), slug=f"bai-{n}", title=d["title"],
                date=datetime(2015, 1, 1, 8, 30, tzinfo=HO_CHI_MINH) + timedelta(days=d["days"], minutes=n), has_time=True,
                ward=f"w{['Đức Giang', 'Ngọc Thụy', 'Bồ Đề & <Cũ>'].index(d['ward'])}", ward_name=d["ward"], category=category,
                tasks=tuple(d["tasks"]), body="", summary=d["summary"], digest=str(n),
            )
        )
    archive = assemble(articles, Registry())
    registered = Organisations((Organisation("Hội Liên hiệp Phụ nữ", "hoi-lien-hiep-phu-nu", aliases=("Hội Phụ nữ", "Hội <PN> & co")),), open=True)
    return archive, assign_tasks(archive, registered)


def jinja_lists(archive, taskbook, page: str):
    """The macros of JINJA_LOOPS, in the theme's environment, with its globals for page."""
    env = Theme().environment()
    href = urls.links_from(page)
    env.globals.update(
        href=href, date_short=listing.date_short, taskbook=taskbook, urls=urls,
        article_rows=lambda articles: listing.article_rows(articles, archive),
        task_rows=lambda entries: listing.task_rows(entries, archive, taskbook),
    )
    return env.from_string(JINJA_LOOPS).module, href


@settings(max_examples=150, deadline=None)
@given(st.lists(ARTICLE, min_size=1, max_size=6), PAGES, st.booleans(), st.sampled_from([2, 3]))
def test_the_article_items_are_those_the_jinja_loop_wrote(drafts, page, show_ward, level):
    archive, taskbook = archive_of(drafts)
    loops, href = jinja_lists(archive, taskbook, page)
    written = listing.article_items_html(archive.articles, archive, href, show_ward, level)
    assert written == str(loops.article_items(archive.articles, show_ward, level))
    assert written.count('<li class="article-item">') == len(archive.articles)


@settings(max_examples=150, deadline=None)
@given(st.lists(ARTICLE, min_size=1, max_size=6), PAGES, st.booleans(), st.randoms(use_true_random=False))
def test_the_task_items_are_those_the_jinja_loop_wrote_in_any_order(drafts, page, show_ward, random):
    archive, taskbook = archive_of(drafts)
    entries = list(taskbook.entries)
    random.shuffle(entries)  # lists by organisation or by ward and year take an article's tasks apart
    loops, href = jinja_lists(archive, taskbook, page)
    written = listing.task_items_html(entries, archive, taskbook, href, show_ward)
    assert written == str(loops.task_items(entries, show_ward))
    assert written.count('<li class="task-item">') == len(entries)


@settings(max_examples=150, deadline=None)
@given(st.lists(ARTICLE, min_size=1, max_size=6), PAGES)
def test_an_article_pages_tasks_are_those_the_jinja_loop_wrote(drafts, page):
    archive, taskbook = archive_of(drafts)
    loops, href = jinja_lists(archive, taskbook, page)
    for article in archive.articles:
        written = listing.article_tasks_html(article, taskbook, href)
        assert written == str(loops.article_tasks(article))
        assert written.count("<li id=") == len(article.tasks)


def test_what_an_editor_writes_is_escaped_in_the_items():
    archive, taskbook = archive_of(
        [{"title": "<b>A & B</b>", "ward": "Bồ Đề & <Cũ>", "category": "Tin tức", "summary": '"x" < y', "tasks": [Task("t <i>", "Hội <PN> & co")], "days": 1}]
    )
    href = urls.links_from("index.html")
    articles = listing.article_items_html(archive.articles, archive, href)
    tasks = listing.task_items_html(taskbook.entries, archive, taskbook, href) + listing.article_tasks_html(archive.articles[0], taskbook, href)
    assert "&lt;b&gt;A &amp; B&lt;/b&gt;" in articles and "Bồ Đề &amp; &lt;Cũ&gt;" in articles and "&#34;x&#34; &lt; y" in articles
    assert tasks.count("t &lt;i&gt;") == 2 and "bài ghi: “Hội &lt;PN&gt; &amp; co”" in tasks and "Hội &lt;PN&gt; &amp; co</a>:</strong>" in tasks
    assert "<b>" not in articles + tasks and "<i>" not in tasks
