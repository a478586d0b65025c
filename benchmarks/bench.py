"""Build times at archive scale, side by side with Pelican and Hugo: `python benchmarks/bench.py [SIZE ...]`.

For each size (default 1000 and 10000 articles; 100000 only when asked, it is
long) benchmarks/generate.py writes a deterministic archive into
benchmarks/work/n<SIZE>/content, and this script measures:

- wardsite: a cold build (no .wardsite-cache, no output), a rebuild with
  nothing changed, a rebuild after appending a sentence to one article, and a
  rebuild after adding one new article file;
- Pelican's cold build of the equivalent site (a page per article, index pages
  per ward as tags, per category and per year, Markdown by python-markdown),
  Pelican pinned in its own virtual environment, benchmarks/work/venv-pelican;
- Hugo's cold build and its rebuild with nothing changed (taxonomies ward,
  category and year, a minimal layout), when `hugo` is on PATH.

The tools' cold builds take turns, one of each a round (see bench_size).
Before each cold build the tool's output and caches are moved aside, not
deleted (see _remove), and what is unwritten is written to disk, the same for
every tool; what was moved aside is deleted when the run ends. Every list
pages 20 articles at a time in all three tools. The articles are converted
for Pelican and Hugo once per size; conversion is not timed.

wardsite is measured as committed at HEAD, copied to benchmarks/work/wardsite-<commit>,
since others may edit the checkout during a run (`--working-tree` measures the
checkout as it is).

A timing is the wall-clock time of the whole command as a user runs it. Peak
memory is the largest resident set of any process in the command's tree: each
command runs under a small wrapper whose getrusage(RUSAGE_CHILDREN).ru_maxrss
reports its largest waited-for descendant (wardsite's worker processes
included). Cheap sizes take the best of 2 runs (`--repeat`), since timings on
a shared machine are noisy. Every command has a timeout; a tool that fails or
times out is reported in the table, not raised.

Prints a Markdown table and the issue's targets met or not, and writes both to
benchmarks/work/results.md (per-size rows also to results.json, so a later
100000-article run can be compared with an earlier 10000 one).
Not a test: pytest does not collect it.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import fcntl
import functools
import hashlib
import io
import itertools
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.generate import article_text  # noqa: E402

WORK = REPO / "benchmarks" / "work"
GENERATE = REPO / "benchmarks" / "generate.py"
SEED = 0
PAGE_SIZE = 20
PELICAN_VENV = WORK / "venv-pelican"  # made from this script's own interpreter; from another, see Interpreter
PELICAN_PINS = ("pelican==4.12.0", "markdown==3.11.3")
EDIT_SENTENCE = "Văn phòng Đảng ủy đã bổ sung thông tin cho bài viết này"
# Measured on this machine earlier and quoted by the issue; used only when hugo is absent.
HUGO_REFERENCE = {"cold": 5.8, "rebuild": 3.6, "peak_mib": 746.0, "label": "Hugo 0.111 reference figures quoted by the issue"}
TWO_GB_MIB = 2e9 / 2**20
CONVERSION_VERSION = "1"  # bump when the Pelican or Hugo articles are written differently


@dataclass(frozen=True)
class Interpreter:
    """The Python that wardsite and Pelican run on (--python): this script's own, or another one,
    each tool then in a virtual environment made from it, so that the two are measured on the same one."""

    path: str  # as given
    version: str
    own: bool  # this script's interpreter: wardsite runs on it as it is, Pelican in PELICAN_VENV

    @classmethod
    def of(cls, path: str | None) -> Interpreter:
        if path is None or os.path.realpath(path) == os.path.realpath(sys.executable):
            return cls(sys.executable, sys.version.split()[0], True)
        version = subprocess.run([path, "-c", "import sys; print(sys.version.split()[0])"], capture_output=True, text=True, check=True, timeout=60)
        return cls(path, version.stdout.strip(), False)

    def venv(self, tool: str, needs) -> Path:
        """The virtual environment of a tool on this interpreter, with the packages it needs: other needs, another one."""
        if self.own and tool == "pelican":
            return PELICAN_VENV
        return WORK / f"venv-{tool}-{_stamp(os.path.realpath(self.path), self.version, *needs)[:8]}"

    def label(self) -> str:
        return f"Python {self.version}" + ("" if self.own else f" ({self.path}) for wardsite and Pelican")


# Runs a command, then records its wall-clock time, exit status and the largest
# RSS among its descendants. Each command gets its own wrapper because
# RUSAGE_CHILDREN of this script would carry the maximum over every earlier run.
_WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
try:
    rc = subprocess.call(sys.argv[2:])
except OSError as error:
    print(error, file=sys.stderr)
    rc = 127
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(sys.argv[1], "w") as out:
    json.dump({"rc": rc, "seconds": seconds, "peak_kib": peak}, out)
"""


