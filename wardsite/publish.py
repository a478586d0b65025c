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


def publish(files: dict[str, bytes], output: Path, reused=frozenset(), manifest: dict | None = None) -> dict[str, tuple[int, int]]:
    """Make output hold exactly files plus the reused files it already has; return its manifest.

    The new site is assembled in a folder beside output and swapped in whole.
    A file whose bytes did not change is hard-linked from the current output
    rather than written, so it keeps its timestamp (a sync to a host sends
    only what changed) and costs no copy. The manifest gives each file's size
    and modification time, for the next build to see it is untouched; given
    the last one, a build that changes nothing touches nothing.
    """
    output = output.resolve()
    names = set(files) | set(reused)
    changed = {name for name, data in files.items() if not _same_bytes(output / name, data)}
    if manifest is not None and not changed and names == set(manifest) and output.is_dir():
        return manifest
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a published site is for everyone to read
    old, new = str(output), str(staging)
    try:
        made = {new}
        result = {}
        for name in sorted(names):
            _safe_relative(name)
            target = os.path.join(new, name)
            folder = os.path.dirname(target)
            if folder not in made:
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
            if name in changed:
                with open(target, "wb") as file:
                    file.write(files[name])
            else:
                _link_or_copy(os.path.join(old, name), target)
            stat = os.stat(target)
            result[name] = (stat.st_size, stat.st_mtime_ns)
        _swap(staging, output)
        return result
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
