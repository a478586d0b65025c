"""Atom feeds, the sitemap and robots.txt: what hosts and feed readers read."""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from . import urls
from .archive import Archive
from .config import Config
from .model import Article

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
FEED_SIZE = 50
_EPOCH = datetime(2003, 11, 6, tzinfo=timezone.utc)  # an empty feed's updated date: stable, not the build's


def _link(target: str, feed_path: str, config: Config) -> str:
    """Absolute with a base URL; otherwise relative to the feed, which Atom allows."""
    pretty = config.links == "pretty"
    if config.base_url:
        return urls.absolute(target, config.base_url, pretty)
    return urls.relative(target, feed_path, pretty)


def entry_id(article: Article, config: Config) -> str:
    """A tag: URI that stays the same when the site moves host or changes its link style."""
    authority = urlsplit(config.base_url).hostname or "wardsite.invalid"
    return f"tag:{authority},{article.date:%Y-%m-%d}:{article.ward}/{article.year}/{article.slug}"


def _text(parent, tag: str, text: str, **attrs) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = text
    return element


def atom(feed_path: str, title: str, page_path: str, articles, archive: Archive, config: Config) -> bytes:
    """An Atom feed of the newest articles; HTML content is escaped by the XML writer."""
    newest = articles[:FEED_SIZE]
    # Plain tag names and an xmlns attribute: ElementTree's namespace support
    # would prefix every element (ns0:) or refuse unqualified attributes.
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": "vi"})
    _text(feed, "title", title)
    _text(feed, "subtitle", config.description)
    authority = urlsplit(config.base_url).hostname or "wardsite.invalid"
    _text(feed, "id", f"tag:{authority},2003:{feed_path}")
    _text(feed, "updated", (newest[0].date if newest else _EPOCH).isoformat())
    ET.SubElement(feed, "link", {"rel": "self", "href": _link(feed_path, feed_path, config)})
    ET.SubElement(feed, "link", {"rel": "alternate", "type": "text/html", "href": _link(page_path, feed_path, config)})
    author = ET.SubElement(feed, "author")
    _text(author, "name", config.title)
    for article in newest:
        entry = ET.SubElement(feed, "entry")
        _text(entry, "title", article.title)
        _text(entry, "id", entry_id(article, config))
        _text(entry, "updated", article.date.isoformat())
        _text(entry, "published", article.date.isoformat())
        ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": _link(urls.article(article), feed_path, config)})
        ET.SubElement(entry, "category", {"term": article.category.slug, "label": article.category.name})
        _text(entry, "summary", article.summary)
        _text(entry, "content", article.body_html, type="html")
        if article.source:
            source = ET.SubElement(entry, "author")
            _text(source, "name", article.source)
    ET.indent(feed)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8") + b"\n"


def _feed_lists(archive: Archive, config: Config) -> list[tuple[str, str, str, tuple[Article, ...]]]:
    """(feed path, title, page it stands for, the articles it shows) for each feed."""
    lists = [(urls.FEED, config.title, urls.HOME, archive.articles)]
    for ward in archive.wards:
        lists.append((urls.ward_feed(ward.slug), f"{ward.name} · {config.title}", urls.ward(ward.slug), archive.by_ward[ward.slug]))
    for category in archive.categories:
        lists.append((urls.category_feed(category.slug), f"{category.name} · {config.title}", urls.category(category.slug), archive.by_category[category.slug]))
    return [(path, title, page, tuple(articles[:FEED_SIZE])) for path, title, page, articles in lists]


def feeds(archive: Archive, config: Config) -> dict[str, bytes]:
    """The whole archive's feed and one per ward and per category."""
    return {path: atom(path, title, page, articles, archive, config) for path, title, page, articles in _feed_lists(archive, config)}


def feed_inputs(archive: Archive, config: Config) -> list:
    """What the feeds are made from besides the configuration: an edit to an article none of them shows leaves them as they were."""
    return _feed_lists(archive, config)


def sitemap(page_paths, config: Config) -> bytes:
    """Every page once; absolute URLs from base_url (relative ones without it, which crawlers ignore).

    Written line by line, as ElementTree would indent it: building the tree
    of a large archive took longer than planning its pages.
    """
    pretty = config.links == "pretty"
    locs = [urls.absolute(path, config.base_url, pretty) if config.base_url else path for path in sorted(page_paths)]
    head = '<?xml version="1.0" encoding="utf-8"?>\n'
    if not locs:
        return f'{head}<urlset xmlns="{SITEMAP}" />\n'.encode("utf-8")
    entries = "".join(f"  <url>\n    <loc>{_xml_text(loc)}</loc>\n  </url>\n" for loc in locs)
    return f'{head}<urlset xmlns="{SITEMAP}">\n{entries}</urlset>\n'.encode("utf-8")


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def robots(config: Config) -> bytes:
    lines = ["User-agent: *", "Allow: /"]
    if config.base_url:
        lines.append(f"Sitemap: {urls.absolute('sitemap.xml', config.base_url)}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def for_hosts(config: Config, page_paths) -> dict[str, bytes]:
    """sitemap.xml and robots.txt."""
    return {
        urls.SITEMAP: sitemap([p for p in page_paths if p.endswith(".html") and p != urls.NOT_FOUND], config),
        "robots.txt": robots(config),
    }