@dataclass(frozen=True)
class Run:
    """One timed command: seconds and peak memory, or what went wrong."""

    seconds: float | None = None
    peak_mib: float | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def best(runs: list[Run]) -> Run:
    """The fastest of repeated runs with the largest peak seen; a failure wins, so it is never hidden."""
    failed = [run for run in runs if not run.ok]
    if failed or not runs:
        return failed[0] if failed else Run(problem="not run")
    return Run(min(run.seconds for run in runs), max(run.peak_mib for run in runs))


def measure(cmd: list[str], cwd: Path, log: Path, timeout: float) -> Run:
    """Run cmd in cwd under the wrapper, output to log; kill its whole process group at the timeout."""
    log.parent.mkdir(parents=True, exist_ok=True)
    result = log.with_suffix(".json")
    result.unlink(missing_ok=True)
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", _WRAPPER, str(result), *cmd],
            cwd=cwd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return Run(problem=f"timeout > {timeout:.0f} s")
    if not result.exists():
        return Run(problem=f"wrapper exit {proc.returncode}")
    data = json.loads(result.read_text())
    peak = data["peak_kib"] / 1024
    if data["rc"] != 0:
        return Run(data["seconds"], peak, f"exit {data['rc']} (see {log.relative_to(REPO)})")
    return Run(data["seconds"], peak)


def _stamp(*parts: object) -> str:
    return hashlib.sha256(" ".join(map(str, parts)).encode()).hexdigest()[:16]


def _fresh(folder: Path, stamp: str) -> bool:
    marker = folder.with_name(folder.name + ".stamp")
    return folder.is_dir() and marker.exists() and marker.read_text() == stamp


def _mark(folder: Path, stamp: str) -> None:
    folder.with_name(folder.name + ".stamp").write_text(stamp)


# Where _remove puts what it takes away, deleted when the run ends (empty_trash).
TRASH = WORK / "trash"


def _remove(*paths: Path) -> None:
    """Move paths out of the way, into TRASH: nothing is deleted while builds are measured.

    On ext4 without a journal, as on this machine, a file made soon after
    thousands were deleted costs the kernel a search past the freed inodes
    (perf: ext4_create spends its time in recently_deleted), and the cost
    lasts long after: writing 15,000 files of 12 KB took 8.1 s of system
    time 31 s after deleting as many, 4.3 s after 37 s, 1.9 s after 45 s and
    3.8 s after 60 s; 0.45 to 0.55 s when they were renamed aside instead.
    That is a cost of the benchmark's cleaning, not of the tool that happens
    to build next, and waiting (31 s, until this run) did not make it the
    same for every tool: it varied from one build to the next.
    """
    for path in paths:
        if path.exists() or path.is_symlink():
            TRASH.mkdir(parents=True, exist_ok=True)
            path.rename(Path(tempfile.mkdtemp(dir=TRASH)) / path.name)  # a folder of its own: names never clash


def empty_trash() -> None:
    """Delete what _remove moved aside (after the last build of a run)."""
    shutil.rmtree(TRASH, ignore_errors=True)


# Seconds to wait after emptying a trash that a stopped run left, before the
# first build (--settle): that deletion's cost (see _remove) is smaller after a wait, if not nil.
SETTLE_DEFAULT = 60.0
settle_seconds = SETTLE_DEFAULT


def _clear_for_cold(*paths: Path) -> None:
    """Move a tool's output and caches aside (see _remove), and write to disk what is still unwritten:
    a cold build starts from the same state for every tool, not in the write-back of the last one's files."""
    _remove(*paths)
    os.sync()


# --- inputs ---------------------------------------------------------------------------------------------------


def ensure_content(size: int, content: Path) -> None:
    """Generate the archive unless the same size, seed and generator already wrote it; undo a killed run's edits."""
    stamp = _stamp(size, SEED, hashlib.sha256(GENERATE.read_bytes()).hexdigest())
    if _fresh(content, stamp):
        restore_content(content, size)
        return
    _remove(content)
    print(f"  generating {size} articles ...", flush=True)
    subprocess.run([sys.executable, str(GENERATE), str(size), str(content), str(SEED)], check=True)
    _mark(content, stamp)


