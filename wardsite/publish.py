"""Writing the site: the only stage that touches the output folder.

The new site is written into a temporary folder beside the output and moved
into place only when it is complete, so a failed or killed build leaves the
previous site exactly as it was.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import filecmp
import functools
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path


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


def _check_inside(name: str) -> None:
    parts = name.split("/")
    if not name or name.startswith("/") or "\\" in name or ".." in parts or "" in parts:
        raise ValueError(f"refusing to write {name!r} outside the output folder")


def _same_bytes(path: str | Path, data: bytes) -> bool:
    try:
        if os.stat(path).st_size != len(data):
            return False
        with open(path, "rb") as file:
            return file.read() == data
    except OSError:
        return False


def publish(
    files: dict[str, bytes], output: Path, reused=frozenset(), manifest: dict | None = None, keep=(), streamed=((), None), later=None
) -> dict[str, tuple[int, int]]:
    """Make output hold exactly files plus the reused files it already has; return its manifest.

    streamed: (names, fill): more files, made by fill(put), which calls
    put(name, bytes) for each (in any process it forks) and yields (name,
    what put returned); so that they need not all be in memory at once.
    later: a callable giving more files, already on disk, as {name: path}:
    made while the streamed ones were (see workers.Later and spool) and
    taken after them.

    Names in keep (files or folders at the top of output that the build does
    not make, such as a host's CNAME or a .git folder) are carried over into
    the new site as they are; everything else the build did not make goes.

    The new site is assembled in a folder beside output and swapped in whole.
    A file whose bytes did not change is hard-linked from the current output
    rather than written, so it keeps its timestamp (a sync to a host sends
    only what changed) and costs no copy. The manifest gives each file's size
    and modification time, for the next build to see it is untouched; given
    the last one, a build that changes nothing touches nothing.
    """
    output = output.resolve()
    streamed_names, fill = streamed
    if (
        manifest is not None and not streamed_names and later is None and set(files) | set(reused) == set(manifest) and output.is_dir()
        and all(_same_bytes(output / name, data) for name, data in files.items())
    ):
        return manifest
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a published site is for everyone to read
    # No site yet (a first build): nothing to compare each file with, or link from.
    old, new = (str(output) if output.is_dir() else None), str(staging)
    try:
        made = {new}
        result = {}
        if fill is not None:
            result.update(fill(functools.partial(_put, new, old, made)))
        # Before waiting for the files made meanwhile: linking the unchanged
        # files is most of what an edit's publishing does.
        result.update(_relinked(sorted(set(reused) - set(files) - set(streamed_names)), new, old, made, manifest))
        if later is not None:
            for name, path in sorted(later().items()):
                result[name] = _put_file(new, old, made, name, path)
        for name in sorted(set(files) - set(streamed_names)):
            result[name] = _put(new, old, made, name, files[name])
        _carry_over(keep, set(files) | set(reused) | set(streamed_names), output, staging)
        _swap(staging, output)
        return result
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def publish_in_place(
    files: dict[str, bytes], output: Path, manifest: dict, scratch: Path, ahead: dict[str, str] | None = None, gone=(), last: tuple = ()
) -> dict[str, tuple[int, int]]:
    """Change the published site in place: write files, link the files made ahead ({name: path}, see
    write_files), then remove the names in gone; return the new manifest.

    For a build that changes a few files of a large site, where making a new
    site beside it would link every file of the old one (see publish). Each
    file is replaced whole, by a rename, so a reader never sees half a file;
    names in last are put after the rest, so a file that names others (the
    search index's core names its shards) comes after them, and what is gone
    goes at the end. A file whose bytes are the same is left as it is.
    Each new file is made in scratch, a folder on the same file system
    outside the site (the build's spool), so a build killed midway leaves
    no half-made file in the site.
    The folder's modification time is moved on, so that a build that
    started before this one sees that the site changed (see build._identity).
    """
    output = output.resolve()
    result = dict(manifest)
    ahead = ahead or {}
    order = sorted(set(files) | set(ahead), key=lambda name: (name in last, name))
    temp = os.path.join(scratch, "in-place")  # each file is made here, then renamed over its target
    for name in order:
        _check_inside(name)
        target = os.path.join(output, name)
        if name in files:
            if _same_bytes(Path(target), files[name]):
                continue
            _replace(target, temp, lambda made: Path(made).write_bytes(files[name]))
        else:
            if ahead[name] == target or _same_files(ahead[name], target):
                continue
            _replace(target, temp, lambda made: _link_or_copy(ahead[name], made))
        info = os.stat(target)
        result[name] = (info.st_size, info.st_mtime_ns)
    for name in gone:
        _check_inside(name)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(os.path.join(output, name))
        result.pop(name, None)
    now = time.time_ns()
    os.utime(output, ns=(now, max(now, os.stat(output).st_mtime_ns + 1)))
    return result


def _same_files(a: str, b: str) -> bool:
    try:
        return filecmp.cmp(a, b, shallow=False)
    except OSError:
        return False


def _replace(target: str, temp: str, fill) -> None:
    """Make target anew by fill(temp) and a rename of temp over it."""
    os.makedirs(os.path.dirname(target), exist_ok=True)
    try:
        fill(temp)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _relinked(names: list[str], new: str, old: str, made: set, manifest: dict | None) -> dict[str, tuple[int, int]]:
    """Link each name from the old site into the new one; the (size, time) of each."""
    result = {}
    for name in names:
        target = _place(new, name, made)
        if _link_or_copy(os.path.join(old, name), target) and manifest and name in manifest:
            result[name] = manifest[name]  # a hard link is the same file: same size and time
        else:
            info = os.stat(target)
            result[name] = (info.st_size, info.st_mtime_ns)
    return result


def _put(new: str, old: str | None, made: set, name: str, data: bytes) -> tuple[int, int]:
    """Put name's bytes into the new site, hard-linked from the old one (if any) when they are the same; its (size, time)."""
    target = _place(new, name, made)
    source = os.path.join(old, name) if old is not None else None
    if source is not None and _same_bytes(source, data):
        _link_or_copy(source, target)
        info = os.stat(target)
    else:
        info = _write(target, data)
    return info.st_size, info.st_mtime_ns


def _write(target: str, data: bytes) -> os.stat_result:
    """Write a new file and give its status, with the system's calls: a file
    object cost as much as the rest of putting a page (15,000 files at 10,000 articles)."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        return os.fstat(fd)
    finally:
        os.close(fd)


def _put_file(new: str, old: str | None, made: set, name: str, path: str) -> tuple[int, int]:
    """Link a file made ahead (see write_files) into the new site as name: from the spool, or the old site's copy when it was the same."""
    target = _place(new, name, made)
    source = os.path.join(old, name) if old is not None else None
    same = source is not None and (path == source or _same_files(source, path))
    _link_or_copy(source if same else path, target)
    info = os.stat(target)
    return info.st_size, info.st_mtime_ns


def _place(root: str, name: str, made: set) -> str:
    """The path of name under root, checked to stay inside, its folder made."""
    _check_inside(name)
    target = os.path.join(root, name)
    folder = os.path.dirname(target)
    if folder not in made:
        try:  # most folders are new and their parent exists: one call, where makedirs first checks the parent
            os.mkdir(folder)
        except OSError:
            os.makedirs(folder, exist_ok=True)
        made.add(folder)
    return target


def _link_or_copy(source: str, target: str) -> bool:
    """Hard-link source to target (True), or copy it with its timestamp where links are refused."""
    try:
        os.link(source, target)
        return True
    except OSError:
        shutil.copy2(source, target)
        return False


def _carry_over(keep, made: set[str], old: Path, new: Path) -> None:
    """Link (or copy) the kept names the build did not make from the old site into the new one.

    The old site is not changed, so a build killed here leaves it whole.
    """
    for name in keep:
        source = old / name
        if name in made or any(m.startswith(name + "/") for m in made) or not os.path.lexists(source):
            continue
        if source.is_dir() and not source.is_symlink():
            shutil.copytree(source, new / name, symlinks=True, copy_function=_link_or_copy)
        elif source.is_symlink():
            os.symlink(os.readlink(source), new / name)
        else:
            _link_or_copy(str(source), str(new / name))


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where that is not available."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _swap(staging: Path, output: Path) -> None:
    if not output.exists():
        os.replace(staging, output)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
    # One atomic exchange where the system has it: there is no moment without
    # a site at output. Elsewhere two renames; a build killed between them
    # leaves the old site as retired/site, and clear_leftovers puts it back.
    # A retired site on its way out is renamed "gone" first, so only a site
    # caught between the two renames is ever called "site" there.
    if _exchange(staging, output):
        os.replace(staging, retired / "gone")
    else:
        os.replace(output, retired / "site")
        os.replace(staging, output)
        os.replace(retired / "site", retired / "gone")
    _discard(retired)


def _discard(folder: Path) -> None:
    """Delete a retired site without making the build wait for it.

    Deleting tens of thousands of files takes longer than linking them, and
    the new site is already in place: a detached process removes the old one.
    """
    if not hasattr(os, "fork"):
        shutil.rmtree(folder, ignore_errors=True)
        return
    pid = os.fork()
    if pid == 0:  # the child starts a grandchild and leaves at once, so nothing waits on it
        try:
            if os.fork() == 0:
                # Forked copies of the build's descriptors include the output's
                # lock: holding it while deleting would turn the next build away.
                # And its output: a command reading it (`| tee log`, a CI job)
                # would wait for the deleting, 12 s at 100,000 articles.
                quiet = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(quiet, fd)
                os.closerange(3, os.sysconf("SC_OPEN_MAX"))
                shutil.rmtree(folder, ignore_errors=True)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


@contextmanager
def spool(output: Path):
    """A folder beside output for files made while the build goes on, to be linked into the new site; removed at the end.

    It is locked while its build lives, so that clear_leftovers, in another
    build, takes it only once the build that made it is gone.
    """
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    folder = tempfile.mkdtemp(prefix=f".{output.name}.spool-", dir=output.parent)
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield Path(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        os.close(fd)


def write_files(files, folder: Path, old: Path | None = None) -> dict[str, str]:
    """Write (name, bytes) pairs into folder as they come, each freed before the next is made; {name: path}.

    old: the site now published. A file it holds with the same bytes is not
    written: its path there is given instead, for publish to link as it is
    (publishing checks that the site is still the one that was compared).
    """
    written = {}
    made = {str(folder)}
    for name, data in files:
        _check_inside(name)
        if old is not None and _same_bytes(old / name, data):
            written[name] = str(old / name)
            continue
        target = _place(str(folder), name, made)
        _write(target, data)
        written[name] = target
        del data
    return written


def clear_leftovers(output: Path) -> None:
    """Remove folders a killed build left beside output (they were never published).

    Only call this while holding the output's lock, or another build's work in progress goes too.
    """
    output = output.resolve()
    if not os.path.lexists(output):
        # Killed between moving the old site out and the new one in: the old one goes back.
        for retired in sorted(output.parent.glob(f".{output.name}.old-*/site")):
            if retired.is_dir() and not retired.is_symlink():
                os.replace(retired, output)
                break
    for kind in ("new", "old"):
        for leftover in output.parent.glob(f".{output.name}.{kind}-*"):
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
    for leftover in output.parent.glob(f".{output.name}.spool-*"):
        if leftover.is_dir() and not leftover.is_symlink() and not _in_use(leftover):
            shutil.rmtree(leftover, ignore_errors=True)


def _in_use(folder: Path) -> bool:
    """Whether a live build holds folder (see spool)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


class Busy(Exception):
    """Another build holds the output folder."""


@contextmanager
def locked(output: Path):
    """Hold the folder output is in for one build; a second build at once gets Busy instead of interleaving.

    The lock is on the folder itself (flock works on a directory), so it leaves no lock file behind.
    """
    parent = output.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy(f"another build is writing into {parent} right now; wait for it to finish and run again") from None
        yield
    finally:
        os.close(fd)  # closing releases the lock
