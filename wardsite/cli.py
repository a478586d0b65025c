"""The command line: parse arguments, run the pipeline, print problems, exit 0, 1 or 2."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

from . import build as pipeline
from .config import CONFIG_FILE, Config, load_config
from .errors import ContentError
from .publish import Busy, refusal
from .workers import report_progress

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A command line that cannot be carried out; exit 2."""


def _site_options(parser: argparse.ArgumentParser, output: bool = True) -> None:
    parser.add_argument("--content", type=Path, help="the content folder (default: ./content)")
    parser.add_argument("--config", type=Path, help="the site configuration (default: ./wardsite.yaml if present)")
    if output:
        parser.add_argument("--output", type=Path, help="where the site is written (default: ./site)")
        parser.add_argument("--base-url", help="the address the site is published at, e.g. https://example.org/")
    parser.add_argument("--drafts", action="store_true", default=None, help="include articles marked draft: true")
    parser.add_argument("--future", action="store_true", default=None, help="include articles dated in the future")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wardsite", description="Build a static site from a ward news archive.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    _site_options(commands.add_parser("build", help="build the site from the content folder"))
    _site_options(commands.add_parser("check", help="validate the content without writing anything"), output=False)
    importer = commands.add_parser("import", help="turn raw scraped articles into content files")
    importer.add_argument("raw", nargs="+", type=Path, metavar="RAW", help="raw article files (.txt) or folders of them")
    importer.add_argument("--out", type=Path, required=True, help="the folder to write content files into")
    importer.add_argument("--ward", help="the ward of articles that name none")
    importer.add_argument("--content", type=Path, default=Path("content"), help="the content folder whose wards.yaml names the wards")
    importer.add_argument("--force", action="store_true", help="overwrite files an editor has changed since they were imported")
    serve = commands.add_parser("serve", help="preview the site on this computer, rebuilt and reloaded on every change")
    _site_options(serve, output=False)
    serve.add_argument("--port", type=int, default=8000, help="the port on 127.0.0.1 (default: 8000; 0 picks a free one)")
    new = commands.add_parser("new", help="create a ready-to-fill article in the content folder")
    new.add_argument("--title", required=True, help="the headline, e.g. 'Giao ban tháng 5/2021'")
    new.add_argument("--ward", required=True, help="the ward, any spelling wards.yaml knows")
    new.add_argument("--category", required=True, help="e.g. 'Công tác đảng'")
    new.add_argument("--content", type=Path, default=Path("content"), help="the content folder (default: ./content)")
    return parser


def settings(args) -> tuple[Config, list[ContentError]]:
    """The configuration, with the command line's options over the file's."""
    config, problems = load_config(args.config)
    if args.config is not None and not args.config.is_file():
        raise UsageError(f"the configuration file {args.config} does not exist")
    overrides = {}
    if args.content is not None:
        overrides["content"] = str(args.content)
    if getattr(args, "output", None) is not None:
        overrides["output"] = str(args.output)
    if getattr(args, "base_url", None) is not None:
        overrides["base_url"] = args.base_url
    for flag in ("drafts", "future"):
        if getattr(args, flag, None):
            overrides[flag] = True
    return replace(config, **overrides), problems


def report(problems, stream=sys.stderr) -> None:
    for problem in problems:
        print(problem, file=stream)


class ProgressBar:
    """A one-line bar on a terminal; nothing at all in CI or when the output is piped."""

    WIDTH = 30

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.shown = False

    @staticmethod
    def wanted(stream=None) -> bool:
        stream = stream or sys.stderr
        return stream.isatty() and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"

    def __call__(self, label: str, done: int, total: int) -> None:
        filled = self.WIDTH * done // total
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\r{label:<20} [{bar}] {done}/{total}")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * (self.WIDTH + 50) + "\r")
            self.stream.flush()


def _with_progress(work):
    """Run work() with a progress bar when one is wanted."""
    if not ProgressBar.wanted():
        return work()
    bar = ProgressBar()
    report_progress(bar)
    try:
        return work()
    finally:
        report_progress(None)
        bar.clear()


def run_build(args) -> int:
    config, problems = settings(args)
    content, output = Path(config.content), Path(config.output)
    if not content.is_dir():
        raise UsageError(f"the content folder {content} does not exist; run from the project folder or give --content")
    why = refusal(output, content, Path.cwd())
    if why:
        raise UsageError(why)
    if problems:
        report(problems)
        return EXIT_CONTENT
    outcome = _with_progress(lambda: pipeline.build(content, output, config, Path(config.templates)))
    report(outcome.problems)
    if not outcome.ok:
        print(f"{len(outcome.errors)} error(s); the site in {output}/ was left as it was.", file=sys.stderr)
        return EXIT_CONTENT
    warnings = len(outcome.problems) - len(outcome.errors)
    print(f"Built {outcome.articles} articles, {outcome.pages} pages into {output}/ in {outcome.seconds:.2f} s; "
          f"0 errors{f', {warnings} warnings' if warnings else ''}.")
    return EXIT_OK


