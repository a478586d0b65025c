"""`wardsite serve`: build into memory, serve it on 127.0.0.1, rebuild on change, reload the browser.

Nothing is written to disk: the site lives in the Outcome.files dict of the
last build that succeeded. A build that fails keeps that site on screen and
puts its errors in the terminal and in a banner on the page.
"""

from __future__ import annotations

import json
import mimetypes
import os
import re
import sys
import threading
import time
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Iterable, TextIO
from urllib.parse import unquote, urlsplit

from . import build as pipeline
from .config import Config
from .errors import ContentError, only_errors

HOST = "127.0.0.1"
STATUS_PATH = "/__wardsite/status"
POLL_SECONDS = 0.3  # how often the watcher looks for changed files
SETTLE_SECONDS = 0.1  # an editor saving a file may write it in several steps

Settings = Callable[[], "tuple[Config, list[ContentError]]"]


class PortUnavailable(Exception):
    """The port cannot be listened on (in use, or not allowed)."""


@dataclass(frozen=True)
class Snapshot:
    """What the server shows: the last good site and what stops the current content from building."""

    version: int = 0  # goes up each time the served site changes; the page reloads when it does
    files: dict | None = None  # {path: bytes}; None until a build has succeeded
    errors: tuple[str, ...] = ()  # `PATH:LINE: message`, as the terminal shows them


def next_snapshot(current: Snapshot, files: dict | None, errors: Iterable[str]) -> Snapshot:
    """The snapshot after a build that made files (or None when it failed) and reported errors."""
    errors = tuple(errors)
    if files is None or files == current.files:
        return replace(current, errors=errors)
    return Snapshot(current.version + 1, files, errors)


# ---- the page's side: a script added to every HTML response, never to the built files

_LIVE_SCRIPT = """
<script>/* added by wardsite serve; not part of the built site */
(function () {
  var version = %(version)d, banner = null;
  function show(errors) {
    if (!errors.length) { if (banner) { banner.remove(); banner = null; } return; }
    if (!banner) {
      banner = document.createElement("div");
      banner.id = "wardsite-errors";
      banner.setAttribute("role", "alert");
      banner.style.cssText = "position:fixed;left:0;right:0;top:0;z-index:2147483647;max-height:50vh;overflow:auto;" +
        "margin:0;padding:.75em 1em;background:#b00020;color:#fff;font:14px/1.4 system-ui,sans-serif;box-shadow:0 2px 8px rgba(0,0,0,.4)";
      document.body.appendChild(banner);
    }
    var title = document.createElement("strong");
    title.textContent = "Nội dung có lỗi (" + errors.length + "); trang đang hiện bản tốt gần nhất. Sửa lỗi rồi lưu tệp:";
    var list = document.createElement("pre");
    list.style.cssText = "margin:.5em 0 0;white-space:pre-wrap;font:13px/1.4 ui-monospace,monospace";
    list.textContent = errors.join("\\n");
    banner.replaceChildren(title, list);
  }
  function poll() {
    fetch("%(status)s", {cache: "no-store"})
      .then(function (response) { return response.json(); })
      .then(function (status) {
        if (status.version !== version) { location.reload(); return; }
        show(status.errors);
        setTimeout(poll, 500);
      }, function () { setTimeout(poll, 2000); });  // the server is stopped or restarting
  }
  poll();
})();
</script>
"""

_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


def inject(page: bytes, version: int) -> bytes:
    """An HTML page with the live-reload script before its last </body>."""
    script = (_LIVE_SCRIPT % {"version": version, "status": STATUS_PATH}).encode()
    ends = list(_BODY_END.finditer(page))
    at = ends[-1].start() if ends else len(page)
    return page[:at] + script + page[at:]


def _waiting_page(snapshot: Snapshot) -> bytes:
    """Shown until the first build succeeds; the banner lists the errors."""
    message = "Đang dựng trang…" if not snapshot.errors else "Nội dung có lỗi nên chưa dựng được trang; lỗi ở dòng đỏ phía trên."
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>wardsite serve</title></head>'
        f"<body><p style=\"margin-top:40vh;text-align:center;font-family:sans-serif\">{message}</p></body></html>"
    ).encode()


# ---- the server's side: a pure route from a snapshot and a request path to a response

@dataclass(frozen=True)
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    location: str | None = None


def _content_type(name: str) -> str:
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if name.endswith(".js"):
        kind = "text/javascript"
    if kind.startswith("text/") or kind in ("application/json", "application/xml", "application/atom+xml", "image/svg+xml"):
        kind += "; charset=utf-8"
    return kind


