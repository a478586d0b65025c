"""Where every page lives in the output, and how one page links to another.

This is the one place that knows about file:// links: Chromium and Firefox
show a folder listing (or nothing) for a link that ends in `/` when the site
is opened from disk, so by default every link names its file, index.html
included. With `links: pretty` (for web hosts) links drop the index.html.
"""

from __future__ import annotations

from functools import lru_cache

from .model import Article

HOME = "index.html"
WARDS = "phuong/index.html"
YEARS = "nam/index.html"
CATEGORIES = "chuyen-muc/index.html"
SEARCH = "tim-kiem/index.html"
SEARCH_DATA = "tim-kiem/chi-muc"  # the search index's script files (wardsite.search)
SEARCH_CORE = f"{SEARCH_DATA}/core.js"
NOT_FOUND = "404.html"
FEED = "feed.xml"
SITEMAP = "sitemap.xml"
TASKS = "nhiem-vu/index.html"
ARTICLES_JSON = "data/articles.json"  # the open data (wardsite.opendata)
ARTICLES_SCHEMA = "data/articles.schema.json"
TASKS_CSV = "data/tasks.csv"


def paged(directory: str, number: int = 1) -> str:
    """Page `number` of a list whose first page is directory/index.html."""
    if number == 1:
        return f"{directory}/index.html"
    return f"{directory}/trang/{number}/index.html"


def article(a: Article) -> str:
    return f"phuong/{a.ward}/{a.year}/{a.slug}.html"


def ward(slug: str, number: int = 1) -> str:
    return paged(f"phuong/{slug}", number)


def ward_year(slug: str, year: int, number: int = 1) -> str:
    return paged(f"phuong/{slug}/{year}", number)


def year(y: int, number: int = 1) -> str:
    return paged(f"nam/{y}", number)


def category(slug: str, number: int = 1) -> str:
    return paged(f"chuyen-muc/{slug}", number)


def ward_feed(slug: str) -> str:
    return f"phuong/{slug}/feed.xml"


def category_feed(slug: str) -> str:
    return f"chuyen-muc/{slug}/feed.xml"


def organisation(slug: str, number: int = 1) -> str:
    """The tasks given to one organisation."""
    return paged(f"nhiem-vu/to-chuc/{slug}", number)


def ward_year_tasks(slug: str, year: int, number: int = 1) -> str:
    # A folder of its own, not phuong/<ward>/<year>/nhiem-vu.html, so that no
    # article (phuong/<ward>/<year>/<slug>.html) can ever land on it.
    return paged(f"phuong/{slug}/{year}/nhiem-vu", number)


def task(a: Article, number: int) -> str:
    """The number-th task (from 1) in its article's page."""
    return f"{article(a)}#nhiem-vu-{number}"


def relative(target: str, from_page: str, pretty: bool = False) -> str:
    """The link from one output file to another, relative so it works from disk."""
    return links_from(from_page, pretty)(target)


def links_from(from_page: str, pretty: bool = False):
    """relative(target, from_page, pretty) as a function of target alone: the links of one page.

    A list page makes a hundred links or more, so the page's folders are
    worked out once, not on every link; and the pages of one folder share
    the function (a site has a few thousand folders and 15,000 pages).
    """
    return _links_from_folder(from_page.rpartition("/")[0], pretty)


@lru_cache(maxsize=8192)
def _links_from_folder(folder: str, pretty: bool):
    # Both are clean paths from the site root, so the link is "../" for each
    # folder of from_page not shared with target, then the rest of target
    # (what posixpath.relpath gives, at a fraction of its cost per link).
    folders = folder.split("/") if folder else []
    # Each folder from_page is in, deepest first, with its slash, and the way up to it.
    ways = [("/".join(folders[:depth]) + "/", "../" * (len(folders) - depth)) for depth in range(len(folders), 0, -1)]
    to_root = "../" * len(folders)
    # Most links leave the page's top folder (the menu, the lists, the tasks): one test says so.
    top = ways[-1][0] if ways else ""

    def link(target: str) -> str:
        found = to_root + target
        if target.startswith(top):  # then one of ways matches: top is the last of them
            for prefix, up in ways:
                if target.startswith(prefix):
                    found = up + target[len(prefix) :]
                    break
        if pretty and (found == "index.html" or found.endswith("/index.html")):
            found = found[: -len("index.html")] or "./"
        return found

    return link


def absolute(target: str, base_url: str, pretty: bool = False) -> str:
    """The full URL of an output file on the host at base_url."""
    if pretty and (target == "index.html" or target.endswith("/index.html")):
        target = target[: -len("index.html")]
    return base_url.rstrip("/") + "/" + target