def run_check(args) -> int:
    config, problems = settings(args)
    content = Path(config.content)
    if not content.is_dir():
        raise UsageError(f"the content folder {content} does not exist; run from the project folder or give --content")
    if problems:
        report(problems)
        return EXIT_CONTENT
    outcome = _with_progress(lambda: pipeline.make_site(content, config, Path(config.templates)))
    report(outcome.problems)
    if not outcome.ok:
        where = f" in {content}/" if all(Path(e.path).is_relative_to(content) for e in outcome.errors) else ""  # or in templates/
        print(f"{len(outcome.errors)} error(s){where}.", file=sys.stderr)
        return EXIT_CONTENT
    print(f"Checked {outcome.articles} articles: no errors.")
    return EXIT_OK


def run_import(args) -> int:
    from .importer import import_files
    from .registry import load_registry

    registry, problems = load_registry(args.content)
    if problems:
        report(problems)
        return EXIT_CONTENT
    raw = []
    for path in args.raw:
        if path.is_dir():
            raw += sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".txt")
        elif path.exists():
            raw.append(path)
        else:
            raise UsageError(f"{path} does not exist")
    written, errors = import_files(raw, args.out, registry, ward=args.ward, force=args.force)
    for error in errors:
        print(f"{error.path}: {error.message}", file=sys.stderr)
    print(f"Imported {len(written)} of {len(raw)} articles into {args.out}/.")
    return EXIT_CONTENT if errors else EXIT_OK


def run_new(args) -> int:
    from .registry import load_registry
    from .scaffold import ScaffoldError, new_article, now_in_vietnam

    if not args.content.is_dir():
        raise UsageError(f"the content folder {args.content} does not exist; run from the project folder or give --content")
    registry, problems = load_registry(args.content)
    if problems:
        report(problems)
        return EXIT_CONTENT
    try:
        made = new_article(args.title, args.ward, args.category, now_in_vietnam(), registry)
    except ScaffoldError as exc:
        raise UsageError(str(exc)) from None
    target = args.content.joinpath(*made.path.parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(target, "x", encoding="utf-8", newline="\n") as file:  # "x": never overwrite an article
            file.write(made.text)
    except FileExistsError:
        print(f"{target}: an article with this title already exists in this ward and year; "
              "open it, or give the new one a different --title", file=sys.stderr)
        return EXIT_CONTENT
    print(f"Created {target}; write the article, then run `wardsite check`.")
    return EXIT_OK


def run_serve(args) -> int:
    from .serve import PortUnavailable, serve

    config, _ = settings(args)  # a missing --config file is a usage error now, a content error later
    if not Path(config.content).is_dir():
        raise UsageError(f"the content folder {config.content} does not exist; run from the project folder or give --content")

    def load_settings():
        try:
            return settings(args)
        except UsageError as exc:  # the configuration file was deleted while serving
            return config, [ContentError(args.config, None, str(exc))]

    try:
        return serve(load_settings, args.config or Path(CONFIG_FILE), args.port)
    except PortUnavailable as exc:
        raise UsageError(str(exc)) from None


COMMANDS = {"build": run_build, "check": run_check, "import": run_import, "new": run_new, "serve": run_serve}


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except Busy as exc:
        print(f"wardsite {args.command}: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    except UsageError as exc:
        print(f"wardsite {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("Stopped; the site was left as it was.", file=sys.stderr)
        return EXIT_CONTENT
    except Exception as exc:  # a bug in wardsite, not in the content: no traceback for an editor
        if os.environ.get("WARDSITE_DEBUG"):
            raise
        print(f"wardsite {args.command}: internal error ({type(exc).__name__}: {exc}). Nothing was published. "
              "Run again with WARDSITE_DEBUG=1 for details and report it.", file=sys.stderr)
        return EXIT_CONTENT


def run(argv: list[str] | None = None) -> None:
    """The command line: main, then the process ends at once.

    A build leaves its model (every article, page and task) to be freed one
    object at a time as Python shuts down: half a second at 10,000 articles,
    after the work is done. The system takes the memory back whole instead.
    By then every file is written and closed, and every process and thread
    the build started has ended.
    """
    code = main(argv)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said
            pass
    os._exit(code)


if __name__ == "__main__":
    run()