def route(snapshot: Snapshot, target: str) -> Response:
    """The response to GET target (path and query, as the request line gives it)."""
    parts = urlsplit(target)
    path = unquote(parts.path)
    if path == STATUS_PATH:
        status = {"version": snapshot.version, "errors": list(snapshot.errors)}
        return Response(200, json.dumps(status, ensure_ascii=False).encode(), "application/json; charset=utf-8")
    files = snapshot.files
    if files is None:
        return Response(503, inject(_waiting_page(snapshot), snapshot.version))
    name = path.lstrip("/")
    if name == "" or name.endswith("/"):
        name += "index.html"
    if name in files:
        body, kind = files[name], _content_type(name)
        if kind.startswith("text/html"):
            body = inject(body, snapshot.version)
        return Response(200, body, kind)
    if f"{name}/index.html" in files:  # pretty links: /phuong/duc-giang → /phuong/duc-giang/
        return Response(301, location=parts.path + "/" + (f"?{parts.query}" if parts.query else ""))
    page = files.get("404.html", b"<!doctype html><title>404</title><p>Not found</p>")
    return Response(404, inject(page, snapshot.version))


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a browser keeping a connection open must not hold up Ctrl-C
    snapshot = Snapshot()

    def handle_error(self, request, client_address):
        # A browser that navigates away mid-response is not a problem to report.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self):
        self._send(route(self.server.snapshot, self.path), with_body=True)

    def do_HEAD(self):
        self._send(route(self.server.snapshot, self.path), with_body=False)

    def _send(self, response: Response, with_body: bool) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Cache-Control", "no-store")  # a preview must never show a stale page
        if response.location:
            self.send_header("Location", response.location)
        self.end_headers()
        if with_body:
            self.wfile.write(response.body)

    def log_message(self, format, *args):  # the terminal is for content errors, not for every request
        pass


def open_server(port: int) -> _Server:
    """A server listening on 127.0.0.1:port (0 for any free port), not yet serving."""
    try:
        return _Server((HOST, port), _Handler)
    except OverflowError:
        raise PortUnavailable(f"--port {port} is not a port number; use 1-65535, or 0 for any free port") from None
    except OSError as exc:
        raise PortUnavailable(f"cannot listen on {HOST}:{port} ({exc.strerror or exc}); "
                              "give another port with --port, or --port 0 for any free one") from None


# ---- watching: a polling loop, which works the same on every disk, shared folder and system

def fingerprint(paths: Iterable[Path]) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every file under paths, hidden files and folders left out."""
    seen = {}
    for root in paths:
        if root.is_file():
            stat = root.stat()
            seen[str(root)] = (stat.st_mtime_ns, stat.st_size)
            continue
        for folder, dirs, names in os.walk(root):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for name in names:
                if name.startswith("."):
                    continue
                path = os.path.join(folder, name)
                try:
                    stat = os.stat(path)
                except OSError:  # deleted between the listing and the stat
                    continue
                seen[path] = (stat.st_mtime_ns, stat.st_size)
    return seen


def changed(before: dict, after: dict) -> list[str]:
    return sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))


# ---- the loop

def _build(load_settings: Settings, base_url: str) -> tuple[dict | None, list[ContentError], float]:
    started = time.perf_counter()
    config, problems = load_settings()
    if only_errors(problems):
        return None, problems, time.perf_counter() - started
    # Feeds, the sitemap and canonical links point at the preview, not at the real host.
    config = replace(config, base_url=base_url)
    try:
        outcome = pipeline.make_site(Path(config.content), config, Path(config.templates))
    except Exception as exc:  # a fault of wardsite's own (templates of the project's are problems): say so and keep serving
        where = Path(getattr(exc, "filename", None) or config.templates)
        problem = ContentError(where, getattr(exc, "lineno", None), f"the site cannot be built ({type(exc).__name__}: {exc})")
        return None, [*problems, problem], time.perf_counter() - started
    files = outcome.files if outcome.ok else None
    return files, [*problems, *outcome.problems], time.perf_counter() - started


def _watched(load_settings: Settings, config_file: Path) -> list[Path]:
    config, _ = load_settings()
    return [Path(config.content), Path(config.templates), config_file]


def serve(
    load_settings: Settings,
    config_file: Path,
    port: int = 8000,
    out: TextIO | None = None,
    err: TextIO | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Serve the site until Ctrl-C (or stop is set); 0 when stopped.

    load_settings gives the configuration afresh before every build, so an
    edit of the configuration file takes effect without a restart.
    """
    out, err = out or sys.stdout, err or sys.stderr
    stop = stop or threading.Event()

    def say(text: str, stream: TextIO) -> None:
        print(text, file=stream, flush=True)

    server = open_server(port)
    url = f"http://{HOST}:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)

    def rebuild(reason: str) -> None:
        files, problems, seconds = _build(load_settings, url)
        for problem in problems:
            say(str(problem), err)
        errors = [str(p) for p in only_errors(problems)]
        server.snapshot = next_snapshot(server.snapshot, files, errors)
        if errors:
            kept = "still serving the last good site" if server.snapshot.files is not None else "nothing to serve until they are fixed"
            say(f"{len(errors)} error(s){reason}; {kept}.", err)
        else:
            say(f"Built {len(files)} files in {seconds:.2f} s{reason}.", out)

    try:
        watched = _watched(load_settings, config_file)
        before = fingerprint(watched)
        rebuild("")
        thread.start()
        say(f"Serving {url} (Ctrl-C to stop)", out)
        while not stop.wait(POLL_SECONDS):
            watched = _watched(load_settings, config_file)
            after = fingerprint(watched)
            if after == before:
                continue
            while not stop.wait(SETTLE_SECONDS):
                settled = fingerprint(watched)
                if settled == after:
                    break
                after = settled
            paths = changed(before, after)
            before = after
            rebuild(f" after a change to {paths[0]}" + (f" and {len(paths) - 1} more" if len(paths) > 1 else ""))
    except KeyboardInterrupt:
        pass
    finally:
        _close(server, thread)
    say("Stopped.", out)
    return 0


def _close(server: _Server, thread: threading.Thread) -> None:
    try:
        if thread.is_alive():
            server.shutdown()
    except KeyboardInterrupt:
        pass  # Ctrl-C pressed twice: the serving thread is a daemon and ends with the process
    server.server_close()
