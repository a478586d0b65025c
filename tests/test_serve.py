"""`wardsite serve` against a real server on a loopback port: rebuilds, reloads, errors, Ctrl-C."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

from conftest import REPO, article, write_archive
from wardsite.cli import main
from wardsite.serve import STATUS_PATH, Snapshot, inject, next_snapshot, route

ARTICLE = "duc-giang/2021/giao-ban.md"
PAGE = "phuong/duc-giang/2021/giao-ban.html"
WAIT = 10  # seconds any one wait may take; a healthy run needs well under one

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="stops the server with SIGINT")


def wait_for(condition, what: str, timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"gave up after {timeout} s waiting for {what}")


# `wardsite serve` as a terminal starts it, where Ctrl-C interrupts it: a
# command started in the background by a script without job control (as a CI
# runner may start the tests) has SIGINT ignored, its children too, and
# Python then leaves it ignored.
AS_IN_A_TERMINAL = (
    "import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "runpy.run_module('wardsite.cli', run_name='__main__', alter_sys=True)"
)


class Server:
    """`wardsite serve --port 0` in a child process, its output collected line by line."""

    def __init__(self, project, *args):
        env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"}
        self.process = subprocess.Popen(
            [sys.executable, "-c", AS_IN_A_TERMINAL, "serve", "--port", "0", *args],
            cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
        )
        self.out: list[str] = []
        self.err: list[str] = []
        lines: queue.Queue = queue.Queue()
        for stream, sink in ((self.process.stdout, self.out), (self.process.stderr, self.err)):
            threading.Thread(target=self._read, args=(stream, sink, lines), daemon=True).start()
        deadline = time.monotonic() + WAIT
        while True:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self.stop()
                raise AssertionError(f"the server did not start: {self.out} {self.err}") from None
            found = re.search(r"Serving (http://127\.0\.0\.1:\d+/)", line)
            if found:
                self.url = found.group(1)
                break

    @staticmethod
    def _read(stream, sink, lines):
        for line in stream:
            sink.append(line)
            lines.put(line)

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8")

    def status(self) -> dict:
        return json.loads(self.get(STATUS_PATH.lstrip("/"))[1])

    def output(self) -> str:
        return "".join(self.out + self.err)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=WAIT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=WAIT)
        return self.process.returncode


@pytest.fixture
def project(tmp_path):
    write_archive(tmp_path, {ARTICLE: article(body="Nội dung ban đầu.")})
    return tmp_path


@pytest.fixture
def server(project):
    running = Server(project)
    yield running
    running.stop()


def edit(project, text: str) -> None:
    path = project / "content" / ARTICLE
    path.write_text(text, encoding="utf-8")


def test_the_site_is_served_from_memory_with_the_reload_script_only_in_responses(server, project):
    status, home = server.get("")
    assert status == 200 and STATUS_PATH in home
    status, page = server.get(PAGE)
    assert status == 200 and "Nội dung ban đầu." in page and STATUS_PATH in page
    assert server.status() == {"version": 1, "errors": []}
    assert server.get("khong-co-trang-nay.html")[0] == 404
    assert not (project / "site").exists()
    assert server.output().startswith("Built ")


def test_an_edited_article_is_rebuilt_and_the_page_shows_it(server, project):
    edit(project, article(body="Nội dung đã sửa lần một."))
    wait_for(lambda: server.status()["version"] == 2, "the version to change")
    assert "Nội dung đã sửa lần một." in server.get(PAGE)[1]


def test_an_error_is_shown_while_the_last_good_site_is_still_served_until_it_is_fixed(server, project):
    edit(project, article(ward="Đức Gian", body="Bài có lỗi."))
    errors = wait_for(lambda: server.status()["errors"], "the error in the status")
    assert errors == [f"{os.path.join('content', ARTICLE)}:4: unknown ward `Đức Gian`; did you mean `Đức Giang`?"]
    wait_for(lambda: errors[0] in server.output(), "the error in the terminal")
    assert server.status()["version"] == 1
    status, page = server.get(PAGE)
    assert status == 200 and "Nội dung ban đầu." in page and "Bài có lỗi." not in page

    edit(project, article(body="Đã sửa lỗi."))
    wait_for(lambda: server.status() == {"version": 2, "errors": []}, "the fixed site")
    assert "Đã sửa lỗi." in server.get(PAGE)[1]


def test_a_template_broken_while_serving_is_shown_at_its_line_until_it_is_fixed(server, project):
    own = project / "templates"
    own.mkdir()
    (own / "article.html").write_text('{% extends "base.html" %}\n{% block main %}\n<h1>{{ article.title }</h1>\n{% endblock %}\n', encoding="utf-8")
    errors = wait_for(lambda: server.status()["errors"], "the error in the status")
    assert len(errors) == 1 and errors[0].startswith(f"{os.path.join('templates', 'article.html')}:3: Jinja cannot read this template: unexpected '}}'"), errors
    assert server.status()["version"] == 1 and "Nội dung ban đầu." in server.get(PAGE)[1]

    (own / "article.html").write_text('{% extends "base.html" %}\n{% block main %}\n<h1>{{ article.title }}!</h1>\n{% endblock %}\n', encoding="utf-8")
    wait_for(lambda: server.status() == {"version": 2, "errors": []}, "the fixed site")
    assert "<h1>Giao ban tháng 5!</h1>" in server.get(PAGE)[1]


def test_a_change_to_the_configuration_rebuilds_the_site(server, project):
    (project / "wardsite.yaml").write_text("title: Tin phường thử nghiệm\n", encoding="utf-8")
    wait_for(lambda: server.status()["version"] == 2, "the rebuild")
    assert "Tin phường thử nghiệm" in server.get("")[1]


def test_a_site_with_errors_from_the_start_shows_them_until_it_builds(project):
    edit(project, article(date="2021-02-31"))
    running = Server(project)
    try:
        status, page = running.get("")
        assert status == 503 and STATUS_PATH in page
        assert "2021-02-31 does not exist" in running.status()["errors"][0]
        edit(project, article())
        wait_for(lambda: running.status() == {"version": 1, "errors": []}, "the first good build")
        assert running.get(PAGE)[0] == 200
    finally:
        running.stop()


def test_ctrl_c_stops_the_server_cleanly(server):
    assert server.stop() == 0
    wait_for(lambda: "Stopped." in server.output(), "the goodbye")
    assert "Traceback" not in server.output()


def test_a_port_in_use_is_a_usage_error(project, monkeypatch, capsys):
    monkeypatch.chdir(project)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        assert main(["serve", "--port", str(taken.getsockname()[1])]) == 2
    assert "--port 0" in capsys.readouterr().err


# The pure parts: routing a path against a snapshot, and the script added to pages.

SITE = Snapshot(3, {"index.html": "<html><body><p>Trang chủ</p></body></html>".encode(), "phuong/index.html": b"<body></body>",
                     "data/tasks.csv": b"a,b\n", "404.html": "<body>Không thấy</body>".encode()})


def test_route_serves_index_html_for_folders_and_redirects_pretty_links():
    assert "Trang chủ" in route(SITE, "/").body.decode()
    assert route(SITE, "/phuong/").status == 200
    assert route(SITE, "/phuong?x=1").location == "/phuong/?x=1"
    assert route(SITE, "/data/tasks.csv").content_type == "text/csv; charset=utf-8"
    assert route(SITE, "/data/tasks.csv").body == b"a,b\n"
    missing = route(SITE, "/nam/1999/index.html")
    assert missing.status == 404 and "Không thấy" in missing.body.decode()


def test_the_script_goes_before_the_end_of_the_body_and_knows_the_version():
    page = inject(b"<html><body><p>x</p></BODY></html>", 7)
    assert page.startswith(b"<html><body><p>x</p>\n<script>") and page.endswith(b"</script>\n</BODY></html>")
    assert b"var version = 7," in page


def test_a_failed_build_keeps_the_files_and_the_version():
    failed = next_snapshot(SITE, None, ["content/a.md:3: unknown ward"])
    assert (failed.version, failed.files, failed.errors) == (3, SITE.files, ("content/a.md:3: unknown ward",))
    same = next_snapshot(failed, dict(SITE.files), [])
    assert (same.version, same.errors) == (3, ())
    changed = next_snapshot(same, {"index.html": b"new"}, [])
    assert changed.version == 4