def edited_article(content: Path) -> Path:
    """The article the edit step appends to: the first one generated."""
    return next(content.glob("*/*/bai-00000.md"))


def new_article(size: int, attempt: int) -> tuple[str, str]:
    """(relative path, text) of the attempt-th added article: a new number, so a new file."""
    return article_text(random.Random(SEED + 1 + attempt), size + attempt)


def restore_content(content: Path, size: int, attempts: int = 10) -> None:
    """Remove what the edit and add steps changed, so the next run starts from the generated archive."""
    path = edited_article(content)
    text = path.read_text(encoding="utf-8")
    if EDIT_SENTENCE in text:
        path.write_text(text.split(" " + EDIT_SENTENCE, 1)[0] + "\n", encoding="utf-8")
    for attempt in range(attempts):
        (content / new_article(size, attempt)[0]).unlink(missing_ok=True)


def read_article(path: Path) -> tuple[dict, str]:
    """(front matter, Markdown body) of a generated article."""
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    meta = yaml.safe_load(front)
    meta["date"] = dt.datetime.fromisoformat(str(meta["date"]))
    return meta, body


def tasks_markdown(meta: dict) -> str:
    """The article's tasks as a Markdown list, so Pelican and Hugo pages carry what wardsite shows."""
    lines = ["", "## Nhiệm vụ", ""]
    for task in meta.get("tasks") or []:
        text, assignee = (task, None) if isinstance(task, str) else (task["text"], task.get("assignee"))
        lines.append(f"- {text}" + (f" ({assignee})" if assignee else ""))
    return "\n".join(lines) + "\n"


def pelican_article(meta: dict, body: str, slug: str) -> str:
    """A Markdown file with Pelican's metadata header: ward as a tag, category as the category."""
    header = [
        f"Title: {meta['title']}",
        f"Date: {meta['date']:%Y-%m-%d %H:%M}",
        f"Category: {meta['category']}",
        f"Tags: {meta['ward']}",
        f"Slug: {slug}",
    ]
    return "\n".join(header) + "\n\n" + body.rstrip("\n") + "\n" + tasks_markdown(meta)


def hugo_article(meta: dict, body: str) -> str:
    """A Markdown file with YAML front matter Hugo understands; taxonomies wards, categories, years."""
    front = [
        "---",
        f"title: {json.dumps(meta['title'], ensure_ascii=False)}",
        f"date: {meta['date']:%Y-%m-%dT%H:%M:00}+07:00",
        f"wards: [{json.dumps(meta['ward'], ensure_ascii=False)}]",
        f"categories: [{json.dumps(meta['category'], ensure_ascii=False)}]",
        f"years: [\"{meta['date']:%Y}\"]",
        "---",
    ]
    return "\n".join(front) + "\n" + body.rstrip("\n") + "\n" + tasks_markdown(meta)


PELICAN_CONF = f'''# Pelican settings for the equivalent of a wardsite archive (written by benchmarks/bench.py).
AUTHOR = "Ban biên tập"
SITENAME = "Lưu trữ tin phường"
SITEURL = ""
PATH = "content"
ARTICLE_PATHS = [""]
TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_LANG = "vi"
DEFAULT_PAGINATION = {PAGE_SIZE}
RELATIVE_URLS = True
ARTICLE_URL = ARTICLE_SAVE_AS = "{{date:%Y}}/{{slug}}.html"
TAG_URL = TAG_SAVE_AS = "phuong/{{slug}}/index.html"
CATEGORY_URL = CATEGORY_SAVE_AS = "chuyen-muc/{{slug}}/index.html"
YEAR_ARCHIVE_URL = YEAR_ARCHIVE_SAVE_AS = "nam/{{date:%Y}}/index.html"
TAG_FEED_ATOM = "feeds/phuong-{{slug}}.atom.xml"
AUTHOR_SAVE_AS = AUTHORS_SAVE_AS = ""
'''

HUGO_CONFIG = f'''baseURL = "/"
languageCode = "vi"
title = "Lưu trữ tin phường"
paginate = {PAGE_SIZE}

[taxonomies]
  ward = "wards"
  category = "categories"
  year = "years"
'''

HUGO_LIST = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><h1>{{ .Title }}</h1>
<ul>{{ range (.Paginate .Pages).Pages }}
<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ .Date.Format "02/01/2006" }}</li>{{ end }}
</ul>
{{ template "_internal/pagination.html" . }}
</body></html>
"""

HUGO_SINGLE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><article><h1>{{ .Title }}</h1>
<p>{{ .Date.Format "02/01/2006 15:04" }}
{{ range .GetTerms "wards" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}
{{ range .GetTerms "categories" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>
{{ .Content }}
</article></body></html>
"""


