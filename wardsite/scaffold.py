"""A new, ready-to-fill article: where it goes and what it says (`wardsite new`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import PurePosixPath

import yaml

from .registry import Registry
from .text import slugify, squash_spaces

# Dates in the archive are Vietnam time; a new article says so explicitly.
VIETNAM = timezone(timedelta(hours=7))

PLACEHOLDER_BODY = """\
Viết nội dung bài ở đây (xoá đoạn hướng dẫn này khi viết xong).

Nên có: thời gian và địa điểm, thành phần tham dự, người chủ trì, nội dung
chính và kết luận. Mỗi đoạn cách nhau một dòng trống. Nhiệm vụ giao cho từng
đơn vị ghi ở mục `tasks:` phía trên, không cần chép lại ở đây.
"""

TASKS_EXAMPLE = """\
# Nhiệm vụ được giao (nếu có): bỏ dấu # ở đầu các dòng dưới đây và sửa lại.
# tasks:
#   - text: Tuyên truyền, vận động nhân dân thực hiện ...
#     assignee: MTTQ và các đoàn thể
#   - Hoàn thành báo cáo sơ kết trước ngày ...
# Để giữ bài ở dạng nháp (chưa đăng), bỏ dấu # ở dòng sau:
# draft: true
"""


class ScaffoldError(ValueError):
    """A new article that cannot be made from what was given (a usage error)."""


@dataclass(frozen=True)
class NewArticle:
    path: PurePosixPath  # relative to the content folder
    text: str


def _key_line(key: str, value: str) -> str:
    # safe_dump quotes exactly when needed: a title with `: `, one that looks like a number, ...
    return yaml.safe_dump({key: value}, allow_unicode=True, width=10_000, sort_keys=False)


def new_article(title: str, ward: str, category: str, now: datetime, registry: Registry) -> NewArticle:
    """The conventional path `<ward-slug>/<year>/<title-slug>.md` and the text of a new article.

    Raises ScaffoldError when the title, ward or category cannot be used.
    """
    title, ward_name, category = squash_spaces(title), squash_spaces(ward), squash_spaces(category)
    if not slugify(title):
        raise ScaffoldError("the title needs letters or digits, e.g. --title 'Giao ban tháng 5/2021'")
    if not slugify(category):
        raise ScaffoldError("the category needs letters or digits, e.g. --category 'Công tác đảng'")
    found = registry.find(ward_name) if ward_name else None
    if found is None:
        near = registry.suggest(ward_name) if ward_name else None
        where = registry.path or "wards.yaml"
        hint = f"did you mean `{near}`?" if near else f"the wards are listed in {where}"
        raise ScaffoldError(f"unknown ward `{ward_name}`; {hint}")
    if not found.slug:
        raise ScaffoldError(f"the ward `{ward_name}` needs letters or digits")
    moment = now.astimezone(VIETNAM).replace(microsecond=0)
    front = (
        _key_line("title", title)
        + f"date: {moment.strftime('%Y-%m-%d %H:%M:%S')}+07:00\n"
        + _key_line("ward", found.name)
        + _key_line("category", category)
        + TASKS_EXAMPLE
    )
    text = f"---\n{front}---\n{PLACEHOLDER_BODY}"
    return NewArticle(PurePosixPath(found.slug, str(moment.year), f"{slugify(title)}.md"), text)


def now_in_vietnam() -> datetime:
    """The current time in +07:00, to the second."""
    return datetime.now(VIETNAM).replace(microsecond=0)
