import io

from wardsite.build import make_site
from wardsite.cli import ProgressBar
from wardsite.config import Config
from wardsite.workers import report_progress

from conftest import article, write_archive


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_bar_shows_each_stage_up_to_its_total(tmp_path):
    content = write_archive(tmp_path, {f"bai-{i}.md": article(title=f"Bài {i}") for i in range(150)})
    screen = Terminal()
    report_progress(ProgressBar(screen))
    try:
        assert make_site(content, Config(), None).ok
    finally:
        report_progress(None)
    shown = screen.getvalue()
    assert "reading articles" in shown and "150/150" in shown
    assert "rendering pages" in shown and "[" + "#" * ProgressBar.WIDTH + "]" in shown


def test_the_bar_stays_quiet_in_ci_and_when_piped(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert ProgressBar.wanted(Terminal())
    assert not ProgressBar.wanted(io.StringIO())
    monkeypatch.setenv("CI", "true")
    assert not ProgressBar.wanted(Terminal())