def convert(size: int, content: Path, pelican: Path, hugo: Path) -> None:
    """Write the archive as a Pelican project and a Hugo site, unless this exact conversion exists."""
    recipe = CONVERSION_VERSION + PELICAN_CONF + HUGO_CONFIG + HUGO_LIST + HUGO_SINGLE
    stamp = _stamp(size, hashlib.sha256(recipe.encode()).hexdigest(), content.with_name("content.stamp").read_text())
    if _fresh(pelican, stamp) and _fresh(hugo, stamp):
        return
    print(f"  converting {size} articles for Pelican and Hugo ...", flush=True)
    _remove(pelican, hugo)
    (pelican / "content").mkdir(parents=True)
    (pelican / "pelicanconf.py").write_text(PELICAN_CONF, encoding="utf-8")
    (hugo / "layouts" / "_default").mkdir(parents=True)
    (hugo / "config.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    (hugo / "layouts" / "_default" / "list.html").write_text(HUGO_LIST, encoding="utf-8")
    (hugo / "layouts" / "_default" / "single.html").write_text(HUGO_SINGLE, encoding="utf-8")
    for path in sorted(content.glob("*/*/*.md")):
        rel = path.relative_to(content)
        meta, body = read_article(path)
        for target, text in ((pelican / "content" / rel, pelican_article(meta, body, path.stem)),
                             (hugo / "content" / "bai" / rel, hugo_article(meta, body))):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    _mark(pelican, stamp)
    _mark(hugo, stamp)


# --- the tools ------------------------------------------------------------------------------------------------


def snapshot_wardsite() -> tuple[Path, str]:
    """(build.py, commit) of wardsite as committed at HEAD, copied out of the checkout once per commit.

    Others edit wardsite in this checkout while a long run goes on, and wardsite's cache is keyed by its own
    code: measuring the live checkout would mix versions and turn a rebuild into a cold build.
    """
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
    dest = WORK / f"wardsite-{commit}"
    if not (dest / "build.py").exists():
        partial = dest.with_name(dest.name + ".partial")
        _remove(partial, dest)
        tar = subprocess.run(["git", "archive", "--format=tar", "HEAD", "build.py", "wardsite"], cwd=REPO, capture_output=True, check=True).stdout
        with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
            archive.extractall(partial, filter="data")
        # Compiled to bytecode, as pip does when it installs a package: this machine's
        # environment sets PYTHONDONTWRITEBYTECODE, so each run would compile wardsite again.
        compileall.compile_dir(str(partial), quiet=1)
        partial.rename(dest)
    return dest / "build.py", commit


def ensure_venv(interpreter: Interpreter, tool: str, needs) -> Path:
    """The tool's virtual environment on interpreter with the packages it needs, made and installed on first use.

    Marked as installed only once pip has finished: a run stopped while installing leaves one that is made again.
    """
    venv = interpreter.venv(tool, needs)
    installed = venv / ".installed"
    if not installed.exists():
        print(f"  installing {' '.join(needs)} into {venv.relative_to(REPO)} ...", flush=True)
        subprocess.run([interpreter.path, "-m", "venv", str(venv)], check=True, timeout=300)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", *needs], check=True, timeout=900)
        installed.touch()
    return venv


def wardsite_command(interpreter: Interpreter, build: Path) -> list[str]:
    """The command that runs wardsite's build.py: on this script's own Python as it is, on another
    in a virtual environment with wardsite's dependencies (from pyproject.toml)."""
    if interpreter.own:
        return [sys.executable, str(build)]
    needs = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    return [str(ensure_venv(interpreter, "wardsite", needs) / "bin" / "python"), str(build)]


def _wardsite_cmd(wardsite: list[str], base: Path) -> tuple[list[str], Path]:
    cwd = base / "wardsite"
    cwd.mkdir(exist_ok=True)
    return [*wardsite, "--content", str(base / "content"), "--output", "site"], cwd


def wardsite_cold(wardsite: list[str], base: Path, timeout: float, attempt: int) -> Run:
    """wardsite's cold build: no output, no .wardsite-cache."""
    cmd, cwd = _wardsite_cmd(wardsite, base)
    _clear_for_cold(cwd / ".wardsite-cache", cwd / "site")
    return measure(cmd, cwd, base / "logs" / f"wardsite-cold-{attempt}.log", timeout)


def wardsite_rebuilds(wardsite: list[str], size: int, base: Path, repeat: int, timeout: float) -> dict[str, Run]:
    """After a cold build: the no-change rebuild, one-article edit and one-article addition; content restored afterwards."""
    content = base / "content"
    cmd, cwd = _wardsite_cmd(wardsite, base)

    def run(step: str, attempt: int) -> Run:
        return measure(cmd, cwd, base / "logs" / f"wardsite-{step}-{attempt}.log", timeout)

    results = {"nochange": best([run("nochange", attempt) for attempt in range(repeat)])}
    edited = edited_article(content)
    original = edited.read_text(encoding="utf-8")
    try:
        edits = []
        for attempt in range(repeat):
            text = edited.read_text(encoding="utf-8").rstrip("\n")
            edited.write_text(f"{text} {EDIT_SENTENCE} (lần {attempt + 1}).\n", encoding="utf-8")
            edits.append(run("edit", attempt))
        results["edit"] = best(edits)
        adds = []
        for attempt in range(repeat):
            rel, text = new_article(size, attempt)
            (content / rel).parent.mkdir(parents=True, exist_ok=True)
            (content / rel).write_text(text, encoding="utf-8")
            adds.append(run("add", attempt))
        results["add"] = best(adds)
    finally:
        edited.write_text(original, encoding="utf-8")
        restore_content(content, size)
    return results


def ensure_pelican(interpreter: Interpreter) -> tuple[Path | None, str]:
    """The pelican command in its own virtual environment, installed on first use; (None, why) when it cannot be."""
    try:
        pelican = ensure_venv(interpreter, "pelican", PELICAN_PINS) / "bin" / "pelican"
        version = subprocess.run([str(pelican), "--version"], capture_output=True, text=True, check=True, timeout=120)
        return pelican, "Pelican " + version.stdout.strip()
    except (OSError, subprocess.SubprocessError) as error:
        return None, f"Pelican not installed: {error}"


def pelican_cold(pelican_cmd: Path | None, project: Path, logs: Path, timeout: float, attempt: int) -> Run:
    """Pelican's cold build: no output folder, no cache."""
    if pelican_cmd is None:
        return Run(problem="not installed")
    _clear_for_cold(project / "output", project / "cache", project / "__pycache__")
    return measure([str(pelican_cmd), "content", "-s", "pelicanconf.py", "-o", "output"], project, logs / f"pelican-cold-{attempt}.log", timeout)


def hugo_version() -> str | None:
    if not shutil.which("hugo"):
        return None
    try:
        return subprocess.run(["hugo", "version"], capture_output=True, text=True, timeout=60).stdout.split("+")[0].strip()
    except (OSError, subprocess.SubprocessError):
        return None


def hugo_cold(site: Path, logs: Path, timeout: float, attempt: int) -> Run:
    """Hugo's cold build: no public/, no resources/."""
    _clear_for_cold(site / "public", site / "resources", site / ".hugo_build.lock")
    return hugo_rebuild(site, logs, timeout, attempt, step="cold")


def hugo_rebuild(site: Path, logs: Path, timeout: float, attempt: int, step: str = "rebuild") -> Run:
    """Hugo's build with nothing changed since its last (or, from hugo_cold, with no last)."""
    if not shutil.which("hugo"):
        return Run(problem="hugo not on PATH")
    return measure(["hugo"], site, logs / f"hugo-{step}-{attempt}.log", timeout)


def bench_size(wardsite: list[str], size: int, repeat: int, timeout: float, pelican_cmd: Path | None, use_hugo: bool) -> dict[str, Run]:
    """Every measurement for one archive size, as {column: Run}.

    The cold builds take turns, one of each tool a round: the machine's
    speed drifts over minutes (Pelican's 10,000-article build took from 34 s
    to 53 s over a few days), and tools measured minutes apart would be
    compared at different speeds.
    """
    base = WORK / f"n{size}"
    base.mkdir(parents=True, exist_ok=True)
    ensure_content(size, base / "content")
    convert(size, base / "content", base / "pelican", base / "hugo")
    logs = base / "logs"
    colds = {"wardsite": functools.partial(wardsite_cold, wardsite, base, timeout)}
    if pelican_cmd is not False:
        colds["pelican"] = functools.partial(pelican_cold, pelican_cmd, base / "pelican", logs, timeout)
    if use_hugo:
        colds["hugo"] = functools.partial(hugo_cold, base / "hugo", logs, timeout)
    print(f"  cold builds, {repeat} round(s) of {', '.join(colds)} ...", flush=True)
    runs = {name: [] for name in colds}
    for attempt in range(repeat):
        for name, cold in colds.items():
            runs[name].append(cold(attempt))
    row = {f"{name}_cold": best(taken) for name, taken in runs.items()}
    row |= {f"{name}_cold_{n}": run for name, taken in runs.items() for n, run in enumerate(taken, start=1)}  # see rounds()
    if use_hugo:
        # Before wardsite's rebuilds: a full build (adding an article) leaves its old site to be deleted by a
        # process of its own after it ends, and deleting slows the file system for whatever writes next.
        print("  Hugo's rebuild ...", flush=True)
        row["hugo_rebuild"] = best([hugo_rebuild(base / "hugo", logs, timeout, attempt) for attempt in range(repeat)])
    print(f"  wardsite's rebuilds ({repeat} run(s) of each step) ...", flush=True)
    rebuilds = wardsite_rebuilds(wardsite, size, base, repeat, timeout)
    row |= {f"wardsite_{key}": run for key, run in rebuilds.items()}
    every = [run for run in (*runs["wardsite"], *rebuilds.values()) if run.peak_mib is not None]
    row["wardsite_peak"] = Run(peak_mib=max(run.peak_mib for run in every)) if every else Run(problem="no run")
    return row


# --- reporting ------------------------------------------------------------------------------------------------

COLUMNS = (
    ("wardsite_cold", "wardsite cold", "seconds"),
    ("wardsite_nochange", "no-change", "seconds"),
    ("wardsite_edit", "edit one", "seconds"),
    ("wardsite_add", "add one", "seconds"),
    ("wardsite_peak", "wardsite peak", "peak_mib"),
    ("pelican_cold", "Pelican cold", "seconds"),
    ("pelican_cold", "Pelican peak", "peak_mib"),
    ("hugo_cold", "Hugo cold", "seconds"),
    ("hugo_rebuild", "Hugo no-change", "seconds"),
    ("hugo_cold", "Hugo peak", "peak_mib"),
)


def cell(run: Run | None, field: str) -> str:
    if run is None:
        return "skipped"
    if not run.ok:
        return run.problem
    value = getattr(run, field)
    if field == "peak_mib":
        return f"{value:.0f} MiB"
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def ratio(row: dict[str, Run], other: str) -> str:
    mine, theirs = row.get("wardsite_cold"), row.get(other)
    if not (mine and theirs and mine.ok and theirs.ok):
        return "—"
    return f"{theirs.seconds / mine.seconds:.1f}×"


def table(rows: dict[int, dict[str, Run]]) -> str:
    head = ["articles", *(label for _, label, _ in COLUMNS), "Pelican / wardsite", "Hugo / wardsite"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for size, row in rows.items():
        cells = [f"{size:,}", *(cell(row.get(key), field) for key, _, field in COLUMNS),
                 ratio(row, "pelican_cold"), ratio(row, "hugo_cold")]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


TOOLS = (("wardsite", "wardsite"), ("pelican", "Pelican"), ("hugo", "Hugo"))


def rounds(rows: dict[int, dict[str, Run]]) -> str:
    """Each round of cold builds as it ran: the table's best against best hides how far the machine's speed drifted."""
    lines = []
    for size, row in rows.items():
        taken = []
        for n in itertools.count(1):
            builds = [f"{label} {cell(row[f'{key}_cold_{n}'], 'seconds')}" for key, label in TOOLS if f"{key}_cold_{n}" in row]
            if not builds:
                break
            taken.append(f"round {n}, " + ", ".join(builds))
        if len(taken) > 1:
            lines.append(f"- {size:,} articles, cold builds in the order they ran: " + "; ".join(taken))
    return "\n".join(lines)


def _rounds_won(row: dict[str, Run], other: str) -> str:
    """How many rounds wardsite's cold build took no longer than the other tool's of the same round, when there were several."""
    pairs = []
    for n in itertools.count(1):
        mine, theirs = row.get(f"wardsite_cold_{n}"), row.get(f"{other}_cold_{n}")
        if mine is None or theirs is None:
            break
        if mine.ok and theirs.ok:
            pairs.append(mine.seconds <= theirs.seconds)
    return f" (no slower in {sum(pairs)} of {len(pairs)} rounds)" if len(pairs) > 1 else ""


def _verdict(ok: bool | None) -> str:
    return {True: "met", False: "NOT met", None: "not measured"}[ok]


def _check(mine: Run | None, limit: float | None, field: str = "seconds") -> bool | None:
    if mine is None or not mine.ok or limit is None:
        return None
    return getattr(mine, field) < limit


def targets(rows: dict[int, dict[str, Run]], earlier: dict[int, dict]) -> str:
    """The issue's targets, each met, not met or not measured, with the figures compared."""
    lines = []
    ten = rows.get(10000)
    if ten is None:
        lines.append("- 10,000-article targets: not measured in this run.")
    else:
        hugo = {key: ten.get(f"hugo_{key}") for key in ("cold", "rebuild")}
        if hugo["cold"] is not None and hugo["cold"].ok:
            ref = {"cold": hugo["cold"].seconds, "peak_mib": hugo["cold"].peak_mib,
                   "rebuild": hugo["rebuild"].seconds if hugo["rebuild"].ok else None,
                   "label": "Hugo measured in this run"}
        else:
            ref = HUGO_REFERENCE
        # "Hugo's build" for the incremental targets is Hugo's own rebuild with nothing changed (its fastest,
        # like for like); Hugo rebuilds the whole site after an edit too.
        hugo_build = ref["rebuild"] or ref["cold"]
        pel = ten.get("pelican_cold")
        w = {key: ten.get(f"wardsite_{key}") for key in ("cold", "nochange", "edit", "peak")}
        lines.append(f"At 10,000 articles, against {ref['label']} (cold {ref['cold']:.2f} s, no-change {hugo_build:.2f} s, peak {ref['peak_mib']:.0f} MiB):")
        lines.append(f"- cold build no slower than Hugo's ({cell(w['cold'], 'seconds')} vs {ref['cold']:.2f} s): "
                     + _verdict(_check(w["cold"], ref["cold"] * 1.000001)) + _rounds_won(ten, "hugo"))
        pel_limit = pel.seconds / 4 if pel is not None and pel.ok else None
        lines.append(f"- cold build at least 4× faster than Pelican's ({cell(w['cold'], 'seconds')} vs {cell(pel, 'seconds')} / 4): "
                     + _verdict(_check(w["cold"], pel_limit * 1.000001 if pel_limit else None)))
        lines.append(f"- no-change rebuild under a tenth of Hugo's build ({cell(w['nochange'], 'seconds')} vs {hugo_build / 10:.2f} s): "
                     + _verdict(_check(w["nochange"], hugo_build / 10)))
        lines.append(f"- one-article edit under a sixth of Hugo's build ({cell(w['edit'], 'seconds')} vs {hugo_build / 6:.2f} s): "
                     + _verdict(_check(w["edit"], hugo_build / 6)))
        lines.append(f"- peak memory under half of Hugo's ({cell(w['peak'], 'peak_mib')} vs {ref['peak_mib'] / 2:.0f} MiB): "
                     + _verdict(_check(w["peak"], ref["peak_mib"] / 2, "peak_mib")))
    hundred = rows.get(100000)
    if hundred is None:
        lines.append("- 100,000-article targets: not measured in this run.")
    else:
        cold10, where = (ten or {}).get("wardsite_cold"), "this run"
        if (cold10 is None or not cold10.ok) and "10000" in earlier:
            cold10, where = Run(earlier["10000"]["wardsite_cold"]["seconds"]), f"the run of {earlier['10000']['date']}"
        limit = cold10.seconds * 11 if cold10 is not None and cold10.ok else None
        limit_text = f"11 × {cold10.seconds:.2f} s from {where} = {limit:.1f} s" if limit else "no 10,000 figure"
        lines.append(f"- at 100,000, cold build ≤ 11× the 10,000 figure ({cell(hundred.get('wardsite_cold'), 'seconds')} vs {limit_text}): "
                     + _verdict(_check(hundred.get("wardsite_cold"), limit * 1.000001 if limit else None)))
        lines.append(f"- at 100,000, peak memory under 2 GB ({cell(hundred.get('wardsite_peak'), 'peak_mib')} vs {TWO_GB_MIB:.0f} MiB): "
                     + _verdict(_check(hundred.get("wardsite_peak"), TWO_GB_MIB, "peak_mib")))
    return "\n".join(lines)


def wardsite_state() -> str:
    """The commit of the wardsite being measured, and whether its code differs from that commit."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout.strip()
    diff = git("diff", "HEAD", "--", "wardsite", "build.py")
    return git("rev-parse", "--short", "HEAD") + (f" with uncommitted changes ({_stamp(diff)})" if diff else "")


def describe_machine(state: str, live: bool, pelican_label: str, hugo_label: str, python_label: str) -> str:
    code = f"wardsite at {state}"
    if live and wardsite_state() != state:
        # Others changed the checkout while the run went on; say so rather than pass off mixed figures.
        code += f", changed during the run to {wardsite_state()}"
    return (f"{dt.date.today().isoformat()}, {os.cpu_count()} cores, {python_label}, "
            f"{code}, {pelican_label}, {hugo_label}")


def load_earlier() -> dict:
    path = WORK / "results.json"
    return json.loads(path.read_text()) if path.exists() else {}


def save_rows(rows: dict[int, dict[str, Run]], earlier: dict) -> None:
    for size, row in rows.items():
        earlier[str(size)] = {"date": dt.date.today().isoformat(), **{key: asdict(run) for key, run in row.items()}}
    (WORK / "results.json").write_text(json.dumps(earlier, indent=1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000], help="article counts (default 1000 10000)")
    parser.add_argument("--repeat", type=int, help="runs of each step, best kept (default 2 up to 10000 articles, else 1)")
    parser.add_argument("--timeout", type=float, help="seconds allowed for one build (default 120 + 0.03 s per article)")
    parser.add_argument("--no-pelican", action="store_true", help="skip Pelican")
    parser.add_argument("--working-tree", action="store_true", help="measure the checkout as it is, uncommitted changes included, instead of HEAD")
    parser.add_argument("--no-hugo", action="store_true", help="skip Hugo even when it is installed")
    parser.add_argument("--python", help="the Python to run wardsite and Pelican on, each in a virtual environment made from it "
                        "(default: the one running this script, wardsite as it is installed there)")
    parser.add_argument("--settle", type=float, default=SETTLE_DEFAULT,
                        help=f"seconds to wait after deleting what a stopped run left in benchmarks/work/trash (default {SETTLE_DEFAULT:g})")
    args = parser.parse_args(argv)
    global settle_seconds
    settle_seconds = args.settle

    WORK.mkdir(parents=True, exist_ok=True)
    # One run at a time: a run deletes benchmarks/work/trash when it starts and ends, and any
    # other run's measurements would pay for that (and for sharing the cores).
    lock = open(WORK / ".bench.lock", "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print("bench.py: another run is going on in benchmarks/work; wait for it to end", file=sys.stderr)
        return 2
    if TRASH.exists():  # left by a run that was stopped
        print(f"  deleting {TRASH.relative_to(REPO)}, then waiting {settle_seconds:g} s ...", flush=True)
        empty_trash()
        os.sync()
        time.sleep(settle_seconds)
    try:
        return _run(args, argv)
    finally:
        empty_trash()


def _run(args, argv) -> int:
    if args.working_tree:
        build, state = REPO / "build.py", wardsite_state()
    else:
        build, commit = snapshot_wardsite()
        state = f"{commit} (committed code, copied to {build.parent.relative_to(REPO)})"
    try:
        interpreter = Interpreter.of(args.python)
        wardsite = wardsite_command(interpreter, build)
    except (OSError, subprocess.SubprocessError) as error:
        print(f"bench.py: cannot run wardsite on --python {args.python}: {error}", file=sys.stderr)
        return 2
    pelican_cmd, pelican_label = (False, "Pelican skipped") if args.no_pelican else ensure_pelican(interpreter)
    hugo_version_found = None if args.no_hugo else hugo_version()
    hugo_label = "Hugo skipped" if args.no_hugo else hugo_version_found or "Hugo not installed"
    earlier = load_earlier()
    command = ("python benchmarks/bench.py " + " ".join(sys.argv[1:] if argv is None else argv)).strip()
    rows: dict[int, dict[str, Run]] = {}
    for size in args.sizes:
        repeat = args.repeat or (2 if size <= 10000 else 1)
        timeout = args.timeout or 120 + 0.03 * size
        print(f"{size:,} articles:", flush=True)
        rows[size] = bench_size(wardsite, size, repeat, timeout, pelican_cmd, hugo_version_found is not None)
        print(table({size: rows[size]}).splitlines()[-1], flush=True)
        # Written after every size, so stopping a long run keeps the sizes it finished.
        report = "\n\n".join([
            f"Measured {describe_machine(state, args.working_tree, pelican_label, hugo_label, interpreter.label())}.",
            f"Command: `{command}`",
            table(rows),
            *filter(None, [rounds(rows)]),
            targets(rows, earlier),
        ]) + "\n"
        save_rows({size: rows[size]}, earlier)
        (WORK / "results.md").write_text(report, encoding="utf-8")
    print("\n" + report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
