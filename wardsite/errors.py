"""Problems with content, as values that carry their file and line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ContentError:
    """A problem an editor can fix: where it is and what to write instead."""

    path: Path
    line: int | None
    message: str
    warning: bool = False

    def __str__(self) -> str:
        return f"{self.path}:{self.line or 1}: {'warning: ' if self.warning else ''}{self.message}"


def only_errors(problems) -> list[ContentError]:
    """The problems that stop a build (warnings do not)."""
    return [p for p in problems if not p.warning]
