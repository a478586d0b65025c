"""Writing the site: the only stage that touches the output folder.

The new site is written into a temporary folder beside the output and moved
into place only when it is complete, so a failed or killed build leaves the
previous site exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath


def refusal(output: Path, content: Path, root: Path) -> str | None:
    """Why output must not be used as the output folder, or None when it is safe."""
    out = output.resolve()
    protected = {
        content.resolve(): "the content folder",
        root.resolve(): "the project folder",
        Path.home().resolve(): "your home folder",
        Path(out.anchor): "the root of the file system",
    }
    for place, name in protected.items():
        if out == place:
            return f"--output {output} is {name}; choose a folder of its own, such as site/"
        if place.is_relative_to(out):
            return f"--output {output} contains {name}; choose a folder of its own, such as site/"
    if out.exists() and not out.is_dir():
        return f"--output {output} is a file, not a folder"
    return None


def _safe_relative(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ValueError(f"refusing to write {name!r} outside the output folder")
    return path


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def publish(files: dict[str, bytes], output: Path, reused=frozenset()) -> dict[str, tuple[int, int]]:
    """Replace output with files plus the reused files of the current output; return its manifest.

    A file whose bytes did not change is hard-linked from the current output
    rather than written, so it keeps its timestamp (a sync to a host sends
    only what changed) and costs no copy. The manifest gives each file's
    size and modification time, for the next build to see it is untouched.
    """
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a published site is for everyone to read
    try:
        made = set()
        for name in sorted(set(files) | set(reused)):
            rel = _safe_relative(name)
            target = staging.joinpath(*rel.parts)
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            previous = output.joinpath(*rel.parts)
            if name not in files or _same_bytes(previous, files[name]):
                _link_or_copy(previous, target)
            else:
                target.write_bytes(files[name])
        manifest = {}
        for path in staging.rglob("*"):
            if path.is_file():
                stat = path.stat()
                manifest[path.relative_to(staging).as_posix()] = (stat.st_size, stat.st_mtime_ns)
        _swap(staging, output)
        return manifest
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _swap(staging: Path, output: Path) -> None:
    if not output.exists():
        os.replace(staging, output)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
    os.replace(output, retired / "site")
    os.replace(staging, output)
    shutil.rmtree(retired, ignore_errors=True)
