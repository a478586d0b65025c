"""The site configuration (wardsite.yaml), with defaults that work without one."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import urls
from .assets import ASSET_DIR
from .errors import ContentError
from .yamltext import parse_yaml

CONFIG_FILE = "wardsite.yaml"


@dataclass(frozen=True)
class Config:
    title: str = "Lưu trữ tin phường"
    description: str = "Tin hoạt động của Đảng ủy, Mặt trận Tổ quốc và các đoàn thể phường"
    base_url: str = ""
    content: str = "content"
    output: str = "site"
    templates: str = "templates"
    page_size: int = 20
    task_page_size: int = 50  # tasks are a line or two each: a page holds more of them
    home_size: int = 10
    timezone: str = "Asia/Ho_Chi_Minh"
    links: str = "files"  # "files" works from disk; "pretty" drops index.html for hosts
    trusted_html: bool = False  # keep raw HTML in Markdown as written
    drafts: bool = False  # include articles marked `draft: true`
    future: bool = False  # include articles dated after the build
    # Files and folders at the top of the output that the build does not make but carries over.
    keep: tuple[str, ...] = ("CNAME", ".nojekyll", ".well-known")

    @property
    def tz(self) -> tzinfo:
        return ZoneInfo(self.timezone)


_TYPES = {f.name: f.type for f in fields(Config)}

# The names at the top of the output that are the build's own.
BUILT_NAMES = frozenset(
    path.split("/")[0]
    for path in (urls.HOME, urls.WARDS, urls.YEARS, urls.CATEGORIES, urls.SEARCH, urls.NOT_FOUND, urls.FEED, urls.SITEMAP, urls.TASKS, urls.ARTICLES_JSON)
) | {ASSET_DIR, "static", "robots.txt"}


def _keep(value) -> tuple[tuple[str, ...] | None, str | None]:
    if not isinstance(value, list):
        return None, "`keep` must be a list of names, e.g. `keep: [CNAME, .nojekyll, .git]`"
    for name in value:
        if not isinstance(name, str) or name in ("", ".", "..") or "/" in name or "\\" in name:
            return None, f"`keep: {name!r}` is not a name in the output folder; list names at its top, e.g. CNAME or .git"
        if name in BUILT_NAMES:
            return None, f"`keep: {name}` is something wardsite makes; list only files the build does not make"
    return tuple(value), None


def parse_config(text: str, path: Path) -> tuple[Config, list[ContentError]]:
    doc, errors = parse_yaml(text, path)
    if doc is None or doc.data is None:
        return Config(), errors
    if not isinstance(doc.data, dict):
        return Config(), [ContentError(path, 1, "the configuration must be `key: value` lines, e.g. `title: Tin phường Đức Giang`")]
    values = {}
    for key, value in doc.data.items():
        line = doc.line_of(str(key))
        if key not in _TYPES:
            errors.append(ContentError(path, line, f"unknown setting `{key}`; the settings are: {', '.join(_TYPES)}"))
        elif _TYPES[key] == "int" and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            errors.append(ContentError(path, line, f"`{key}` must be a whole number of 1 or more"))
        elif _TYPES[key] == "bool" and not isinstance(value, bool):
            errors.append(ContentError(path, line, f"`{key}` must be true or false"))
        elif _TYPES[key] == "str" and not isinstance(value, str):
            errors.append(ContentError(path, line, f"`{key}` must be text"))
        elif key == "keep":
            kept, message = _keep(value)
            if message:
                errors.append(ContentError(path, line, message))
            else:
                values[key] = kept
        else:
            values[key] = value
    config = replace(Config(), **values)
    if config.links not in ("files", "pretty"):
        errors.append(ContentError(path, doc.line_of("links"), "`links` must be `files` (works from disk) or `pretty` (for web hosts)"))
        config = replace(config, links="files")
    try:
        config.tz
    except (ZoneInfoNotFoundError, ValueError):
        errors.append(ContentError(path, doc.line_of("timezone"), f"unknown time zone `{config.timezone}`; write e.g. Asia/Ho_Chi_Minh"))
        config = replace(config, timezone=Config.timezone)
    return config, errors


def load_config(path: Path | None) -> tuple[Config, list[ContentError]]:
    """The configuration from path, or from ./wardsite.yaml if it exists, or the defaults."""
    if path is None:
        path = Path(CONFIG_FILE)
        if not path.is_file():
            return Config(), []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return Config(), [ContentError(path, None, f"the configuration file cannot be read ({exc})")]
    return parse_config(text, path)
